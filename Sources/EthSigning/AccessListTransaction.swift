import EthCore

/// An EIP-2930 transaction (type 0x01): a legacy gas price plus an access list.
public struct AccessListTransaction: Sendable, Hashable {
    public static let type: UInt8 = 0x01

    public var chainId: UInt64
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: AccessList

    public init(chainId: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = [], accessList: AccessList = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    var payloadFields: [RLPItem] {
        [.uint(chainId), .uint(nonce), .uint(gasPrice), .uint(gasLimit), to.rlp, .uint(value), .bytes(data), accessList.rlp]
    }

    /// keccak256(0x01 ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList])).
    public var signingHash: [UInt8] {
        TypedEnvelope.signingHash(type: Self.type, payload: payloadFields)
    }

    /// 0x01 ‖ rlp([…, yParity, r, s]).
    public func encode(signature: Signature) -> [UInt8] {
        TypedEnvelope.encode(type: Self.type, payload: payloadFields, signature: signature)
    }

    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(.accessList(self), signature: key.signDigest(signingHash), from: key.address)
    }

    static let kind = "EIP-2930"

    static func decode(_ item: RLPItem) throws(TransactionError) -> (AccessListTransaction, Signature) {
        let f = try FieldReader(kind: kind, item: item, expectedCount: 11)
        let tx = AccessListTransaction(
            chainId: try f.uint64(0, "chainId"), nonce: try f.uint64(1, "nonce"),
            gasPrice: try f.uint256(2, "gasPrice"), gasLimit: try f.uint64(3, "gasLimit"), to: try f.to(4),
            value: try f.uint256(5, "value"), data: try f.bytes(6, "data"), accessList: try f.accessList(7))
        return (tx, try f.typedSignature(from: 8))
    }
}
