import EthCore

/// Why a concentrated-liquidity quote is refused. Every case is one the pool itself would revert
/// with, or one where the snapshot does not hold what an exact answer needs.
public enum ConcentratedLiquidityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The swap would have to look at ticks outside the bitmap words that were read.
    case beyondWindow(pool: Address, tick: Int, window: ConcentratedLiquidityPool.Window)
    /// The pool would stop at its price limit (or the end of its liquidity) before the whole
    /// specified amount was swapped.
    case partialFill(pool: Address, filled: UInt256, asked: UInt256)
    /// Zero, or more than an int256 can carry.
    case invalidAmount(UInt256)
    case invalidPriceLimit(UInt256)
    case notAPair(from: Int, to: Int)
    /// Where the pool's own arithmetic would revert (an overflow, a liquidity underflow).
    case arithmetic(pool: Address, step: String)

    public var description: String {
        switch self {
        case .beyondWindow(let pool, let tick, let window):
            "pool \(pool): the swap would cross past tick \(tick), outside the ticks that were read (\(window.lowerTick)…\(window.upperTick)); read a wider window"
        case .partialFill(let pool, let filled, let asked):
            "pool \(pool): only \(filled) of \(asked) can be swapped before the price limit"
        case .invalidAmount(let amount):
            "swap amount \(amount) must be positive and below 2^255"
        case .invalidPriceLimit(let limit):
            "price limit \(limit) is on the wrong side of the pool's price or outside the tick range"
        case .notAPair(let i, let j):
            "token indices \(i) → \(j) are not the pool's two tokens"
        case .arithmetic(let pool, let step):
            "pool \(pool) would revert: \(step)"
        }
    }
}
