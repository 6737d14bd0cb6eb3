import EthCore

/// An EIP-1559 transaction (type 0x02): a fee cap and a priority fee instead of a gas price.
public struct DynamicFeeTransaction: Sendable, Hashable {
    public static let type: UInt8 = 0x02

    public var chainId: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: AccessList

    public init(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256,
                gasLimit: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = [],
                accessList: AccessList = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    var payloadFields: [RLPItem] {
        [.uint(chainId), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
         to.rlp, .uint(value), .bytes(data), accessList.rlp]
    }

    /// keccak256(0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to,
    /// value, data, accessList])).
    public var signingHash: [UInt8] {
        TypedEnvelope.signingHash(type: Self.type, payload: payloadFields)
    }

    /// 0x02 ‖ rlp([…, yParity, r, s]).
    public func encode(signature: Signature) -> [UInt8] {
        TypedEnvelope.encode(type: Self.type, payload: payloadFields, signature: signature)
    }

    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(.dynamicFee(self), signature: key.signDigest(signingHash), from: key.address)
    }

    static let kind = "EIP-1559"

    static func decode(_ item: RLPItem) throws(TransactionError) -> (DynamicFeeTransaction, Signature) {
        let f = try FieldReader(kind: kind, item: item, expectedCount: 12)
        let tx = DynamicFeeTransaction(
            chainId: try f.uint64(0, "chainId"), nonce: try f.uint64(1, "nonce"),
            maxPriorityFeePerGas: try f.uint256(2, "maxPriorityFeePerGas"),
            maxFeePerGas: try f.uint256(3, "maxFeePerGas"), gasLimit: try f.uint64(4, "gasLimit"),
            to: try f.to(5), value: try f.uint256(6, "value"), data: try f.bytes(7, "data"),
            accessList: try f.accessList(8))
        return (tx, try f.typedSignature(from: 9))
    }
}
