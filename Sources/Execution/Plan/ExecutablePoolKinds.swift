import Market
import Strategy

extension CustodyMode {
    /// The pool kinds the planning pipeline routes this mode's trades through (valuation and guards
    /// still price with every pool of the snapshot). Both modes execute Uniswap V3 pools: the vault
    /// as steps paid in its swap callback, the EOA path through SwapRouter02, each EOA swap planned
    /// at its own hops' gas (`SwapExpectation.hopsGas`: an unsimulated swap's limit is built on it).
    public var executablePoolKinds: Set<PoolKind> {
        switch self {
        case .vault: [.constantProduct, .weighted, .concentratedLiquidity]
        case .eoa: [.constantProduct, .weighted, .concentratedLiquidity]
        }
    }
}
