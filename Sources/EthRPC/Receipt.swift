import EthCore

/// An event log emitted by a transaction.
public struct Log: Sendable, Equatable {
    public let address: Address
    public let topics: [[UInt8]]
    public let data: [UInt8]
    /// nil for logs of pending blocks.
    public let blockNumber: UInt64?
    public let transactionHash: [UInt8]?
    public let logIndex: UInt64?
    /// True when a reorg removed the log (eth_getLogs / filters).
    public let removed: Bool

    public init(
        address: Address, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64? = nil,
        transactionHash: [UInt8]? = nil, logIndex: UInt64? = nil, removed: Bool = false
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.removed = removed
    }

    static func decode(_ value: JSONValue, _ f: EthJSON.Field) throws(RPCError) -> Log {
        let o = try EthJSON.object(value, f)
        var topics: [[UInt8]] = []
        for (i, t) in try EthJSON.array(o["topics"], f.sub("topics")).enumerated() {
            topics.append(try EthJSON.hash(t, f.sub("topics[\(i)]")))
        }
        return Log(
            address: try EthJSON.address(o["address"], f.sub("address")),
            topics: topics,
            data: try EthJSON.bytes(o["data"], f.sub("data")),
            blockNumber: try EthJSON.optional(o["blockNumber"]) { v throws(RPCError) in try EthJSON.uint64(v, f.sub("blockNumber")) },
            transactionHash: try EthJSON.optional(o["transactionHash"]) { v throws(RPCError) in
                try EthJSON.hash(v, f.sub("transactionHash"))
            },
            logIndex: try EthJSON.optional(o["logIndex"]) { v throws(RPCError) in try EthJSON.uint64(v, f.sub("logIndex")) },
            removed: o["removed"]?.boolValue ?? false)
    }

    static func decodeList(_ value: JSONValue, method: String) throws(RPCError) -> [Log] {
        let f = EthJSON.Field(method)
        var logs: [Log] = []
        for (i, item) in try EthJSON.array(value, f).enumerated() {
            logs.append(try Log.decode(item, f.sub("[\(i)]")))
        }
        return logs
    }
}

/// A mined transaction's receipt.
public struct Receipt: Sendable, Equatable {
    public let transactionHash: [UInt8]
    /// true: executed successfully (status 1); false: reverted (status 0).
    public let status: Bool
    public let blockNumber: UInt64
    public let blockHash: [UInt8]
    public let from: Address
    public let to: Address?
    public let gasUsed: UInt64
    public let cumulativeGasUsed: UInt64
    /// Price actually paid per gas (base fee + tip); nil only from pre-London nodes that omit it.
    public let effectiveGasPrice: UInt256?
    public let logs: [Log]
    /// Set when the transaction created a contract.
    public let contractAddress: Address?

    public init(
        transactionHash: [UInt8], status: Bool, blockNumber: UInt64, blockHash: [UInt8], from: Address, to: Address?,
        gasUsed: UInt64, cumulativeGasUsed: UInt64, effectiveGasPrice: UInt256?, logs: [Log], contractAddress: Address?
    ) {
        self.transactionHash = transactionHash
        self.status = status
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.from = from
        self.to = to
        self.gasUsed = gasUsed
        self.cumulativeGasUsed = cumulativeGasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.logs = logs
        self.contractAddress = contractAddress
    }

    /// Total fee paid in wei (gasUsed * effectiveGasPrice), nil if the price is unknown or it overflows.
    public var fee: UInt256? {
        effectiveGasPrice?.multiplied(by: UInt256(gasUsed))
    }

    static func decode(_ value: JSONValue, method: String) throws(RPCError) -> Receipt {
        let f = EthJSON.Field(method)
        let o = try EthJSON.object(value, f)
        let status = try EthJSON.uint64(o["status"], f.sub("status"))
        guard status <= 1 else { throw f.sub("status").fail("expected 0x0 or 0x1, got \(status)") }
        var logs: [Log] = []
        for (i, item) in try EthJSON.array(o["logs"], f.sub("logs")).enumerated() {
            logs.append(try Log.decode(item, f.sub("logs[\(i)]")))
        }
        return Receipt(
            transactionHash: try EthJSON.hash(o["transactionHash"], f.sub("transactionHash")),
            status: status == 1,
            blockNumber: try EthJSON.uint64(o["blockNumber"], f.sub("blockNumber")),
            blockHash: try EthJSON.hash(o["blockHash"], f.sub("blockHash")),
            from: try EthJSON.address(o["from"], f.sub("from")),
            to: try EthJSON.optional(o["to"]) { v throws(RPCError) in try EthJSON.address(v, f.sub("to")) },
            gasUsed: try EthJSON.uint64(o["gasUsed"], f.sub("gasUsed")),
            cumulativeGasUsed: try EthJSON.uint64(o["cumulativeGasUsed"], f.sub("cumulativeGasUsed")),
            effectiveGasPrice: try EthJSON.optional(o["effectiveGasPrice"]) { v throws(RPCError) in
                try EthJSON.uint256(v, f.sub("effectiveGasPrice"))
            },
            logs: logs,
            contractAddress: try EthJSON.optional(o["contractAddress"]) { v throws(RPCError) in
                try EthJSON.address(v, f.sub("contractAddress"))
            })
    }
}
