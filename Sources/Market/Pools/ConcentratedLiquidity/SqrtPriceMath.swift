import EthCore

/// v3-core's SqrtPriceMath: how far an amount of one token moves the price within one liquidity
/// range, and the token amounts between two prices. Every rounding favours the pool; `nil` is
/// where the pool reverts.
enum SqrtPriceMath {
    static let q96 = UInt256.one << 96
    static let uint160Max = (UInt256.one << 160) - .one

    /// The price after adding (or removing) `amount` of token0: L·√P / (L + amount·√P), rounded up.
    static func nextSqrtPriceFromAmount0RoundingUp(_ sqrtPX96: UInt256, liquidity: UInt256, amount: UInt256,
                                                   add: Bool) -> UInt256? {
        if amount.isZero { return sqrtPX96 }
        let numerator1 = liquidity << 96
        let (product, overflow) = amount.multipliedReportingOverflow(by: sqrtPX96)
        if add {
            if !overflow {
                let (denominator, carry) = numerator1.addingReportingOverflow(product)
                if !carry { return FullMath.mulDivRoundingUp(numerator1, sqrtPX96, denominator).flatMap(fitting160) }
            }
            // The same value in a form that cannot overflow, at the cost of rounding twice.
            guard let sum = (numerator1 / sqrtPX96).adding(amount) else { return nil }
            return FullMath.divRoundingUp(numerator1, sum).flatMap(fitting160)
        }
        guard !overflow, numerator1 > product else { return nil }
        return FullMath.mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product).flatMap(fitting160)
    }

    /// The price after adding (or removing) `amount` of token1: √P ± amount/L, rounded down.
    static func nextSqrtPriceFromAmount1RoundingDown(_ sqrtPX96: UInt256, liquidity: UInt256, amount: UInt256,
                                                     add: Bool) -> UInt256? {
        if add {
            let quotient = amount <= uint160Max ? (amount << 96) / liquidity : FullMath.mulDiv(amount, q96, liquidity)
            guard let q = quotient, let sum = sqrtPX96.adding(q) else { return nil }
            return fitting160(sum)
        }
        let quotient = amount <= uint160Max ? FullMath.divRoundingUp(amount << 96, liquidity)
                                            : FullMath.mulDivRoundingUp(amount, q96, liquidity)
        guard let q = quotient, sqrtPX96 > q else { return nil }
        return sqrtPX96 - q
    }

    static func nextSqrtPriceFromInput(_ sqrtPX96: UInt256, liquidity: UInt256, amountIn: UInt256, zeroForOne: Bool) -> UInt256? {
        guard !sqrtPX96.isZero, !liquidity.isZero else { return nil }
        return zeroForOne
            ? nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity: liquidity, amount: amountIn, add: true)
            : nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity: liquidity, amount: amountIn, add: true)
    }

    static func nextSqrtPriceFromOutput(_ sqrtPX96: UInt256, liquidity: UInt256, amountOut: UInt256, zeroForOne: Bool) -> UInt256? {
        guard !sqrtPX96.isZero, !liquidity.isZero else { return nil }
        return zeroForOne
            ? nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity: liquidity, amount: amountOut, add: false)
            : nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity: liquidity, amount: amountOut, add: false)
    }

    /// Token0 between two prices: L·(√b − √a)/(√a·√b).
    static func amount0Delta(_ a: UInt256, _ b: UInt256, liquidity: UInt256, roundUp: Bool) -> UInt256? {
        let (lower, upper) = a < b ? (a, b) : (b, a)
        guard !lower.isZero else { return nil }
        let numerator1 = liquidity << 96, numerator2 = upper - lower
        if roundUp {
            return FullMath.mulDivRoundingUp(numerator1, numerator2, upper).flatMap { FullMath.divRoundingUp($0, lower) }
        }
        return FullMath.mulDiv(numerator1, numerator2, upper).map { $0 / lower }
    }

    /// Token1 between two prices: L·(√b − √a).
    static func amount1Delta(_ a: UInt256, _ b: UInt256, liquidity: UInt256, roundUp: Bool) -> UInt256? {
        let (lower, upper) = a < b ? (a, b) : (b, a)
        return roundUp ? FullMath.mulDivRoundingUp(liquidity, upper - lower, q96) : FullMath.mulDiv(liquidity, upper - lower, q96)
    }

    /// SafeCast.toUint160: the pool reverts on a price wider than 160 bits.
    static func fitting160(_ x: UInt256) -> UInt256? { x <= uint160Max ? x : nil }
}
