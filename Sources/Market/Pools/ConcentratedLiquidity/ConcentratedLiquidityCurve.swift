import Foundation

extension ConcentratedLiquidityPool {
    struct FloatWalk {
        var out: Double
        /// √P (token1 per token0, raw units) where the input ran out.
        var sqrtPrice: Double
        /// The input reached the edge of the window (or of all liquidity) before it ran out.
        var exhausted: Bool
        /// Input after the fee that the ranges passed took (all of it at the window's edge).
        var spent = 0.0
        /// Initialized ticks passed before the input ran out (the exact swap's `ticksCrossed`, up to
        /// float rounding at a tick's very price).
        var crossed = 0
    }

    /// The boundaries a swap in one direction meets, in order, in floats: each initialized tick's √P
    /// with the liquidity it adds when crossed in that direction, then the window's edge (no net).
    struct Boundaries: IteratorProtocol {
        let ticks: [Tick]
        let roots: [Double]
        let zeroForOne: Bool
        let edgeTick: Int
        var k: Int?
        var done = false

        init(_ pool: ConcentratedLiquidityPool, zeroForOne: Bool) {
            ticks = pool.ticks
            roots = pool.tickSqrtPrices
            self.zeroForOne = zeroForOne
            let window = pool.window
            edgeTick = zeroForOne ? max(window.lowerTick, TickMath.minTick) : min(window.upperTick, TickMath.maxTick)
            let stepper = TickBitmapStep(ticks: pool.ticks, spacing: pool.tickSpacing, window: window)
            k = zeroForOne ? stepper.lastIndex(atMost: pool.tick) : stepper.firstIndex(atLeast: pool.tick + 1)
        }

        mutating func next() -> (sqrtPrice: Double, net: Double?)? {
            guard !done else { return nil }
            if let index = k, zeroForOne ? ticks[index].index >= edgeTick : ticks[index].index <= edgeTick {
                k = zeroForOne ? (index > 0 ? index - 1 : nil) : (index + 1 < ticks.count ? index + 1 : nil)
                let n = ticks[index].liquidityNet
                // liquidityNet is what crossing upwards adds; downwards it is removed.
                let net = (n.isNegative ? -1 : 1) * n.magnitude.doubleValue
                return (roots[index], zeroForOne ? -net : net)
            }
            done = true
            return (pow(1.0001, Double(edgeTick) / 2), nil)
        }
    }

    /// The float view for the search: the same ranges as the exact swap, crossed in Double with the
    /// fee taken up front. Monotone and concave in the input; never used for an amount that is sent.
    func floatWalk(input: Double, zeroForOne: Bool) -> FloatWalk {
        var left = input * (1 - Double(fee) / 1e6)
        var s = sqrtPriceX96.doubleValue / 0x1p96
        var l = liquidity.doubleValue
        var out = 0.0
        var crossed = 0
        var spent = 0.0
        var boundaries = Boundaries(self, zeroForOne: zeroForOne)
        while let (b, net) = boundaries.next() {
            if l > 0 {
                if zeroForOne {
                    let need = b < s ? l * (1 / b - 1 / s) : 0
                    if left <= need {
                        let s2 = 1 / (1 / s + left / l)
                        return FloatWalk(out: out + l * (s - s2), sqrtPrice: s2, exhausted: false, crossed: crossed)
                    }
                    out += l * max(0, s - b)
                    left -= need
                    spent += need
                } else {
                    let need = b > s ? l * (b - s) : 0
                    if left <= need {
                        let s2 = s + left / l
                        return FloatWalk(out: out + l * (1 / s - 1 / s2), sqrtPrice: s2, exhausted: false, crossed: crossed)
                    }
                    out += l * max(0, 1 / s - 1 / b)
                    left -= need
                    spent += need
                }
            }
            s = b
            guard let net else { break }
            l = max(0, l + net)
            crossed += 1
        }
        return FloatWalk(out: out, sqrtPrice: s, exhausted: true, spent: spent, crossed: crossed)
    }

    /// The input (fee included) after which the marginal rate is `rate`: the price where
    /// keep·(√P)² (selling token0) or keep/(√P)² (selling token1) equals it, reached by walking the
    /// ranges once as `floatWalk` does; the input to the window's edge when the rate lies beyond.
    public func input(atMarginal rate: Double, from i: Int, to j: Int) -> Double? {
        guard isPair(i, j), rate > 0, rate.isFinite else { return nil }
        let zeroForOne = i == 0
        let keep = 1 - Double(fee) / 1e6
        let target = zeroForOne ? (rate / keep).squareRoot() : (keep / rate).squareRoot()
        var s = sqrtPriceX96.doubleValue / 0x1p96
        if zeroForOne ? target >= s : target <= s { return 0 }
        var l = liquidity.doubleValue
        var spent = 0.0
        var boundaries = Boundaries(self, zeroForOne: zeroForOne)
        while let (b, net) = boundaries.next() {
            let inside = zeroForOne ? target >= b : target <= b
            let end = inside ? target : b
            if l > 0 { spent += zeroForOne ? l * max(0, 1 / end - 1 / s) : l * max(0, end - s) }
            guard !inside, let net else { break }
            s = b
            l = max(0, l + net)
        }
        return spent / keep
    }
}
