import EthCore
import Market
import Testing
@testable import Routing
import TestOracles

@Suite struct PathCurveTests {
    func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude) }

    @Test func twoHopCollapseEqualsComposingThePools() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            let first = ConstantProductCurve(
                reserveIn: Double.random(in: 1e15...1e24, using: &rng), reserveOut: Double.random(in: 1e6...1e24, using: &rng),
                gamma: Double.random(in: 0.99...1, using: &rng))
            let second = ConstantProductCurve(
                reserveIn: Double.random(in: 1e6...1e24, using: &rng), reserveOut: Double.random(in: 1e6...1e24, using: &rng),
                gamma: Double.random(in: 0.99...1, using: &rng))
            let collapsed = first.followed(by: second)
            // The formula as written in the brief: E_in = a1·a2/(a2 + γ2·b1), E_out = γ2·b1·b2/(a2 + γ2·b1), γ = γ1.
            let d = second.reserveIn + second.gamma * first.reserveOut
            #expect(relativeError(collapsed.reserveIn, first.reserveIn * second.reserveIn / d) < 1e-15)
            #expect(relativeError(collapsed.reserveOut, second.gamma * first.reserveOut * second.reserveOut / d) < 1e-15)
            #expect(collapsed.gamma == first.gamma)
            for scale in [1e-9, 1e-4, 0.01, 0.3, 2, 50] {
                let x = first.reserveIn * scale
                #expect(relativeError(collapsed.out(x), second.out(first.out(x))) < 1e-12)
                // Chain rule: the collapsed marginal rate is the product of the hops' rates.
                let composed = first.marginal(at: x) * second.marginal(at: first.out(x))
                #expect(relativeError(collapsed.marginal(at: x), composed) < 1e-12)
            }
        }
    }

    @Test func pathOfConstantProductPoolsCollapsesAndMatchesThePoolsFloatViews() throws {
        let pools: [any Pool] = [
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "USDC", "DAI", raw(5_000_000, decimals: 6), raw(5_010_000), feeBps: 5),
            try cp(3, "DAI", "WBTC", raw(40_000_000), raw(600, decimals: 8), feeBps: 100),
        ]
        let graph = PoolGraph(pools: pools)
        let path = try #require(graph.paths(from: "WETH", to: "WBTC", maxHops: 3).first)
        #expect(path.symbols == ["WETH", "USDC", "DAI", "WBTC"])
        let curve = PathCurve(path: path, pools: pools)
        guard case .constantProduct = curve.shape else {
            Issue.record("a path of constant-product pools should collapse")
            return
        }
        for x in [1e12, 1e17, 5e18, 2e20] {
            #expect(relativeError(curve.out(x), graph.approximateOut(path, amountIn: x)) < 1e-12)
            var a = x, m = 1.0
            for h in path.hops {
                m *= pools[h.pool].marginalRate(at: a, from: h.tokenIn, to: h.tokenOut)
                a = pools[h.pool].approximateOut(a, from: h.tokenIn, to: h.tokenOut)
            }
            #expect(relativeError(curve.marginal(at: x), m) < 1e-12)
            // And the float view tracks the exact integer quote (once the output is many units).
            guard x >= 1e17 else { continue }
            let xExact = try #require(UInt256(truncating: x))
            let exact = try #require(graph.quote(path, amountIn: xExact)?.last)
            #expect(relativeError(curve.out(x), exact.doubleValue) < 1e-6)
        }
    }

    @Test func generalPathInvertsItsMarginalRate() throws {
        let pools: [any Pool] = [
            PowerPool(address: poolAddress(1), tokens: ["A", "B"], reserves: [raw(1_000), raw(2_000)], exponent: 2),
            try cp(2, "B", "C", raw(4_000), raw(4_000)),
        ]
        let graph = PoolGraph(pools: pools)
        let path = try #require(graph.paths(from: "A", to: "C", maxHops: 2).first)
        let curve = PathCurve(path: path, pools: pools)
        #expect(curve.shape == .general)
        // 30 % of the first reserve, less the safety hair.
        #expect(abs(curve.maxIn / 300e18 - 1) < 1e-8)
        for x in [1e15, 1e18, 5e19, 2e20] {
            let rate = curve.marginal(at: x)
            #expect(relativeError(curve.input(atMarginal: rate, limit: 1e30), x) < 1e-9)
        }
        #expect(curve.input(atMarginal: curve.spotRate * 1.01, limit: 1e30) == 0)
        #expect(curve.input(atMarginal: 1e-30, limit: 1e30) == curve.maxIn)
    }

    @Test func waterFillingEqualisesMarginalRates() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<200 {
            let curves = (0..<Int.random(in: 2...12, using: &rng)).map { _ in
                let rIn = Double.random(in: 1e20...1e23, using: &rng)
                return ConstantProductCurve(
                    reserveIn: rIn, reserveOut: rIn * Double.random(in: 2_900...3_100, using: &rng) * 1e-12,
                    gamma: [0.997, 0.9995, 0.99][Int.random(in: 0...2, using: &rng)])
            }
            let amount = Double.random(in: 1e17...1e22, using: &rng)
            let xs = SplitOptimizer.waterFill(amount, curves)
            #expect(relativeError(xs.reduce(0, +), amount) < 1e-12)
            let used = xs.indices.filter { xs[$0] > 0 }
            let lambda = curves[used[0]].marginal(at: xs[used[0]])
            for k in curves.indices {
                if xs[k] > 0 {
                    #expect(relativeError(curves[k].marginal(at: xs[k]), lambda) < 1e-9)
                } else {
                    #expect(curves[k].spotRate <= lambda * (1 + 1e-12))   // an idle path is not worth its first unit
                }
            }
        }
    }
}

@Suite struct SplitSearchTests {
    /// Constant-product pools dressed up as general ones (PowerPool with k = 1): the numeric search
    /// must land where the closed form does.
    @Test func searchOnTheMarginalRateAgreesWithTheClosedForm() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<100 {
            let n = Int.random(in: 2...10, using: &rng)
            var general: [PathCurve] = []
            var closed: [ConstantProductCurve] = []
            for k in 0..<n {
                let depth = Double.random(in: 1_000...10_000, using: &rng)
                let pool = PowerPool(address: poolAddress(k), tokens: ["A", "B"],
                                     reserves: [raw(depth), raw(depth * Double.random(in: 0.9...1.1, using: &rng))],
                                     feeBps: [UInt64(5), 30, 100][k % 3], exponent: 1)
                let graph = PoolGraph(pools: [pool])
                let path = try #require(graph.paths(from: "A", to: "B", maxHops: 1).first)
                general.append(PathCurve(path: path, pools: [pool]))
                closed.append(ConstantProductCurve(reserveIn: pool.reserves[0].doubleValue, reserveOut: pool.reserves[1].doubleValue, gamma: pool.gamma))
            }
            #expect(general.allSatisfy { $0.shape == .general })
            // Small enough that no pool's 30 % limit binds.
            let amount = Double.random(in: 1e17...2.5e20, using: &rng)
            let xs = try #require(SplitOptimizer.split(amount, across: general))
            let ys = SplitOptimizer.waterFill(amount, closed)
            let outX = zip(closed, xs).reduce(0.0) { $0 + $1.0.out($1.1) }
            let outY = zip(closed, ys).reduce(0.0) { $0 + $1.0.out($1.1) }
            #expect(abs(xs.reduce(0, +) / amount - 1) < 1e-9)
            #expect(abs(outX / outY - 1) < 1e-10)
            for (x, y) in zip(xs, ys) { #expect(abs(x - y) <= amount * 1e-6) }
        }
    }

    @Test func refusesAnAmountBeyondEveryLimit() throws {
        let pools = [
            PowerPool(address: poolAddress(1), tokens: ["A", "B"], reserves: [raw(100), raw(100)]),
            PowerPool(address: poolAddress(2), tokens: ["A", "B"], reserves: [raw(100), raw(100)]),
        ]
        let graph = PoolGraph(pools: pools)
        let curves = graph.paths(from: "A", to: "B", maxHops: 1).map { PathCurve(path: $0, pools: pools) }
        #expect(curves.count == 2)
        #expect(SplitOptimizer.split(61e18, across: curves) == nil)          // 2 × 30 % of 100
        let xs = try #require(SplitOptimizer.split(59e18, across: curves))
        #expect(xs.allSatisfy { $0 <= 30e18 })
        #expect(SplitOptimizer.split(0, across: curves) == nil)
        #expect(SplitOptimizer.split(1e18, across: []) == nil)
    }
}
