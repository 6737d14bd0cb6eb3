import EthCore
import Foundation

/// A Uniswap V3 pool: liquidity concentrated in tick ranges, as read at one block. Only the ticks in
/// `window` (the bitmap words that were read) are known; a quote that would need others is refused.
public struct ConcentratedLiquidityPool: Pool, Hashable, Sendable {
    public struct Tick: Hashable, Sendable {
        public var index: Int
        /// Liquidity added when the price crosses this tick upwards (int128).
        public var liquidityNet: Int256

        public init(index: Int, liquidityNet: Int256) {
            self.index = index
            self.liquidityNet = liquidityNet
        }
    }

    /// The ticks whose initialized state is known, inclusive at both ends.
    public struct Window: Hashable, Sendable {
        public var lowerTick: Int
        public var upperTick: Int

        public init(lowerTick: Int, upperTick: Int) {
            self.lowerTick = lowerTick
            self.upperTick = upperTick
        }

        /// The ticks of bitmap words `word - radius … word + radius` around the word of `tick`.
        public static func words(around tick: Int, spacing: Int, radius: Int) -> Window {
            let word = word(of: tick, spacing: spacing)
            return Window(words: (word - radius)...(word + radius), spacing: spacing)
        }

        /// The ticks whose initialized bits live in bitmap words `words` (TickLens's word positions).
        public init(words: ClosedRange<Int>, spacing: Int) {
            self.init(lowerTick: words.lowerBound * 256 * spacing, upperTick: (words.upperBound * 256 + 255) * spacing)
        }

        /// The bitmap word holding `tick`'s bit: the compressed tick (rounded towards −∞) over 256.
        public static func word(of tick: Int, spacing: Int) -> Int {
            TickBitmapStep.compress(tick, spacing) >> 8
        }
    }

    public var address: Address
    /// token0, token1 in the pool's order.
    public var tokens: [String]
    /// Hundredths of a basis point (500 = 0.05 %), as the pool stores it.
    public var fee: UInt32
    public var tickSpacing: Int
    public var sqrtPriceX96: UInt256
    public var tick: Int
    /// Active liquidity (uint128).
    public var liquidity: UInt256
    /// Initialized ticks inside `window`, ascending.
    public var ticks: [Tick] { didSet { tickSqrtPrices = Self.sqrtPrices(ticks) } }
    /// √P of each of `ticks`, in floats: the float walk's boundaries, computed once per tick list
    /// (`pow` at every boundary of every walk was an eighth of planning with V3 pools).
    private(set) var tickSqrtPrices: [Double]
    public var window: Window
    public var dex: String?

    public var kind: PoolKind { .concentratedLiquidity }
    /// A swap crossing no initialized tick; `swapGas(amountIn:…)` adds the crossings.
    public func swapGas(_ table: GasTable) -> UInt64 { GasModel.hop(kind, table) }

    /// Refuses a state no Uniswap V3 pool can be in: a quote on it would be exact arithmetic on
    /// nonsense. `tick` may sit one below the tick of `sqrtPriceX96`: a swap that ends exactly on
    /// an initialized tick going down leaves the pool so.
    public init(address: Address, tokens: [String], fee: UInt32, tickSpacing: Int, sqrtPriceX96: UInt256, tick: Int,
                liquidity: UInt256, ticks: [Tick], window: Window, dex: String? = nil) throws(PoolInvariantError) {
        try PoolInvariantError.checkTokens(tokens, count: 2...2, kind: "concentrated-liquidity")
        guard fee < 1_000_000 else { throw PoolInvariantError("fee", "must be below 1000000 (100 %), got \(fee)") }
        guard tickSpacing > 0, tickSpacing < 16_384 else {
            throw PoolInvariantError("tickSpacing", "must be 1 to 16383 (the factory's bound), got \(tickSpacing)")
        }
        guard sqrtPriceX96 >= TickMath.minSqrtRatio, sqrtPriceX96 < TickMath.maxSqrtRatio else {
            throw PoolInvariantError("sqrtPriceX96", "\(sqrtPriceX96) is outside the pool's price range")
        }
        guard TickMath.tick(atSqrtRatio: sqrtPriceX96) == tick || TickMath.sqrtRatio(atTick: tick + 1) == sqrtPriceX96 else {
            throw PoolInvariantError("tick", "\(tick) is not the tick of sqrtPriceX96 \(sqrtPriceX96)")
        }
        guard liquidity <= LiquidityMath.uint128Max else { throw PoolInvariantError("liquidity", "wider than uint128") }
        guard window.lowerTick <= window.upperTick else {
            throw PoolInvariantError("window", "lowerTick \(window.lowerTick) is above upperTick \(window.upperTick)")
        }
        guard window.lowerTick <= tick, tick <= window.upperTick else {
            throw PoolInvariantError("window", "\(window.lowerTick)…\(window.upperTick) does not contain the current tick \(tick)")
        }
        for (k, t) in ticks.enumerated() {
            guard t.index % tickSpacing == 0, t.index >= TickMath.minTick, t.index <= TickMath.maxTick else {
                throw PoolInvariantError("ticks", index: k, "index \(t.index) is not a usable tick at spacing \(tickSpacing)")
            }
            guard t.index >= window.lowerTick, t.index <= window.upperTick else {
                throw PoolInvariantError("ticks", index: k, "index \(t.index) is outside the window \(window.lowerTick)…\(window.upperTick)")
            }
            guard k == 0 || ticks[k - 1].index < t.index else {
                throw PoolInvariantError("ticks", index: k, "indices must be ascending and distinct")
            }
            guard t.liquidityNet.fits(inBits: 128), !t.liquidityNet.bitPattern.isZero else {
                throw PoolInvariantError("ticks", index: k, "liquidityNet must be a non-zero int128, got \(t.liquidityNet)")
            }
        }
        self.address = address
        self.tokens = tokens
        self.fee = fee
        self.tickSpacing = tickSpacing
        self.sqrtPriceX96 = sqrtPriceX96
        self.tick = tick
        self.liquidity = liquidity
        self.ticks = ticks
        self.tickSqrtPrices = Self.sqrtPrices(ticks)
        self.window = window
        self.dex = dex
    }

    static func sqrtPrices(_ ticks: [Tick]) -> [Double] { ticks.map { pow(1.0001, Double($0.index) / 2) } }

    @inline(__always)
    func isPair(_ i: Int, _ j: Int) -> Bool { tokens.count == 2 && ((i == 0 && j == 1) || (i == 1 && j == 0)) }

    public func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j) else { return nil }
        return try? fullSwap(zeroForOne: i == 0, .exactIn(amountIn)).amountOut
    }

    public func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j) else { return nil }
        return try? fullSwap(zeroForOne: i == 0, .exactOut(amountOut)).amountIn
    }

    /// The state an exact-in swap of `amountIn` leaves; `nil` unless it pays at least `amountOut`.
    public func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> ConcentratedLiquidityPool? {
        guard isPair(i, j), let result = try? fullSwap(zeroForOne: i == 0, .exactIn(amountIn)),
              result.amountOut >= amountOut else { return nil }
        return applying(result)
    }

    public var swapGasDependsOnAmount: Bool { true }

    /// The hop plus every initialized tick this exact swap crosses; a swap the pool refuses costs
    /// the hop alone (the router refuses it on its amounts anyway).
    public func swapGas(amountIn: UInt256, from i: Int, to j: Int, _ table: GasTable) -> UInt64 {
        guard isPair(i, j), let result = try? fullSwap(zeroForOne: i == 0, .exactIn(amountIn)) else { return swapGas(table) }
        return GasModel.concentratedLiquiditySwap(ticksCrossed: result.ticksCrossed, table)
    }

    public func approximateSwapGas(_ amountIn: Double, from i: Int, to j: Int, _ table: GasTable) -> UInt64 {
        guard isPair(i, j), amountIn > 0 else { return swapGas(table) }
        return GasModel.concentratedLiquiditySwap(ticksCrossed: floatWalk(input: amountIn, zeroForOne: i == 0).crossed, table)
    }

    /// An input every exact quote accepts: what takes the price to the edge of the window, by the
    /// float walk (relative error ~1e-14), less 1e-10 of it. The exact walk over the whole window
    /// (every word edge and tick at full precision) cost half of planning on a graph of 60 V3
    /// pools, and the router asks for every candidate path; it only needs a bound that holds.
    public func maxAmountIn(from i: Int, to j: Int) -> UInt256 {
        guard isPair(i, j) else { return .zero }
        let walk = floatWalk(input: .infinity, zeroForOne: i == 0)
        let input = walk.spent / (1 - Double(fee) / 1e6) * (1 - 1e-10)
        guard input.isFinite, input >= 1 else { return .zero }
        return UInt256(truncating: input.rounded(.down)) ?? .zero
    }

    public func curve(from i: Int, to j: Int) -> SwapCurve { .general }

    public func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j), amountIn > 0 else { return 0 }
        return floatWalk(input: amountIn, zeroForOne: i == 0).out
    }

    public func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j) else { return 0 }
        let walk = floatWalk(input: max(0, amountIn), zeroForOne: i == 0)
        guard !walk.exhausted else { return 0 }
        let keep = 1 - Double(fee) / 1e6
        let p = walk.sqrtPrice * walk.sqrtPrice
        return i == 0 ? keep * p : keep / p
    }

    /// Fee-free price of token j in token i, raw units: (√P)² token1 per token0.
    public func midRate(from i: Int, to j: Int) -> Double {
        guard isPair(i, j) else { return 0 }
        let s = sqrtPriceX96.doubleValue / 0x1p96
        return i == 0 ? s * s : 1 / (s * s)
    }

    /// Token i held by the liquidity inside the window: what buying it all the way to the edge yields.
    public func depth(of i: Int) -> Double {
        guard tokens.count == 2, i == 0 || i == 1 else { return 0 }
        return floatWalk(input: .infinity, zeroForOne: i == 1).out
    }
}
