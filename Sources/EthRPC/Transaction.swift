import EthCore

/// A transaction as returned by eth_getTransactionByHash (pending or mined).
public struct Transaction: Sendable, Equatable {
    public let hash: [UInt8]
    public let type: UInt64
    public let from: Address
    /// nil for contract creation.
    public let to: Address?
    public let nonce: UInt64
    public let value: UInt256
    public let input: [UInt8]
    public let gas: UInt64
    /// Legacy/EIP-2930 price, or for EIP-1559 the effective price once mined (nodes differ).
    public let gasPrice: UInt256?
    public let maxFeePerGas: UInt256?
    public let maxPriorityFeePerGas: UInt256?
    public let chainId: UInt64?
    /// nil while pending.
    public let blockNumber: UInt64?
    public let blockHash: [UInt8]?

    public var isPending: Bool { blockNumber == nil }

    static func decode(_ value: JSONValue, method: String) throws(RPCError) -> Transaction {
        let f = EthJSON.Field(method)
        let o = try EthJSON.object(value, f)
        func opt256(_ key: String) throws(RPCError) -> UInt256? {
            try EthJSON.optional(o[key]) { v throws(RPCError) in try EthJSON.uint256(v, f.sub(key)) }
        }
        func opt64(_ key: String) throws(RPCError) -> UInt64? {
            try EthJSON.optional(o[key]) { v throws(RPCError) in try EthJSON.uint64(v, f.sub(key)) }
        }
        return Transaction(
            hash: try EthJSON.hash(o["hash"], f.sub("hash")),
            type: try opt64("type") ?? 0,
            from: try EthJSON.address(o["from"], f.sub("from")),
            to: try EthJSON.optional(o["to"]) { v throws(RPCError) in try EthJSON.address(v, f.sub("to")) },
            nonce: try EthJSON.uint64(o["nonce"], f.sub("nonce")),
            value: try EthJSON.uint256(o["value"], f.sub("value")),
            input: try EthJSON.bytes(o["input"] ?? o["data"], f.sub("input")),
            gas: try EthJSON.uint64(o["gas"], f.sub("gas")),
            gasPrice: try opt256("gasPrice"),
            maxFeePerGas: try opt256("maxFeePerGas"),
            maxPriorityFeePerGas: try opt256("maxPriorityFeePerGas"),
            chainId: try opt64("chainId"),
            blockNumber: try opt64("blockNumber"),
            blockHash: try EthJSON.optional(o["blockHash"]) { v throws(RPCError) in try EthJSON.hash(v, f.sub("blockHash")) })
    }
}
