import EthCore
import TestOracles
import Testing
@testable import Market

@Suite struct ConstantProductPoolTests {
    let pool: ConstantProductPool

    init() throws {
        pool = try ConstantProductPool(
            address: .zero, tokens: ["WETH", "USDC"],
            reserves: [UInt256(decimal: "1000000000000000000000")!, UInt256(3_000_000_000_000)])
    }

    @Test func anythingButTwoTokensTwoReservesAndAFeeBelowOneIsNoPair() {
        #expect(throws: PoolInvariantError("tokens", "a constant-product pool has exactly 2 tokens, got 3")) {
            try ConstantProductPool(address: .zero, tokens: ["A", "B", "C"], reserves: [1, 1])
        }
        #expect(throws: PoolInvariantError("tokens", index: 1, "\"A\" appears twice in one pool")) {
            try ConstantProductPool(address: .zero, tokens: ["A", "A"], reserves: [1, 1])
        }
        #expect(throws: PoolInvariantError("reserves", "a constant-product pool has exactly 2 reserves, got 1")) {
            try ConstantProductPool(address: .zero, tokens: ["A", "B"], reserves: [1])
        }
        #expect(throws: PoolInvariantError("feeBps", "must be below 10000 (100 %)")) {
            try ConstantProductPool(address: .zero, tokens: ["A", "B"], reserves: [1, 1], feeBps: 10_000)
        }
    }

    /// Uniswap V2's library, written out with the 997/1000 constants as the pair uses them.
    func v2Out(_ x: UInt256, _ rIn: UInt256, _ rOut: UInt256) -> UInt256 {
        let inWithFee = x * 997
        return inWithFee * rOut / (rIn * 1000 + inWithFee)
    }

    func v2In(_ y: UInt256, _ rIn: UInt256, _ rOut: UInt256) -> UInt256 {
        rIn * y * 1000 / ((rOut - y) * 997) + 1
    }

    @Test func matchesUniswapV2Formula() {
        var rng = SeededRandom(seed: 4)
        for _ in 0..<2000 {
            let x = UInt256(UInt64.random(in: 1...UInt64.max, using: &rng)) * UInt256(UInt64.random(in: 1...1000, using: &rng))
            #expect(pool.amountOut(x, from: 0, to: 1) == v2Out(x, pool.reserves[0], pool.reserves[1]), "in \(x), \(rng.replay)")
            let y = UInt256(UInt64.random(in: 1..<2_999_999_999_999, using: &rng))
            #expect(pool.amountIn(forOut: y, from: 0, to: 1) == v2In(y, pool.reserves[0], pool.reserves[1]), "out \(y), \(rng.replay)")
        }
    }

    @Test func amountInBuysAtLeastAmountOut() throws {
        for y in [UInt256(1), 1_000_000, 2_999_999_999_999] {
            let x = try #require(pool.amountIn(forOut: y, from: 0, to: 1))
            #expect(try #require(pool.amountOut(x, from: 0, to: 1)) >= y)
            #expect(try #require(pool.amountOut(x - 1, from: 0, to: 1)) < y || x == 1)
        }
    }

    @Test func refusesImpossibleTrades() throws {
        #expect(pool.amountOut(.zero, from: 0, to: 1) == nil)
        #expect(pool.amountOut(1, from: 0, to: 0) == nil)
        #expect(pool.amountOut(1, from: 0, to: 5) == nil)
        #expect(pool.amountIn(forOut: pool.reserves[1], from: 0, to: 1) == nil)
        #expect(pool.amountOut(.max, from: 0, to: 1) == nil)
        let empty = try ConstantProductPool(address: .zero, tokens: ["A", "B"], reserves: [.zero, .zero])
        #expect(empty.amountOut(100, from: 0, to: 1) == nil)
    }

    @Test func floatViewsAgreeWithExactMath() throws {
        let x = UInt256(decimal: "5000000000000000000")!
        let exact = try #require(pool.amountOut(x, from: 0, to: 1)).doubleValue
        #expect(abs(pool.approximateOut(x.doubleValue, from: 0, to: 1) - exact) / exact < 1e-9)
        // Spot: 3000 USDC per WETH less the fee, in raw units (1e6 / 1e18).
        #expect(abs(pool.spotRate(from: 0, to: 1) - 3000 * 0.997 * 1e-12) < 1e-18)
        let impact = pool.priceImpactBps(amountIn: x, amountOut: try #require(pool.amountOut(x, from: 0, to: 1)), from: 0, to: 1)
        #expect(impact > 45 && impact < 55)   // 5 ETH into 1000 ETH of depth moves ~50 bps
    }

    @Test func applyingSwapKeepsK() throws {
        let x = UInt256(decimal: "10000000000000000000")!
        let y = try #require(pool.amountOut(x, from: 0, to: 1))
        let next = try #require(pool.applyingSwap(amountIn: x, amountOut: y, from: 0, to: 1))
        #expect(next.reserves[0] * next.reserves[1] >= pool.reserves[0] * pool.reserves[1])
    }
}

@Suite struct MidRateTests {
    @Test func weightedMidRateExcludesTheFee() throws {
        let e18 = UInt256(decimal: "1000000000000000000")!
        let pool = try WeightedPool(address: .zero, poolId: [UInt8](repeating: 1, count: 32), tokens: ["WETH", "DAI"], decimals: [18, 18],
                                balances: [UInt256(800) * e18, UInt256(600_000) * e18],
                                weights: [UInt256(8) * e18 / 10, UInt256(2) * e18 / 10], swapFee: UInt256(3) * e18 / 1000)
        // 80/20 pool: price = (600000/0.2) / (800/0.8) = 3000 DAI per WETH.
        #expect(abs(pool.midRate(from: 0, to: 1) - 3000) < 1e-9)
        #expect(abs(pool.spotRate(from: 0, to: 1) / pool.midRate(from: 0, to: 1) - 0.997) < 1e-9)
        #expect(pool.depth(of: 0) == 800e18)
    }
}
