import EthCore

/// eth_feeHistory: base fees and priority-fee percentiles of recent blocks.
public struct FeeHistory: Sendable, Equatable {
    /// Number of the first block described.
    public let oldestBlock: UInt64
    /// One entry per block plus one: the last is the base fee of the block after the newest.
    public let baseFeePerGas: [UInt256]
    /// gasUsed / gasLimit per block, 0...1 (display and heuristics only).
    public let gasUsedRatio: [Double]
    /// Per block, the priority fee at each requested percentile; empty when no percentiles were asked.
    public let reward: [[UInt256]]

    public init(oldestBlock: UInt64, baseFeePerGas: [UInt256], gasUsedRatio: [Double], reward: [[UInt256]]) {
        self.oldestBlock = oldestBlock
        self.baseFeePerGas = baseFeePerGas
        self.gasUsedRatio = gasUsedRatio
        self.reward = reward
    }

    /// The base fee the next block will charge, if the node reported it.
    public var nextBaseFee: UInt256? { baseFeePerGas.last }

    static func decode(_ value: JSONValue, method: String) throws(RPCError) -> FeeHistory {
        let f = EthJSON.Field(method)
        let o = try EthJSON.object(value, f)
        var baseFees: [UInt256] = []
        for (i, item) in try EthJSON.array(o["baseFeePerGas"], f.sub("baseFeePerGas")).enumerated() {
            baseFees.append(try EthJSON.uint256(item, f.sub("baseFeePerGas[\(i)]")))
        }
        var ratios: [Double] = []
        for (i, item) in try EthJSON.array(o["gasUsedRatio"], f.sub("gasUsedRatio")).enumerated() {
            guard case .number(let text) = item, let ratio = Double(text), ratio.isFinite else {
                throw f.sub("gasUsedRatio[\(i)]").fail("expected a number")
            }
            ratios.append(ratio)
        }
        var rewards: [[UInt256]] = []
        if let rewardValue = o["reward"], !rewardValue.isNull {
            for (i, row) in try EthJSON.array(rewardValue, f.sub("reward")).enumerated() {
                var parsed: [UInt256] = []
                for (j, item) in try EthJSON.array(row, f.sub("reward[\(i)]")).enumerated() {
                    parsed.append(try EthJSON.uint256(item, f.sub("reward[\(i)][\(j)]")))
                }
                rewards.append(parsed)
            }
        }
        return FeeHistory(
            oldestBlock: try EthJSON.uint64(o["oldestBlock"], f.sub("oldestBlock")),
            baseFeePerGas: baseFees, gasUsedRatio: ratios, reward: rewards)
    }
}
