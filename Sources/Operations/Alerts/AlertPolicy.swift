import Execution
/// When a scheduled run should page the operator.
public struct AlertPolicy: Sendable, Codable, Hashable {
    /// Failed ticks in a row before the first alert. One flaky RPC reply should not page anyone;
    /// two in a row usually means the node, the key or the chain needs a look.
    public var failuresBeforeAlert: Int
    /// A guard that blocks a mainnet run (stale block, manipulated-looking prices, pools
    /// disagreeing) alerts at once: on mainnet the portfolio is drifting while nobody trades.
    public var alertOnMainnetBlock: Bool

    public init(failuresBeforeAlert: Int = 2, alertOnMainnetBlock: Bool = true) {
        self.failuresBeforeAlert = failuresBeforeAlert
        self.alertOnMainnetBlock = alertOnMainnetBlock
    }

    /// The threshold actually used: at least one failure.
    var threshold: Int { max(1, failuresBeforeAlert) }
}
