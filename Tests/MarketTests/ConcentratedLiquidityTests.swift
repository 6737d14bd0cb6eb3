import EthCore
import Foundation
import TestOracles
import Testing
@testable import Market

/// v3-core's integer math, against its published values; the devnet suite
/// (ConcentratedLiquidityIntegrationTests) proves the same code against the deployed pools.
@Suite struct TickMathTests {
    @Test func extremesAndOne() {
        #expect(TickMath.sqrtRatio(atTick: TickMath.minTick) == .dec("4295128739"))
        #expect(TickMath.sqrtRatio(atTick: TickMath.maxTick) == .dec("1461446703485210103287273052203988822378723970342"))
        #expect(TickMath.sqrtRatio(atTick: 0) == UInt256.one << 96)
        #expect(TickMath.sqrtRatio(atTick: TickMath.minTick - 1) == nil)
        #expect(TickMath.sqrtRatio(atTick: TickMath.maxTick + 1) == nil)
        #expect(TickMath.tick(atSqrtRatio: TickMath.minSqrtRatio) == TickMath.minTick)
        #expect(TickMath.tick(atSqrtRatio: TickMath.maxSqrtRatio - .one) == TickMath.maxTick - 1)
        #expect(TickMath.tick(atSqrtRatio: TickMath.minSqrtRatio - .one) == nil)
        #expect(TickMath.tick(atSqrtRatio: TickMath.maxSqrtRatio) == nil)
        #expect(TickMath.tick(atSqrtRatio: UInt256.one << 96) == 0)
        // encodePriceSqrt(101, 100) of v3-core's tests
        #expect(TickMath.tick(atSqrtRatio: .dec("79623317895830914510639640423")) == 99)
    }

    /// The greatest tick at or below the price: exact at every tick's own price and one wei below it.
    @Test func bothWaysAgreeAcrossTheRange() {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<2_000 {
            let t = Int(rng.next() % UInt64(2 * TickMath.maxTick)) - TickMath.maxTick + 1
            guard let p = TickMath.sqrtRatio(atTick: t) else { Issue.record("no ratio at \(t)"); return }
            #expect(TickMath.tick(atSqrtRatio: p) == t)
            #expect(TickMath.tick(atSqrtRatio: p - .one) == t - 1)
            // within 1e-9 of sqrt(1.0001^t)·2^96
            let expected = exp(Double(t) / 2 * log1p(0.0001))
            #expect(abs(p.doubleValue / 0x1p96 / expected - 1) < 1e-9)
        }
    }
}

@Suite struct SwapMathTests {
    /// v3-core SwapMath.spec: "exact amount in that gets capped at price target in one for zero".
    @Test func cappedAtTarget() throws {
        let step = try #require(SwapMath.computeSwapStep(
            current: UInt256.one << 96, target: .dec("79623317895830914510639640423"), liquidity: .ten(18) * 2,
            amountRemaining: .ten(18), exactIn: true, fee: 600))
        #expect(step.amountIn == .dec("9975124224178055"))
        #expect(step.feeAmount == .dec("5988667735148"))
        #expect(step.amountOut == .dec("9925619580021728"))
        #expect(step.sqrtPriceNext == .dec("79623317895830914510639640423"))
    }

    /// "entire input amount taken as fee": a step too small to move the price.
    @Test func wholeInputTakenAsFee() throws {
        let step = try #require(SwapMath.computeSwapStep(
            current: UInt256(2413), target: .dec("79887613182836312"), liquidity: .dec("1985041575832132834610021537970"),
            amountRemaining: UInt256(10), exactIn: true, fee: 1872))
        #expect(step == SwapMath.Step(sqrtPriceNext: UInt256(2413), amountIn: .zero, amountOut: .zero, feeAmount: UInt256(10)))
    }

    /// Exact-out never hands out more than asked, and pays at least what exact-in needs for it.
    @Test func exactOutIsCappedAndConsistent() throws {
        let p = UInt256.one << 96, target = try #require(TickMath.sqrtRatio(atTick: -600)), l = UInt256.ten(20)
        let out = try #require(SwapMath.computeSwapStep(current: p, target: target, liquidity: l, amountRemaining: .ten(17),
                                                        exactIn: false, fee: 3000))
        #expect(out.amountOut == .ten(17))
        let paid = out.amountIn + out.feeAmount
        let back = try #require(SwapMath.computeSwapStep(current: p, target: target, liquidity: l, amountRemaining: paid,
                                                         exactIn: true, fee: 3000))
        #expect(back.amountOut >= .ten(17))
    }
}

@Suite struct SqrtPriceMathTests {
    @Test func amountsRoundInThePoolsFavour() throws {
        let a = try #require(TickMath.sqrtRatio(atTick: -1000)), b = try #require(TickMath.sqrtRatio(atTick: 1000))
        let l = UInt256.dec("123456789012345678901")
        let down0 = try #require(SqrtPriceMath.amount0Delta(a, b, liquidity: l, roundUp: false))
        let up0 = try #require(SqrtPriceMath.amount0Delta(b, a, liquidity: l, roundUp: true))
        #expect(up0 == down0 + .one)
        let down1 = try #require(SqrtPriceMath.amount1Delta(a, b, liquidity: l, roundUp: false))
        let up1 = try #require(SqrtPriceMath.amount1Delta(a, b, liquidity: l, roundUp: true))
        #expect(up1 == down1 + .one)
        #expect(SqrtPriceMath.amount0Delta(.zero, b, liquidity: l, roundUp: true) == nil)
    }

    /// Removing more token1 than the range holds reverts in the pool: nil here.
    @Test func outputBeyondTheRangeIsRefused() {
        let p = UInt256.one << 96
        #expect(SqrtPriceMath.nextSqrtPriceFromOutput(p, liquidity: .ten(18), amountOut: .ten(18), zeroForOne: true) == nil)
        #expect(SqrtPriceMath.nextSqrtPriceFromOutput(p, liquidity: .ten(18), amountOut: .ten(18), zeroForOne: false) == nil)
        #expect(SqrtPriceMath.nextSqrtPriceFromInput(p, liquidity: .zero, amountIn: .one, zeroForOne: true) == nil)
    }
}

@Suite struct LiquidityMathTests {
    @Test func signedDeltaWithinUInt128() {
        #expect(LiquidityMath.addDelta(UInt256(10), Int256(-3)) == UInt256(7))
        #expect(LiquidityMath.addDelta(UInt256(10), Int256(5)) == UInt256(15))
        #expect(LiquidityMath.addDelta(UInt256(2), Int256(-3)) == nil)
        #expect(LiquidityMath.addDelta(LiquidityMath.uint128Max, Int256(1)) == nil)
    }
}

@Suite struct TickBitmapStepTests {
    let spacing = 10
    func step(_ ticks: [Int], window: ConcentratedLiquidityPool.Window) -> TickBitmapStep {
        TickBitmapStep(ticks: ticks.map { .init(index: $0, liquidityNet: Int256(1)) }, spacing: spacing, window: window)
    }

    /// Stepping stays inside the current 256-tick word and stops at its edge, as the bitmap does.
    @Test func stopsAtWordEdges() {
        let w = ConcentratedLiquidityPool.Window(lowerTick: -5120, upperTick: 5119)
        let s = step([-3000, 70, 2600], window: w)
        #expect(s.next(from: 75, lte: true) == .next(tick: 70, initialized: true, index: 1))
        #expect(s.next(from: 70, lte: true) == .next(tick: 70, initialized: true, index: 1))
        #expect(s.next(from: 69, lte: true) == .next(tick: 0, initialized: false, index: nil))
        #expect(s.next(from: 70, lte: false) == .next(tick: 2550, initialized: false, index: nil))
        #expect(s.next(from: 2550, lte: false) == .next(tick: 2600, initialized: true, index: 2))
        // negative ticks round towards minus infinity: -1 is in word -1 (ticks -2560 … -10)
        #expect(s.next(from: -1, lte: true) == .next(tick: -2560, initialized: false, index: nil))
        #expect(s.next(from: -2561, lte: true) == .next(tick: -3000, initialized: true, index: 0))
        #expect(s.next(from: -5, lte: false) == .next(tick: 70, initialized: true, index: 1))
        #expect(s.next(from: -2570, lte: false) == .next(tick: -10, initialized: false, index: nil))
    }

    @Test func refusesWordsOutsideTheWindow() {
        let s = step([70], window: ConcentratedLiquidityPool.Window(lowerTick: 0, upperTick: 2559))
        #expect(s.next(from: -1, lte: true) == .unknown(tick: -2560))
        #expect(s.next(from: 2559, lte: false) == .unknown(tick: 5110))
        #expect(s.next(from: 5, lte: true) == .next(tick: 0, initialized: false, index: nil))
    }
}

@Suite struct ConcentratedLiquidityPoolTests {
    /// WETH (token0, 18 decimals) / USDC (token1, 6 decimals) near 3000 USDC per WETH, spacing 60:
    /// a wide base position and two narrow ones above and below the price.
    static func pool(radius: Int = 3) throws -> ConcentratedLiquidityPool {
        let tick = -200_700
        let window = ConcentratedLiquidityPool.Window.words(around: tick, spacing: 60, radius: radius)
        func net(_ s: String) -> Int256 { Int256(parsing: s) ?? Int256(0) }
        let ticks: [ConcentratedLiquidityPool.Tick] = [
            .init(index: -230_700, liquidityNet: net("2000000000000000000")),
            .init(index: -201_600, liquidityNet: net("500000000000000000")),
            .init(index: -201_000, liquidityNet: net("-500000000000000000")),
            .init(index: -200_400, liquidityNet: net("800000000000000000")),
            .init(index: -199_200, liquidityNet: net("-800000000000000000")),
            .init(index: -170_700, liquidityNet: net("-2000000000000000000")),
        ].filter { $0.index >= window.lowerTick && $0.index <= window.upperTick }
        let price = TickMath.sqrtRatio(atTick: tick)! + UInt256(12_345_678_901)
        return try ConcentratedLiquidityPool(address: .zero, tokens: ["WETH", "USDC"], fee: 3000, tickSpacing: 60,
                                         sqrtPriceX96: price, tick: tick, liquidity: .dec("2000000000000000000"),
                                         ticks: ticks, window: window, dex: "uniswap-v3")
    }

    /// Each invariant a V3 pool's state keeps, broken once: the initialiser names the field.
    @Test func theInitialiserRefusesStatesNoPoolCanBeIn() throws {
        let good = try Self.pool()
        typealias Tick = ConcentratedLiquidityPool.Tick
        func make(tokens: [String]? = nil, fee: UInt32? = nil, spacing: Int? = nil, price: UInt256? = nil, tick: Int? = nil,
                  liquidity: UInt256? = nil, ticks: [Tick]? = nil,
                  window: ConcentratedLiquidityPool.Window? = nil) throws(PoolInvariantError) -> ConcentratedLiquidityPool {
            try ConcentratedLiquidityPool(
                address: .zero, tokens: tokens ?? good.tokens, fee: fee ?? good.fee, tickSpacing: spacing ?? good.tickSpacing,
                sqrtPriceX96: price ?? good.sqrtPriceX96, tick: tick ?? good.tick, liquidity: liquidity ?? good.liquidity,
                ticks: ticks ?? good.ticks, window: window ?? good.window)
        }
        let net = good.ticks[0].liquidityNet
        let wide = ConcentratedLiquidityPool.Window(lowerTick: -900_000, upperTick: good.window.upperTick)
        let cases: [(String, () throws(PoolInvariantError) -> ConcentratedLiquidityPool, String, Int?)] = [
            ("one token", { () throws(PoolInvariantError) in try make(tokens: ["WETH"]) }, "tokens", nil),
            ("same token twice", { () throws(PoolInvariantError) in try make(tokens: ["WETH", "WETH"]) }, "tokens", 1),
            ("fee of 100 %", { () throws(PoolInvariantError) in try make(fee: 1_000_000) }, "fee", nil),
            ("zero spacing", { () throws(PoolInvariantError) in try make(spacing: 0) }, "tickSpacing", nil),
            ("negative spacing", { () throws(PoolInvariantError) in try make(spacing: -60) }, "tickSpacing", nil),
            ("spacing past the factory's bound", { () throws(PoolInvariantError) in try make(spacing: 16_384) }, "tickSpacing", nil),
            ("price below the range", { () throws(PoolInvariantError) in try make(price: TickMath.minSqrtRatio - .one) }, "sqrtPriceX96", nil),
            ("price at the range's top", { () throws(PoolInvariantError) in try make(price: TickMath.maxSqrtRatio) }, "sqrtPriceX96", nil),
            ("tick not the price's", { () throws(PoolInvariantError) in try make(tick: good.tick + 1) }, "tick", nil),
            ("liquidity past uint128", { () throws(PoolInvariantError) in try make(liquidity: UInt256.one << 128) }, "liquidity", nil),
            ("tick off the spacing", { () throws(PoolInvariantError) in try make(ticks: [Tick(index: -200_430, liquidityNet: net)]) }, "ticks", 0),
            ("ticks descending", { () throws(PoolInvariantError) in try make(ticks: good.ticks.reversed()) }, "ticks", 1),
            ("tick twice", { () throws(PoolInvariantError) in try make(ticks: [good.ticks[0], good.ticks[0]]) }, "ticks", 1),
            ("tick outside the window", { () throws(PoolInvariantError) in
                try make(ticks: [Tick(index: good.window.upperTick + 60, liquidityNet: net)]) }, "ticks", 0),
            ("tick below TickMath's range", { () throws(PoolInvariantError) in
                try make(ticks: [Tick(index: -887_280, liquidityNet: net)], window: wide) }, "ticks", 0),
            ("zero liquidityNet", { () throws(PoolInvariantError) in try make(ticks: [Tick(index: good.ticks[0].index, liquidityNet: Int256(0))]) }, "ticks", 0),
            ("liquidityNet past int128", { () throws(PoolInvariantError) in
                try make(ticks: [Tick(index: good.ticks[0].index, liquidityNet: Int256(bitPattern: UInt256.one << 127))]) }, "ticks", 0),
            ("window upside down", { () throws(PoolInvariantError) in
                try make(ticks: [], window: .init(lowerTick: good.window.upperTick, upperTick: good.window.lowerTick)) }, "window", nil),
            ("window without the price", { () throws(PoolInvariantError) in
                try make(ticks: [], window: .init(lowerTick: good.tick + 60, upperTick: good.tick + 6_000)) }, "window", nil),
        ]
        for (label, build, field, index) in cases {
            do {
                _ = try build()
                Issue.record("\(label): accepted")
            } catch {
                #expect(error.field == field && error.index == index, "\(label): \(error)")
            }
        }
        // A swap ending exactly on a tick going down leaves the tick one below the price's: accepted.
        let onTick = try #require(TickMath.sqrtRatio(atTick: good.tick))
        #expect((try? make(price: onTick, tick: good.tick - 1)) != nil)
        #expect((try? make(price: onTick, tick: good.tick)) != nil)
    }

    @Test func exactInThenExactOutAgree() throws {
        let pool = try Self.pool()
        for amount in [UInt256.ten(12), .ten(17), .ten(18) * 30] {
            let out = try #require(pool.amountOut(amount, from: 0, to: 1))
            let needed = try #require(pool.amountIn(forOut: out, from: 0, to: 1))
            #expect(needed <= amount)
            #expect(try #require(pool.amountOut(needed, from: 0, to: 1)) >= out)
        }
        let usdcIn = UInt256(50_000_000_000)
        let wethOut = try #require(pool.amountOut(usdcIn, from: 1, to: 0))
        // about 1921 USDC per WETH at tick -200700, less the 0.3 % fee
        #expect(wethOut.doubleValue / 1e18 > 25.5 && wethOut.doubleValue / 1e18 < 25.96)
    }

    /// Crossing a tick changes the liquidity by its net, negated when the price falls.
    @Test func crossingFlipsTheSignDownwards() throws {
        let pool = try Self.pool()
        // down through -201000 (net −0.5e18, so +0.5e18 when falling), stopping above -201600
        let down = try pool.fullSwap(zeroForOne: true, .exactIn(.ten(18) * 1200))
        #expect(down.tickAfter < -201_000 && down.tickAfter > -201_600)
        #expect(down.ticksCrossed == 1)
        #expect(down.liquidityAfter == .dec("2500000000000000000"))
        // up through -200400 (net +0.8e18), stopping below -199200
        let up = try pool.fullSwap(zeroForOne: false, .exactIn(UInt256(5_000_000_000_000)))
        #expect(up.tickAfter > -200_400 && up.tickAfter < -199_200)
        #expect(up.ticksCrossed == 1)
        #expect(up.liquidityAfter == .dec("2800000000000000000"))
    }

    @Test func aQuoteBeyondTheWindowIsRefused() throws {
        let pool = try Self.pool(radius: 0)
        #expect(throws: ConcentratedLiquidityError.self) { try pool.fullSwap(zeroForOne: true, .exactIn(.ten(18) * 100_000)) }
        #expect(pool.amountOut(.ten(18) * 100_000, from: 0, to: 1) == nil)
        do {
            _ = try pool.fullSwap(zeroForOne: true, .exactIn(.ten(18) * 100_000))
        } catch {
            guard case .beyondWindow(_, let t, let w) = error else { Issue.record("\(error)"); return }
            #expect(t < w.lowerTick)
            #expect(error.description.contains("outside the ticks that were read"))
        }
        // everything up to the window's edge is quoted exactly
        let max = pool.maxAmountIn(from: 0, to: 1)
        #expect(!max.isZero)
        #expect(pool.amountOut(max, from: 0, to: 1) != nil)
        #expect(pool.amountOut(max + .ten(15), from: 0, to: 1) == nil)
    }

    @Test func badAmountsAndIndicesAreRefused() throws {
        let pool = try Self.pool()
        #expect(throws: ConcentratedLiquidityError.invalidAmount(.zero)) { try pool.swap(zeroForOne: true, .exactIn(.zero)) }
        #expect(throws: ConcentratedLiquidityError.invalidAmount(UInt256.max)) { try pool.swap(zeroForOne: false, .exactOut(.max)) }
        #expect(throws: ConcentratedLiquidityError.invalidPriceLimit(UInt256.max)) {
            try pool.swap(zeroForOne: true, .exactIn(.one), sqrtPriceLimitX96: .max)
        }
        #expect(pool.amountOut(.ten(18), from: 0, to: 0) == nil)
        #expect(pool.amountOut(.ten(18), from: 0, to: 2) == nil)
    }

    /// The float view follows the exact quote closely and is monotone, for the split search.
    @Test func floatViewTracksTheExactQuote() throws {
        let pool = try Self.pool()
        var previous = 0.0
        for k in 1...40 {
            let amount = UInt256.ten(16) * UInt256(UInt64(k * k))
            let exact = try #require(pool.amountOut(amount, from: 0, to: 1)).doubleValue
            let approx = pool.approximateOut(amount.doubleValue, from: 0, to: 1)
            #expect(abs(approx / exact - 1) < 1e-6)
            #expect(approx > previous)
            previous = approx
        }
        let rate0 = pool.marginalRate(at: 0, from: 0, to: 1)
        #expect(abs(rate0 / (pool.midRate(from: 0, to: 1) * 0.997) - 1) < 1e-12)
        #expect(pool.marginalRate(at: 1e20, from: 0, to: 1) < rate0)
        #expect(pool.depth(of: 1) > 0 && pool.depth(of: 0) > 0)
    }

    @Test func applyingAnExactInSwapMovesThePrice() throws {
        let pool = try Self.pool()
        let out = try #require(pool.amountOut(.ten(18), from: 0, to: 1))
        let after = try #require(pool.applyingSwap(amountIn: .ten(18), amountOut: out, from: 0, to: 1))
        #expect(after.sqrtPriceX96 < pool.sqrtPriceX96)
        #expect(pool.applyingSwap(amountIn: .ten(18), amountOut: out + .one, from: 0, to: 1) == nil)
    }
}

@Suite struct ConcentratedLiquiditySnapshotTests {
    static let json = """
    {"chainId": 1, "block": {"number": 1, "timestamp": 1, "baseFeePerGas": "1"},
     "tokens": [{"symbol": "WETH", "address": "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "decimals": 18},
                {"symbol": "USDC", "address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "decimals": 6}],
     "balances": {},
     "pools": [{"kind": "concentrated-liquidity", "dex": "uniswap-v3", "address": "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
                "tokens": ["USDC", "WETH"], "fee": 500, "tickSpacing": 10,
                "sqrtPriceX96": "1456841056468440935919329712345678", "tick": 195000, "liquidity": "12345678901234567890",
                "ticks": [{"index": 194940, "liquidityNet": "12345"}, {"index": 195060, "liquidityNet": "-12345"}],
                "window": {"lowerTick": 192000, "upperTick": 197119}}]}
    """

    @Test func roundTripsInTheDesignShape() throws {
        var text = Self.json
        let price = try #require(TickMath.sqrtRatio(atTick: 195_000)) + UInt256(7)
        text = text.replacingOccurrences(of: "1456841056468440935919329712345678", with: price.description)
        let state = try ChainState.decode(Data(text.utf8))
        guard case .concentratedLiquidity(let pool) = state.pools.first else { Issue.record("not decoded as V3"); return }
        #expect(pool.fee == 500 && pool.tickSpacing == 10 && pool.tick == 195_000 && pool.ticks.count == 2)
        #expect(pool.ticks[1].liquidityNet == Int256(-12345))
        let again = try ChainState.decode(try state.jsonData())
        #expect(again == state)
        let encoded = String(decoding: try state.jsonData(), as: UTF8.self)
        for key in ["\"kind\" : \"concentrated-liquidity\"", "\"sqrtPriceX96\"", "\"liquidityNet\" : \"-12345\"", "\"window\""] {
            #expect(encoded.contains(key))
        }
    }

    @Test func malformedPoolsNameTheField() throws {
        let price = try #require(TickMath.sqrtRatio(atTick: 195_000))
        let good = Self.json.replacingOccurrences(of: "1456841056468440935919329712345678", with: price.description)
        let cases: [(String, String, String)] = [
            ("\"tick\": 195000", "\"tick\": 195100", "pools[0].tick"),
            ("\"tickSpacing\": 10", "\"tickSpacing\": 0", "pools[0].tickSpacing"),
            ("\"index\": 194940", "\"index\": 194945", "pools[0].ticks[0]"),
            ("\"index\": 195060", "\"index\": 194930", "pools[0].ticks[1]"),
            ("\"index\": 195060", "\"index\": 197200", "pools[0].ticks[1]"),
            ("\"liquidityNet\": \"12345\"", "\"liquidityNet\": \"0\"", "pools[0].ticks[0]"),
            ("\"tokens\": [\"USDC\", \"WETH\"]", "\"tokens\": [\"USDC\", \"USDC\"]", "pools[0].tokens[1]"),
            ("\"lowerTick\": 192000", "\"lowerTick\": 195010", "pools[0].window"),
            ("\"liquidity\": \"12345678901234567890\"", "\"liquidity\": \"\(UInt256.one << 128)\"", "pools[0].liquidity"),
            ("\"liquidityNet\": \"12345\"", "\"liquidityNet\": \"x\"", "pools[0].ticks[0].liquidityNet"),
            ("\"upperTick\": 197119", "\"upperTick\": 100", "pools[0].window"),
            ("\"fee\": 500", "\"fee\": 1000000", "pools[0].fee"),
        ]
        for (from, to, field) in cases {
            #expect(throws: ChainStateError.self) { try ChainState.decode(Data(good.replacingOccurrences(of: from, with: to).utf8)) }
            do { _ = try ChainState.decode(Data(good.replacingOccurrences(of: from, with: to).utf8)) } catch {
                #expect(error.description.contains(field), "\(error.description) should name \(field)")
            }
        }
    }
}
