import Execution
import Strategy

extension SkipReason {
    /// A guard that refuses to trade on suspicious data (as opposed to a benign skip: inside the
    /// bands, only dust, gas too expensive). Guards blocking mainnet runs page the operator.
    public var isGuard: Bool {
        switch self {
        // A paused vault, a feed the vault rejects, or pool prices the vault's loss bound refuses
        // (manipulated pools, or a feed that lags) all want a person.
        case .staleBlock, .priceOffMovingAverage, .poolsDisagree, .vaultPaused, .vaultCannotPrice, .vaultWouldRefuse: return true
        case .insideBands, .onlyDust, .gasTooExpensive, .vaultBudgetUsed, .tooSoon: return false
        }
    }
}

extension TickOutcome {
    /// The outcome of a tick that reached a decision: blocked when a guard tripped, success otherwise.
    public init(decision: Decision, mainnet: Bool) {
        let guards = decision.reasons.filter(\.isGuard)
        if decision.action == .skip && !guards.isEmpty {
            self = .blocked(reason: guards.map(\.description).joined(separator: "; "), mainnet: mainnet)
        } else {
            self = .success
        }
    }
}
