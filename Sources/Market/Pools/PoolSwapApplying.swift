import EthCore

extension Pool {
    /// `applyingSwap` through an existential: the moved pool as `any Pool`, for code that keeps a
    /// list of mixed pool kinds and moves them swap by swap.
    public func applyingSwapErased(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> (any Pool)? {
        applyingSwap(amountIn: amountIn, amountOut: amountOut, from: i, to: j)
    }
}
