import Market
import Strategy

extension CustodyMode {
    /// The pool kinds the planning pipeline routes this mode's trades through (valuation and guards
    /// still price with every pool of the snapshot). Uniswap V3 pools are read and priced; add
    /// `.concentratedLiquidity` to a mode once its V3 execution and the router's V3 gas are in
    /// (PlanBuilder builds the vault's V3 steps and the EOA path's SwapRouter02 swaps, each EOA
    /// swap planned at its own hops' gas: `SwapExpectation.hopsGas`).
    public var executablePoolKinds: Set<PoolKind> {
        switch self {
        case .vault: [.constantProduct, .weighted]
        case .eoa: [.constantProduct, .weighted, .concentratedLiquidity]
        }
    }
}
