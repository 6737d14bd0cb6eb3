import EthCore

/// The result of one swap through a concentrated-liquidity pool, as `UniswapV3Pool.swap` leaves it.
public struct ConcentratedLiquiditySwap: Sendable, Equatable {
    public var zeroForOne: Bool
    /// Paid into the pool, fee included.
    public var amountIn: UInt256
    public var amountOut: UInt256
    public var sqrtPriceX96After: UInt256
    public var tickAfter: Int
    public var liquidityAfter: UInt256
    /// Initialized ticks whose liquidity the swap crossed (each costs the pool ~40k gas).
    public var ticksCrossed: Int
}

extension ConcentratedLiquidityPool {
    /// What is fixed about a swap: the amount sold, or the amount bought.
    public enum SwapAmount: Sendable, Equatable {
        case exactIn(UInt256)
        case exactOut(UInt256)
    }

    /// `UniswapV3Pool.swap` step by step: the same stepping within bitmap words, the same rounding in
    /// every step, liquidity crossed with the sign flipped when the price falls. `sqrtPriceLimitX96`
    /// defaults to the extreme the quoter uses (MIN+1 / MAX−1). Throws where the pool would revert,
    /// and where the answer would depend on ticks that were not read.
    public func swap(zeroForOne: Bool, _ amount: SwapAmount, sqrtPriceLimitX96: UInt256? = nil)
        throws(ConcentratedLiquidityError) -> ConcentratedLiquiditySwap {
        let exactIn: Bool, specified: UInt256
        switch amount {
        case .exactIn(let a): (exactIn, specified) = (true, a)
        case .exactOut(let a): (exactIn, specified) = (false, a)
        }
        guard !specified.isZero, specified.w3 >> 63 == 0 else { throw .invalidAmount(specified) }
        let limit = sqrtPriceLimitX96 ?? (zeroForOne ? TickMath.minSqrtRatio + .one : TickMath.maxSqrtRatio - .one)
        if zeroForOne {
            guard limit < sqrtPriceX96, limit > TickMath.minSqrtRatio else { throw .invalidPriceLimit(limit) }
        } else {
            guard limit > sqrtPriceX96, limit < TickMath.maxSqrtRatio else { throw .invalidPriceLimit(limit) }
        }

        let stepper = TickBitmapStep(ticks: ticks, spacing: tickSpacing, window: window)
        var remaining = specified
        var calculated = UInt256.zero
        var price = sqrtPriceX96, tick = self.tick, liquidity = self.liquidity
        var crossed = 0
        while !remaining.isZero, price != limit {
            let start = price
            var tickNext: Int, initialized: Bool, index: Int?
            switch stepper.next(from: tick, lte: zeroForOne) {
            case .next(let t, let i, let k): (tickNext, initialized, index) = (t, i, k)
            case .unknown(let t): throw .beyondWindow(pool: address, tick: t, window: window)
            }
            tickNext = min(max(tickNext, TickMath.minTick), TickMath.maxTick)
            guard let priceNext = TickMath.sqrtRatio(atTick: tickNext) else { throw .arithmetic(pool: address, step: "tick \(tickNext)") }
            let target = (zeroForOne ? priceNext < limit : priceNext > limit) ? limit : priceNext
            guard let step = SwapMath.computeSwapStep(current: price, target: target, liquidity: liquidity,
                                                      amountRemaining: remaining, exactIn: exactIn, fee: fee)
            else { throw .arithmetic(pool: address, step: "swap step at tick \(tick)") }
            price = step.sqrtPriceNext
            if exactIn {
                guard let spent = step.amountIn.adding(step.feeAmount), let left = remaining.subtracting(spent),
                      let total = calculated.adding(step.amountOut)
                else { throw .arithmetic(pool: address, step: "input accounting") }
                (remaining, calculated) = (left, total)
            } else {
                guard let left = remaining.subtracting(step.amountOut),
                      let paid = step.amountIn.adding(step.feeAmount), let total = calculated.adding(paid)
                else { throw .arithmetic(pool: address, step: "output accounting") }
                (remaining, calculated) = (left, total)
            }
            if price == priceNext {
                if initialized, let index {
                    // liquidityNet is what entering the range from below adds; leaving it downwards removes it.
                    let net = zeroForOne ? -ticks[index].liquidityNet : ticks[index].liquidityNet
                    guard let l = LiquidityMath.addDelta(liquidity, net) else {
                        throw .arithmetic(pool: address, step: "liquidity crossing tick \(tickNext)")
                    }
                    liquidity = l
                    crossed += 1
                }
                tick = zeroForOne ? tickNext - 1 : tickNext
            } else if price != start {
                guard let t = TickMath.tick(atSqrtRatio: price) else { throw .arithmetic(pool: address, step: "price \(price)") }
                tick = t
            }
        }
        let filled = specified - remaining
        return ConcentratedLiquiditySwap(zeroForOne: zeroForOne, amountIn: exactIn ? filled : calculated,
                                         amountOut: exactIn ? calculated : filled, sqrtPriceX96After: price,
                                         tickAfter: tick, liquidityAfter: liquidity, ticksCrossed: crossed)
    }

    /// The swap, required to fill completely (what a router's exact-in or exact-out swap without a
    /// price limit demands).
    public func fullSwap(zeroForOne: Bool, _ amount: SwapAmount) throws(ConcentratedLiquidityError) -> ConcentratedLiquiditySwap {
        let result = try swap(zeroForOne: zeroForOne, amount)
        switch amount {
        case .exactIn(let a) where result.amountIn != a:
            throw .partialFill(pool: address, filled: result.amountIn, asked: a)
        case .exactOut(let a) where result.amountOut != a:
            throw .partialFill(pool: address, filled: result.amountOut, asked: a)
        default:
            return result
        }
    }

    /// The pool after `result`, with the swap's end price, tick and liquidity.
    public func applying(_ result: ConcentratedLiquiditySwap) -> ConcentratedLiquidityPool {
        var next = self
        next.sqrtPriceX96 = result.sqrtPriceX96After
        next.tick = result.tickAfter
        next.liquidity = result.liquidityAfter
        return next
    }
}
