import EthCore

/// The fields of a block the rebalancer needs (from eth_getBlockByNumber without transactions).
public struct BlockHeader: Sendable, Equatable {
    public let number: UInt64
    public let hash: [UInt8]
    public let parentHash: [UInt8]
    /// Seconds since the Unix epoch.
    public let timestamp: UInt64
    /// nil before London (EIP-1559).
    public let baseFeePerGas: UInt256?
    public let gasLimit: UInt64
    public let gasUsed: UInt64

    public init(
        number: UInt64, hash: [UInt8], parentHash: [UInt8], timestamp: UInt64, baseFeePerGas: UInt256?,
        gasLimit: UInt64, gasUsed: UInt64
    ) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
        self.baseFeePerGas = baseFeePerGas
        self.gasLimit = gasLimit
        self.gasUsed = gasUsed
    }

    static func decode(_ value: JSONValue, method: String) throws(RPCError) -> BlockHeader {
        let f = EthJSON.Field(method)
        let o = try EthJSON.object(value, f)
        return BlockHeader(
            number: try EthJSON.uint64(o["number"], f.sub("number")),
            hash: try EthJSON.hash(o["hash"], f.sub("hash")),
            parentHash: try EthJSON.hash(o["parentHash"], f.sub("parentHash")),
            timestamp: try EthJSON.uint64(o["timestamp"], f.sub("timestamp")),
            baseFeePerGas: try EthJSON.optional(o["baseFeePerGas"]) { v throws(RPCError) in
                try EthJSON.uint256(v, f.sub("baseFeePerGas"))
            },
            gasLimit: try EthJSON.uint64(o["gasLimit"], f.sub("gasLimit")),
            gasUsed: try EthJSON.uint64(o["gasUsed"], f.sub("gasUsed")))
    }
}
