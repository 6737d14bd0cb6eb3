import Market
import Strategy

extension CustodyMode {
    /// The pool kinds this mode can build and send swaps through today: the planning pipeline
    /// routes over these only (valuation and guards still price with every pool of the snapshot).
    /// Uniswap V3 pools are read and priced, but PlanBuilder cannot yet build their steps (neither
    /// the vault's nor SwapRouter02's): add `.concentratedLiquidity` here once a mode can.
    public var executablePoolKinds: Set<PoolKind> {
        switch self {
        case .vault: [.constantProduct, .weighted]
        case .eoa: [.constantProduct, .weighted]
        }
    }
}
