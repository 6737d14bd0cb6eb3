import Execution
/// How one scheduled tick (check → decide → maybe send) ended, as far as alerting cares.
public enum TickOutcome: Sendable, Hashable, Codable {
    /// The tick ran to the end: it rebalanced, or it skipped for a benign reason (inside the bands,
    /// only dust, gas too expensive).
    case success
    /// Something broke: the node did not answer, a transaction reverted, the config is bad.
    case failure(reason: String)
    /// A guard stopped the tick (stale block, price off its moving average, pools disagreeing).
    case blocked(reason: String, mainnet: Bool)
}
