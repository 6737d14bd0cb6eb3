import EthCore

/// A legacy (untyped) transaction: with a chain id it is signed per EIP-155 (replay protected);
/// without one it is the original pre-EIP-155 form, valid on every chain.
public struct LegacyTransaction: Sendable, Hashable {
    public var chainId: UInt64?
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]

    public init(chainId: UInt64?, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    var payloadFields: [RLPItem] {
        [.uint(nonce), .uint(gasPrice), .uint(gasLimit), to.rlp, .uint(value), .bytes(data)]
    }

    /// keccak256(rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0])) with EIP-155,
    /// keccak256(rlp([nonce, gasPrice, gas, to, value, data])) without.
    public var signingHash: [UInt8] {
        var fields = payloadFields
        if let chainId { fields += [.uint(chainId), .uint(UInt64(0)), .uint(UInt64(0))] }
        return Keccak256.hash(RLP.encode(.list(fields)))
    }

    /// rlp([nonce, gasPrice, gas, to, value, data, v, r, s]).
    public func encode(signature: Signature) -> [UInt8] {
        RLP.encode(.list(payloadFields + [.uint(signature.legacyV(chainId: chainId)), .uint(signature.r), .uint(signature.s)]))
    }

    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(.legacy(self), signature: key.signDigest(signingHash), from: key.address)
    }

    static let kind = "legacy"

    /// Decodes the 9-field list; v carries the chain id (EIP-155) or is 27/28.
    static func decode(_ item: RLPItem) throws(TransactionError) -> (LegacyTransaction, Signature) {
        let f = try FieldReader(kind: kind, item: item, expectedCount: 9)
        let v = try f.uint256(6, "v")
        let parsed: (yParity: UInt8, chainId: UInt64?)
        do { parsed = try Signature.parseLegacyV(v) } catch { throw .invalidSignature(kind: kind, error) }
        let tx = LegacyTransaction(chainId: parsed.chainId, nonce: try f.uint64(0, "nonce"),
                                   gasPrice: try f.uint256(1, "gasPrice"), gasLimit: try f.uint64(2, "gasLimit"),
                                   to: try f.to(3), value: try f.uint256(4, "value"), data: try f.bytes(5, "data"))
        let r = try f.uint256(7, "r")
        let s = try f.uint256(8, "s")
        do { return (tx, try Signature.validated(r: r, s: s, yParity: parsed.yParity)) } catch {
            throw .invalidSignature(kind: kind, error)
        }
    }
}
