import EthCore
import Foundation
import Testing
@testable import Market
import TestOracles

@Suite struct WeightedPoolTests {
    static let e18 = UInt256.ten(18)

    /// WETH/WBTC/USDC 40/30/30 at about 3000 USDC per WETH and 60000 USDC per WBTC.
    let pool: WeightedPool

    init() throws {
        pool = try Self.pool(balances: [400 * WeightedPoolTests.e18, 1_500_000_000, 900_000 * 1_000_000])
    }

    static func pool(
        balances: [UInt256], decimals: [Int] = [18, 8, 6], tokens: [String] = ["WETH", "WBTC", "USDC"],
        weights: [UInt256] = [400_000_000_000_000_000, 300_000_000_000_000_000, 300_000_000_000_000_000],
        swapFee: UInt256 = 3_000_000_000_000_000, poolId: [UInt8] = [UInt8](repeating: 0, count: 32)
    ) throws(PoolInvariantError) -> WeightedPool {
        try WeightedPool(address: .zero, poolId: poolId, tokens: tokens, decimals: decimals, balances: balances,
                         weights: weights, swapFee: swapFee)
    }

    /// Random well-formed pools: 2–8 tokens of 18/8/6 decimals, weights ≥ 1 %, fees 0.0001 %–10 %.
    func randomPool(_ rng: inout SeededRandom) throws -> WeightedPool {
        let n = Int.random(in: 2...8, using: &rng)
        let decimals = (0..<n).map { _ in [18, 8, 6].randomElement(using: &rng) ?? 18 }
        let balances = decimals.map { d in UInt256(UInt64.random(in: 1_000...1_000_000_000, using: &rng)) * .ten(d) }
        var raw = (0..<n).map { _ in UInt64.random(in: 10...100, using: &rng) }
        let total = raw.reduce(0, +)
        raw = raw.map { $0 * 1_000_000 / total }                       // parts per million, ≥ 1 %/8
        var weights = raw.map { UInt256(max($0, 10_000)) * 1_000_000_000_000 }
        let rest = weights.dropLast().reduce(UInt256.zero, +)
        weights[n - 1] = FixedPoint.one - rest
        let fee = UInt256(UInt64.random(in: 1_000_000_000_000...100_000_000_000_000_000, using: &rng))
        return try WeightedPool(address: .zero, poolId: [UInt8](repeating: 0, count: 32), tokens: (0..<n).map { "T\($0)" },
                            decimals: decimals, balances: balances, weights: weights, swapFee: fee)
    }

    @Test func roundTripCostsNoMoreThanTheInput() throws {
        var rng = SeededRandom(seed: 7)
        var checked = 0
        for _ in 0..<200 {
            let p = try randomPool(&rng)
            let i = Int.random(in: 0..<p.tokens.count, using: &rng)
            var j = Int.random(in: 0..<p.tokens.count, using: &rng)
            if j == i { j = (i + 1) % p.tokens.count }
            let fraction = pow(10, Double.random(in: -6 ... -0.7, using: &rng))
            guard let x = UInt256(truncating: p.balances[i].doubleValue * fraction), !x.isZero,
                  let y = p.amountOut(x, from: i, to: j), y > 1_000 else { continue }
            // Buying back exactly what x bought costs about x. pow's 1e-14 relative error bound is
            // applied to the power, and out ∝ 1 − power ≈ r·x/b, so it shows up amplified by
            // b/(r·x) in amounts; both directions round against the trader.
            let r = p.weights[i].doubleValue / p.weights[j].doubleValue
            let tolerance = 4e-14 * (p.balances[i].doubleValue / x.doubleValue) / min(r, 1) + 1e-12
            if let back = p.amountIn(forOut: y, from: i, to: j) {
                #expect(back.doubleValue <= x.doubleValue * (1 + tolerance) + 2, "pool \(p.decimals) \(i)→\(j) x=\(x) back=\(back)")
                #expect(back.doubleValue >= x.doubleValue * (1 - 1e-6) - 2)
                // …and paying that buys at least about y.
                let again = try #require(p.amountOut(back, from: i, to: j))
                #expect(again.doubleValue >= y.doubleValue * (1 - tolerance) - 2)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func outputIsMonotoneAndRateDecreases() throws {
        for (i, j) in [(0, 1), (1, 2), (2, 0), (0, 2)] {
            var previousOut = UInt256.zero
            var previousRate = Double.infinity
            let limit = pool.maxAmountIn(from: i, to: j)
            for k in 1...40 {
                let x = limit / 40 * UInt256(UInt64(k))
                let y = try #require(pool.amountOut(x, from: i, to: j))
                #expect(y >= previousOut)
                let rate = y.doubleValue / x.doubleValue
                #expect(rate <= previousRate * (1 + 1e-12))
                previousOut = y
                previousRate = rate
            }
        }
    }

    @Test func floatViewsMatchExactQuotes() throws {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<300 {
            let p = try randomPool(&rng)
            let i = 0, j = p.tokens.count - 1
            let fraction = pow(10, Double.random(in: -4 ... -0.6, using: &rng))
            let x = try #require(UInt256(truncating: p.balances[i].doubleValue * fraction))
            let exact = try #require(p.amountOut(x, from: i, to: j)).doubleValue
            let approx = p.approximateOut(x.doubleValue, from: i, to: j)
            #expect(abs(approx - exact) / exact < 1e-9, "fraction \(fraction) exact \(exact) approx \(approx)")
            // The marginal rate is the derivative of the float view.
            let h = x.doubleValue * 1e-5
            let numeric = (p.approximateOut(x.doubleValue + h, from: i, to: j) - p.approximateOut(x.doubleValue - h, from: i, to: j)) / (2 * h)
            #expect(abs(p.marginalRate(at: x.doubleValue, from: i, to: j) - numeric) / numeric < 1e-6)
        }
        // Spot price of a 50/50 pool is bOut/bIn·(1 − fee).
        let even = try WeightedPool(address: .zero, poolId: [UInt8](repeating: 0, count: 32), tokens: ["A", "B"], decimals: [18, 6],
                                balances: [1_000 * Self.e18, 3_000_000_000_000], weights: [500_000_000_000_000_000, 500_000_000_000_000_000],
                                swapFee: 3_000_000_000_000_000)
        #expect(abs(even.spotRate(from: 0, to: 1) / (3000 * 0.997 * 1e-12) - 1) < 1e-12)
    }

    @Test func scalingDependsOnlyOnDecimals() throws {
        // The same pool in whole tokens, with token 1 at 6, 8 or 18 decimals: the upscaled math is
        // identical, so raw outputs differ exactly by the truncation of the downscale.
        func make(_ d: Int) throws -> WeightedPool {
            try WeightedPool(address: .zero, poolId: [UInt8](repeating: 0, count: 32), tokens: ["A", "B"], decimals: [18, d],
                         balances: [5_000 * Self.e18, 12_345_678 * .ten(d)],
                         weights: [800_000_000_000_000_000, 200_000_000_000_000_000], swapFee: 2_500_000_000_000_000)
        }
        let p18 = try make(18), p8 = try make(8), p6 = try make(6)
        for x in [UInt256.ten(15), 7 * .ten(18), 1_234 * .ten(18)] {
            let y18 = try #require(p18.amountOut(x, from: 0, to: 1))
            #expect(p8.amountOut(x, from: 0, to: 1) == y18 / .ten(10))
            #expect(p6.amountOut(x, from: 0, to: 1) == y18 / .ten(12))
        }
        // 80/20 hits powUp's x^4 shortcut in one direction, x^0.25 through LogExpMath in the other.
        let back18 = try #require(p18.amountOut(1_000 * .ten(18), from: 1, to: 0))
        #expect(p6.amountOut(1_000 * .ten(6), from: 1, to: 0) == back18)
    }

    @Test func thirtyPercentLimits() throws {
        for (i, j) in [(0, 1), (1, 0), (2, 1), (0, 2)] {
            let m = pool.maxAmountIn(from: i, to: j)
            #expect(!m.isZero)
            #expect(pool.amountOut(m, from: i, to: j) != nil)
            // Net of fee, the limit sits at 30 % of the balance in (or below it, if 30 % out binds).
            #expect(m.doubleValue * 0.997 <= pool.balances[i].doubleValue * 0.3 * (1 + 1e-12) + 1)   // + the fee's round-up
        }
        // WETH→WBTC: the in-limit binds; one wei more is refused as the vault refuses it.
        let m = pool.maxAmountIn(from: 0, to: 1)
        #expect(pool.amountOut(m + 1, from: 0, to: 1) == nil)
        #expect(throws: BalancerMathError.maxInRatio) { try pool.quoteGivenIn(m + 1, from: 0, to: 1) }
        // GIVEN_OUT: up to 30 % of the balance out.
        let outLimit = pool.balances[1] * 3 / 10
        #expect(pool.amountIn(forOut: outLimit, from: 0, to: 1) != nil)
        #expect(throws: BalancerMathError.maxOutRatio) { try pool.quoteGivenOut(outLimit + 1, from: 0, to: 1) }
        // With extreme weights (99/1) 30 % in would drain almost all of the out side; the
        // out-limit then caps maxAmountIn so the trade stays quotable both ways.
        let skewed = try WeightedPool(address: .zero, poolId: [UInt8](repeating: 0, count: 32), tokens: ["A", "B"], decimals: [18, 18],
                                  balances: [1_000 * Self.e18, 1_000 * Self.e18],
                                  weights: [990_000_000_000_000_000, 10_000_000_000_000_000], swapFee: 1_000_000_000_000_000)
        let sm = skewed.maxAmountIn(from: 0, to: 1)
        let out = try #require(skewed.amountOut(sm, from: 0, to: 1))
        #expect(out.doubleValue <= 300 * 1e18 * (1 + 1e-9))
        #expect(sm < 10 * Self.e18)
    }

    @Test func applyingSwapMovesBalancesAndGrowsTheInvariant() throws {
        let x = 10 * Self.e18
        let y = try #require(pool.amountOut(x, from: 0, to: 2))
        let next = try #require(pool.applyingSwap(amountIn: x, amountOut: y, from: 0, to: 2))
        #expect(next.balances[0] == pool.balances[0] + x)
        #expect(next.balances[2] == pool.balances[2] - y)
        #expect(next.balances[1] == pool.balances[1])
        func invariant(_ p: WeightedPool) -> Double {
            zip(p.balances, p.weights).reduce(0) { $0 + log($1.0.doubleValue) * $1.1.doubleValue / 1e18 }
        }
        #expect(invariant(next) > invariant(pool))
        // The next trade in the same direction gets a worse rate.
        let y2 = try #require(next.amountOut(x, from: 0, to: 2))
        #expect(y2 < y)
        #expect(pool.applyingSwap(amountIn: 1, amountOut: pool.balances[2] + 1, from: 0, to: 2) == nil)
    }

    @Test func badIndicesAndAmountsAreRefusedNotTrapped() throws {
        #expect(pool.amountOut(1_000, from: 0, to: 0) == nil)
        #expect(pool.amountOut(1_000, from: -1, to: 1) == nil)
        #expect(pool.amountOut(1_000, from: 0, to: 3) == nil)
        #expect(pool.amountOut(.zero, from: 0, to: 1) == nil)
        #expect(pool.amountOut(.max, from: 0, to: 1) == nil)
        #expect(pool.amountIn(forOut: .max, from: 0, to: 1) == nil)
        #expect(pool.maxAmountIn(from: 0, to: 9) == .zero)
        let empty = try Self.pool(balances: [.zero, 1_500_000_000, 900_000 * 1_000_000])
        #expect(empty.amountOut(1_000, from: 0, to: 1) == nil)
        #expect(empty.marginalRate(at: 0, from: 0, to: 1) == 0)
        #expect(pool.curve(from: 0, to: 1) == .general)
        #expect(pool.kind == .weighted && pool.swapGas(.vault) == GasModel.weightedHop && pool.swapGas(.router) == GasModel.weightedHop)
    }

    /// A pool no Balancer factory could make is refused when the value is made, so every quote
    /// can rely on one balance, weight and scaling factor per token.
    @Test func poolsNoFactoryCouldMakeAreRefusedWhenMade() {
        let balances: [UInt256] = [1, 2, 3]
        #expect(throws: PoolInvariantError("weights", "2 weights for 3 tokens")) {
            try Self.pool(balances: balances, weights: [500_000_000_000_000_000, 500_000_000_000_000_000])
        }
        #expect(throws: PoolInvariantError("balances", "2 balances for 3 tokens")) { try Self.pool(balances: [1, 2]) }
        #expect(throws: PoolInvariantError("decimals", "2 decimals for 3 tokens")) { try Self.pool(balances: balances, decimals: [18, 8]) }
        #expect(throws: PoolInvariantError("tokens", index: 1, "\"WBTC\" has 24 decimals; Balancer pools support at most 18")) {
            try Self.pool(balances: balances, decimals: [18, 24, 6])
        }
        #expect(throws: PoolInvariantError("tokens", index: 2, "\"WETH\" appears twice in one pool")) {
            try Self.pool(balances: balances, tokens: ["WETH", "WBTC", "WETH"])
        }
        #expect(throws: PoolInvariantError("tokens", "a weighted pool has 2 to 8 tokens, got 1")) {
            try Self.pool(balances: [1], decimals: [18], tokens: ["WETH"], weights: [FixedPoint.one])
        }
        #expect(throws: PoolInvariantError("weights", index: 2, "1 is below the 1 % minimum weight (10000000000000000)")) {
            try Self.pool(balances: balances, weights: [500_000_000_000_000_000, 499_999_999_999_999_999, 1])
        }
        #expect(throws: PoolInvariantError("weights", "normalized weights sum to 900000000000000000, not 1000000000000000000")) {
            try Self.pool(balances: balances, weights: [300_000_000_000_000_000, 300_000_000_000_000_000, 300_000_000_000_000_000])
        }
        #expect(throws: PoolInvariantError("swapFee", "must be below 1e18 (100 %)")) { try Self.pool(balances: balances, swapFee: FixedPoint.one) }
        #expect(throws: PoolInvariantError("poolId", "a pool id is 32 bytes, got 0")) { try Self.pool(balances: balances, poolId: []) }
    }
}
