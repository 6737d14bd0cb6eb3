import EthRPC

/// Why a dry run could not run at all. A transaction that reverts is not an error: the report
/// records it and says the simulation disagrees with the plan.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node could not be asked (transport, HTTP, malformed batch reply).
    case rpc(RPCError)
    /// A vault-mode plan without its `rebalance` call as data.
    case missingVaultCall
    case encoding(PlanBuildError)
    /// The node is on another chain than the plan.
    case wrongChain(expected: UInt64, got: UInt64)
    /// The devnet snapshot the simulation mined on could not be rolled back: `stayed` says what
    /// is still on chain.
    case rollbackFailed(reason: String, stayed: String)

    public var description: String {
        switch self {
        case .rpc(let e): return "simulation: \(e)"
        case .missingVaultCall: return "simulation: vault-mode plan without its rebalance call"
        case .encoding(let e): return "simulation: \(e)"
        case let .wrongChain(expected, got): return "simulation: the node is on chain \(got), the plan on chain \(expected)"
        case let .rollbackFailed(reason, stayed):
            return "simulation: could not roll the node back after simulating (\(reason)): \(stayed); nothing was signed, but do not trust this node's state"
        }
    }
}
