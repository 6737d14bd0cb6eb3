import Market
import Strategy

extension CustodyMode {
    /// The pool kinds the planning pipeline routes this mode's trades through (valuation and guards
    /// still price with every pool of the snapshot). The vault executes Uniswap V3 pools as steps
    /// paid in its swap callback; the EOA path's SwapRouter02 swaps join once a whole EOA run
    /// through V3 is proven on the devnet.
    public var executablePoolKinds: Set<PoolKind> {
        switch self {
        case .vault: [.constantProduct, .weighted, .concentratedLiquidity]
        case .eoa: [.constantProduct, .weighted]
        }
    }
}
