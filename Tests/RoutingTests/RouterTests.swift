import EthCore
import Foundation
import Market
import Testing
@testable import Routing
import TestOracles

@Suite struct RouterTests {
    /// Random parallel and multi-hop pools between a few tokens, some of them not constant-product.
    func randomPools(_ rng: inout SeededRandom, count: Int, tokens: [String]) throws -> [any Pool] {
        try (0..<count).map { n -> any Pool in
            let a = Int.random(in: 0..<tokens.count, using: &rng)
            var b = Int.random(in: 0..<(tokens.count - 1), using: &rng)
            if b >= a { b += 1 }
            let ra = raw(Double.random(in: 50...50_000, using: &rng)), rb = raw(Double.random(in: 50...50_000, using: &rng))
            let fee = [UInt64(5), 30, 100][Int.random(in: 0...2, using: &rng)]
            if Bool.random(using: &rng) && n % 3 == 0 {
                return PowerPool(address: poolAddress(n), tokens: [tokens[a], tokens[b]], reserves: [ra, rb], feeBps: fee,
                                 exponent: Int.random(in: 1...3, using: &rng))
            }
            return try cp(n, tokens[a], tokens[b], ra, rb, feeBps: fee)
        }
    }

    /// Checks what every route must satisfy: exact sums, hop chaining, quotes equal to the pools',
    /// pool-disjoint legs, minOut, and never worse than any single path.
    func checkInvariants(_ route: Route, pools: [any Pool], options: RouteOptions) throws {
        #expect(route.legInputTotal == route.amountIn)
        #expect(route.legOutputTotal == route.amountOut)
        #expect(route.minOut == route.amountOut * UInt256(10_000 - options.slippageBps) / 10_000)
        let byAddress = Dictionary(uniqueKeysWithValues: pools.map { ($0.address, $0) })
        var usedPools = Set<Address>()
        if route.steps != nil {
            // A step route: the steps are what executes; its legs only display them.
            #expect(replaySteps(route, pools) == route.amountOut)
        }
        for leg in route.legs where route.steps == nil {
            #expect(!leg.amountIn.isZero)
            #expect(leg.path.first == route.sell && leg.path.last == route.buy)
            #expect(leg.pools == leg.hops.map(\.pool))
            var a = leg.amountIn
            for (k, hop) in leg.hops.enumerated() {
                #expect(hop.amountIn == a)
                #expect(hop.tokenIn == leg.path[k] && hop.tokenOut == leg.path[k + 1])
                let pool = try #require(byAddress[hop.pool])
                let i = try #require(pool.index(of: hop.tokenIn)), j = try #require(pool.index(of: hop.tokenOut))
                #expect(pool.amountOut(hop.amountIn, from: i, to: j) == hop.amountOut)
                #expect(usedPools.insert(hop.pool).inserted, "a pool is used by two legs")
                a = hop.amountOut
            }
            #expect(a == leg.amountOut)
        }
        // Never worse than any single path (gas is free in these runs).
        let graph = PoolGraph(pools: pools)
        for path in graph.paths(from: route.sell, to: route.buy, maxHops: options.maxHops) {
            if let out = graph.quote(path, amountIn: route.amountIn)?.last {
                #expect(route.amountOut >= out)
            }
        }
    }

    @Test func legsSumExactlyOverRandomPoolsAndAmounts() throws {
        var rng = SeededRandom(seed: 2026)
        let tokens = ["WETH", "USDC", "DAI", "WBTC", "LINK"]
        var routed = 0, split = 0
        for _ in 0..<150 {
            let pools = try randomPools(&rng, count: Int.random(in: 3...14, using: &rng), tokens: tokens)
            let amount = raw(Double.random(in: 1e-12...3_000, using: &rng)) + UInt256(UInt64.random(in: 0...999, using: &rng))
            let options = RouteOptions(slippageBps: UInt64.random(in: 0...300, using: &rng))
            do {
                let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools, options: options)
                try checkInvariants(route, pools: pools, options: options)
                routed += 1
                if route.legs.count > 1 { split += 1 }
            } catch let e as RoutingError {
                switch e {
                case .noPath, .noLiquidity, .amountTooLarge, .amountTooSmall, .unknownToken: continue
                default: Issue.record("unexpected \(e)")
                }
            }
        }
        #expect(routed > 80)
        #expect(split > 20)
    }

    @Test func splitBeatsOrEqualsEverySinglePath() throws {
        var rng = SeededRandom(seed: 99)
        for _ in 0..<60 {
            let pools: [any Pool] = try (0..<Int.random(in: 2...8, using: &rng)).map { n in
                let depth = Double.random(in: 100...10_000, using: &rng)
                return try cp(n, "WETH", "USDC", raw(depth), raw(depth * Double.random(in: 2_950...3_050, using: &rng), decimals: 6),
                          feeBps: [UInt64(5), 30, 100][n % 3])
            }
            let amount = raw(Double.random(in: 0.001...2_000, using: &rng))
            let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools)
            try checkInvariants(route, pools: pools, options: RouteOptions())
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func matchesBruteForceOptimumOnSmallInstances(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let count = seed % 2 == 0 ? 3 : 2
        let pools: [any Pool] = try (0..<count).map { n -> any Pool in
            let depth = Double.random(in: 50...5_000, using: &rng)
            let rIn = raw(depth), rOut = raw(depth * Double.random(in: 2_900...3_100, using: &rng), decimals: 6)
            // Every third instance mixes in a non-constant-product pool.
            if seed % 3 == 0 && n == 0 {
                return PowerPool(address: poolAddress(n), tokens: ["WETH", "USDC"], reserves: [rIn, rOut], exponent: 2)
            }
            return try cp(n, "WETH", "USDC", rIn, rOut, feeBps: [UInt64(30), 5, 100][n])
        }
        let amount = raw(Double.random(in: 5...200, using: &rng))
        let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools)
        let reference = bruteForceSplit(pools, amount: amount, sell: "WETH", buy: "USDC", grid: count == 2 ? 400 : 60)
        // Within 0.01 % of the exact integer optimum (in practice within a few units).
        #expect(route.amountOut.doubleValue >= reference.doubleValue * (1 - 1e-4))
        #expect(route.amountOut.doubleValue >= reference.doubleValue * (1 - 1e-8), "router \(route.amountOut) vs reference \(reference)")
        try checkInvariants(route, pools: pools, options: RouteOptions())
    }

    /// Against an oracle that shares nothing with the router (greedy 0.01 % slices in exact
    /// integers over Uniswap V2's published formula): never worse beyond the oracle's grid, over
    /// many seeds, 10–50 pools and amounts from dust-sized to deeper than most pools.
    @Test func atLeastTheGreedyOracleOnTenToFiftyPools() throws {
        var rng = SeededRandom(seed: 50)
        var worst = Double.infinity, best = 0.0, checked = 0
        for instance in 0..<40 {
            let cps: [ConstantProductPool] = try (0..<Int.random(in: 10...50, using: &rng)).map { n in
                let depth = Double.random(in: 10...20_000, using: &rng)
                return try cp(n, "WETH", "USDC", raw(depth), raw(depth * Double.random(in: 2_950...3_050, using: &rng), decimals: 6),
                          feeBps: [UInt64(5), 30, 100][Int.random(in: 0...2, using: &rng)])
            }
            let pools: [any Pool] = cps
            let amount = raw(pow(10, Double.random(in: -1...5, using: &rng)))
            let context = "instance \(instance), \(pools.count) pools, amount \(amount), \(rng.replay)"
            let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools)
            let quotes = cps.map { GreedySplitOracle.uniswapV2Out(reserveIn: $0.reserves[0], reserveOut: $0.reserves[1], feeBps: $0.feeBps) }
            let oracle = try #require(GreedySplitOracle.split(amount, across: quotes), "\(context)")
            let ratio = route.amountOut.doubleValue / oracle.amountOut.doubleValue
            worst = min(worst, ratio)
            best = max(best, ratio)
            // The grid costs the oracle at most a slice's worth of marginal-rate mismatch: far below 1e-6.
            #expect(ratio >= 1 - 1e-6, "router \(route.amountOut) < oracle \(oracle.amountOut): \(context)")
            try checkInvariants(route, pools: pools, options: RouteOptions())
            checked += 1
        }
        #expect(checked == 40)
        // Close to the oracle from both sides: a router far above it would mean a broken oracle.
        #expect(best <= 1 + 1e-5, "best ratio \(best), worst \(worst)")
    }

    @Test func gasDecidesWhetherATinyPoolIsWorthALeg() throws {
        let pools: [any Pool] = [
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "WETH", "USDC", raw(5), raw(15_030, decimals: 6)),       // tiny, slightly better price
        ]
        // 1 wei of ETH is worth 3000e6 / 1e18 raw USDC.
        let usdcPerWei = 3_000e6 / 1e18
        let free = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(5), pools: pools, options: RouteOptions())
        #expect(free.legs.count == 2)
        let costly = RouteOptions(gasPriceWei: 100_000_000_000, outputPerNativeWei: usdcPerWei)   // 100 gwei
        let paid = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(5), pools: pools, options: costly)
        #expect(paid.legs.count == 1)
        #expect(paid.legs[0].pools == [poolAddress(1)])
        #expect(paid.gas == GasModel.pairHop + GasModel.legOverhead)
        #expect(free.gas == 2 * (GasModel.pairHop + GasModel.legOverhead))
        // Cheap gas (0.01 gwei): the second leg's extra output pays for its gas again.
        let cheap = RouteOptions(gasPriceWei: 10_000_000, outputPerNativeWei: usdcPerWei)
        #expect(try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(5), pools: pools, options: cheap).legs.count == 2)
    }

    @Test func gasDecidesWhetherAnExtraHopPays() throws {
        // Direct pool slightly worse than the two-hop path through DAI.
        let pools: [any Pool] = [
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "WETH", "DAI", raw(1_000), raw(3_003_000)),
            try cp(3, "DAI", "USDC", raw(10_000_000), raw(10_000_000, decimals: 6), feeBps: 1),
        ]
        let opts = RouteOptions(maxLegs: 1)
        let free = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(1), pools: pools, options: opts)
        #expect(free.legs.map(\.path) == [["WETH", "DAI", "USDC"]])
        var costly = opts
        costly.gasPriceWei = 100_000_000_000
        costly.outputPerNativeWei = 3_000e6 / 1e18
        let paid = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(1), pools: pools, options: costly)
        #expect(paid.legs.map(\.path) == [["WETH", "USDC"]])
    }

    @Test func splitsAcrossCappedNonConstantProductPools() throws {
        // Each pool refuses more than 30 % of its input reserve: 100 WETH needs at least two of them.
        let pools: [any Pool] = [
            PowerPool(address: poolAddress(1), tokens: ["WETH", "USDC"], reserves: [raw(200), raw(600_000, decimals: 6)], exponent: 2),
            PowerPool(address: poolAddress(2), tokens: ["WETH", "USDC"], reserves: [raw(150), raw(450_000, decimals: 6)], exponent: 3),
            try cp(3, "WETH", "USDC", raw(20), raw(60_000, decimals: 6)),
        ]
        let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(100), pools: pools)
        #expect(route.legs.count >= 2)
        try checkInvariants(route, pools: pools, options: RouteOptions())
        #expect(throws: RoutingError.amountTooLarge(sell: "WETH", buy: "USDC", amountIn: raw(2_000))) {
            try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(2_000), pools: Array(pools.prefix(2)))
        }
    }

    @Test func pathsSharingAPoolBecomeSteps() throws {
        // WETH→DAI goes through one deep pool, then DAI→USDC through two: the two-hop paths share a pool.
        // The split over pool-disjoint paths can use only one of them; the flow splits the hub's DAI.
        let pools: [any Pool] = [
            try cp(1, "WETH", "DAI", raw(100_000), raw(300_000_000)),
            try cp(2, "DAI", "USDC", raw(1_000_000), raw(1_000_000, decimals: 6)),
            try cp(3, "DAI", "USDC", raw(900_000), raw(900_000, decimals: 6)),
            try cp(4, "WETH", "USDC", raw(300), raw(900_000, decimals: 6)),
        ]
        let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(200), pools: pools)
        try checkInvariants(route, pools: pools, options: RouteOptions())
        let split = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(200), pools: pools, options: RouteOptions(flowNetwork: false))
        try checkInvariants(split, pools: pools, options: RouteOptions())
        #expect(split.legs.count == 2 && split.steps == nil)
        let steps = try #require(route.steps)
        #expect(Set(steps.filter { $0.tokenIn == "DAI" }.map(\.pool)) == [poolAddress(2), poolAddress(3)])
        #expect(route.amountOut > split.amountOut)
    }

    @Test func typedErrors() throws {
        let pools: [any Pool] = [try cp(1, "WETH", "USDC", raw(10), raw(30_000, decimals: 6)), try cp(2, "DAI", "USDT", raw(10), raw(10, decimals: 6))]
        #expect(throws: RoutingError.unknownToken(argument: "sell", symbol: "ZZZ")) {
            try Router.route(sell: "ZZZ", buy: "USDC", amountIn: 1, pools: pools)
        }
        #expect(throws: RoutingError.unknownToken(argument: "buy", symbol: "ZZZ")) {
            try Router.route(sell: "WETH", buy: "ZZZ", amountIn: 1, pools: pools)
        }
        #expect(throws: RoutingError.noPath(sell: "WETH", buy: "DAI", maxHops: 3)) {
            try Router.route(sell: "WETH", buy: "DAI", amountIn: 1, pools: pools)
        }
        #expect(throws: RoutingError.zeroAmount) { try Router.route(sell: "WETH", buy: "USDC", amountIn: 0, pools: pools) }
        #expect(throws: RoutingError.sameToken("WETH")) { try Router.route(sell: "WETH", buy: "WETH", amountIn: 1, pools: pools) }
        #expect(throws: RoutingError.amountTooSmall(sell: "WETH", buy: "USDC", amountIn: 1)) {
            try Router.route(sell: "WETH", buy: "USDC", amountIn: 1, pools: pools)
        }
        #expect(throws: RoutingError.self) {
            try Router.route(sell: "WETH", buy: "USDC", amountIn: 1, pools: pools, options: RouteOptions(slippageBps: 10_001))
        }
        let empty: [any Pool] = [try cp(1, "WETH", "USDC", 0, 0)]
        #expect(throws: RoutingError.noLiquidity(sell: "WETH", buy: "USDC")) {
            try Router.route(sell: "WETH", buy: "USDC", amountIn: 1, pools: empty)
        }
        #expect(throws: RoutingError.amountTooLarge(sell: "WETH", buy: "USDC", amountIn: .max)) {
            try Router.route(sell: "WETH", buy: "USDC", amountIn: .max, pools: pools)
        }
        #expect(RoutingError.unknownToken(argument: "sell", symbol: "ZZZ").description.contains("`sell`"))
    }

    @Test func encodesTheSharedRouteJSON() throws {
        let pools: [any Pool] = [
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "WETH", "WBTC", raw(1_000), raw(50, decimals: 8)),
            try cp(3, "WBTC", "USDC", raw(60, decimals: 8), raw(3_600_000, decimals: 6)),
        ]
        let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(5), pools: pools, options: RouteOptions(slippageBps: 50))
        #expect(route.legs.count == 2)
        #expect(route.priceImpactBps > 0 && route.priceImpactBps < 100)
        #expect(route.minOut == route.amountOut * 9_950 / 10_000)
        let data = try JSONEncoder().encode(route)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == ["sell", "buy", "amountIn", "amountOut", "minOut", "priceImpactBps", "gas", "legs"])
        #expect(json["sell"] as? String == "WETH")
        #expect(json["amountIn"] as? String == "5000000000000000000")
        #expect(json["amountOut"] as? String == route.amountOut.description)
        #expect(json["gas"] as? String == String(route.gas))
        #expect(json["priceImpactBps"] is NSNumber && !(json["priceImpactBps"] is String))
        let legs = try #require(json["legs"] as? [[String: Any]])
        #expect(legs.count == 2)
        for leg in legs {
            #expect(leg["amountIn"] is String && leg["amountOut"] is String)
            let pools = try #require(leg["pools"] as? [String])
            #expect(pools.allSatisfy { $0.hasPrefix("0x") && $0.count == 42 })
            #expect((leg["path"] as? [String])?.first == "WETH")
            #expect((leg["hops"] as? [[String: Any]])?.first?["amountIn"] is String)
        }
        #expect(try JSONDecoder().decode(Route.self, from: data) == route)
        let bad = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"gas\":\"\(route.gas)\"", with: "\"gas\":\"lots\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Route.self, from: Data(bad.utf8)) }
        // The example from docs/ARCHITECTURE.md decodes (no per-hop detail there).
        let example = """
            {"sell": "WETH", "buy": "USDC", "amountIn": "5000000000000000000", "amountOut": "14912345678",
             "minOut": "14837783949", "priceImpactBps": 41.7, "gas": "187000",
             "legs": [{"path": ["WETH", "USDC"], "pools": ["\(poolAddress(1))"], "amountIn": "3000000000000000000",
                       "amountOut": "8947407407"},
                      {"path": ["WETH", "WBTC", "USDC"], "pools": ["\(poolAddress(2))", "\(poolAddress(3))"],
                       "amountIn": "2000000000000000000", "amountOut": "5964938271"}]}
            """
        let decoded = try JSONDecoder().decode(Route.self, from: Data(example.utf8))
        #expect(decoded.gas == 187_000 && decoded.priceImpactBps == 41.7 && decoded.minOut == 14_837_783_949)
        #expect(decoded.legs.map(\.path) == [["WETH", "USDC"], ["WETH", "WBTC", "USDC"]] && decoded.legs[1].hops.isEmpty)
        #expect(decoded.legInputTotal == decoded.amountIn && decoded.legOutputTotal == decoded.amountOut)
    }

    @Test func twoHundredPoolGraphRoutes() throws {
        var rng = SeededRandom(seed: 200)
        let tokens = (0..<25).map { "T\($0)" }
        let pools = try randomPools(&rng, count: 200, tokens: tokens)
        let graph = PoolGraph(pools: pools)
        let options = RouteOptions(maxCandidatePaths: 32)
        let route = try Router.route(sell: "T0", buy: "T1", amountIn: raw(500), graph: graph, options: options)
        try checkInvariants(route, pools: pools, options: options)
        #expect(route.legs.count <= 32)
    }
}

@Suite struct GasAwareChoiceTests {
    /// Against every subset of pools (each split optimally, then charged its legs' gas), the router's
    /// exact output net of gas is within rounding of the best subset.
    @Test func netOfGasMatchesTheBestSubsetOfPools() throws {
        var rng = SeededRandom(seed: 4242)
        let usdcPerWei = 3_000e6 / 1e18
        var worst = 0.0
        for _ in 0..<200 {
            let n = Int.random(in: 2...5, using: &rng)
            let pools: [any Pool] = try (0..<n).map { k in
                let depth = pow(10, Double.random(in: 0...4, using: &rng))
                return try cp(k, "WETH", "USDC", raw(depth), raw(depth * Double.random(in: 2_950...3_050, using: &rng), decimals: 6),
                          feeBps: [UInt64(5), 30, 100][k % 3])
            }
            let amount = raw(pow(10, Double.random(in: -1...3, using: &rng)))
            let options = RouteOptions(gasPriceWei: UInt256(UInt64(pow(10, Double.random(in: 7...11.5, using: &rng)))),
                                       outputPerNativeWei: usdcPerWei)
            let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools, options: options)
            let legGas = options.gasValue(GasModel.pairHop + options.legOverheadGas)
            let routeNet = route.amountOut.doubleValue - Double(route.legs.count) * legGas

            let curves = pools.map { p -> ConstantProductCurve in
                guard case let .constantProduct(a, b, g) = p.curve(from: 0, to: 1) else { return ConstantProductCurve(reserveIn: 1, reserveOut: 0, gamma: 1) }
                return ConstantProductCurve(reserveIn: a, reserveOut: b, gamma: g)
            }
            var bestNet = -Double.infinity
            for mask in 1..<(1 << n) {
                let subset = (0..<n).filter { mask & (1 << $0) != 0 }.map { curves[$0] }
                let xs = SplitOptimizer.waterFill(amount.doubleValue, subset)
                let out = zip(subset, xs).reduce(0.0) { $0 + $1.0.out($1.1) }
                bestNet = max(bestNet, out - Double(xs.filter { $0 > 0 }.count) * legGas)
            }
            // Tolerance: integer rounding (a few units per leg) on top of float noise.
            let shortfall = (bestNet - routeNet) / max(1, abs(bestNet))
            worst = max(worst, shortfall)
            #expect(routeNet >= bestNet - abs(bestNet) * 1e-7 - 10, "route \(routeNet) vs best subset \(bestNet)")
        }
        #expect(worst < 1e-7)
    }
}

/// A pool whose float views are garbage (NaN, infinities, negative numbers): the router must
/// neither crash nor hang, and must still route through the honest pools.
struct GarbagePool: Pool {
    var address: Address
    var tokens: [String]
    var value: Double
    var kind: PoolKind { .weighted }
    func swapGas(_ table: GasTable) -> UInt64 { 80_000 }
    func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256? { amountIn / 1_000_000 }
    func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256? { nil }
    func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> GarbagePool? { self }
    func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double { value }
    func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double { value }
    func maxAmountIn(from i: Int, to j: Int) -> UInt256 { .max }
    func curve(from i: Int, to j: Int) -> SwapCurve {
        .constantProduct(reserveIn: value, reserveOut: value, gamma: value)
    }
}

@Suite struct HostilePoolTests {
    @Test(arguments: [Double.nan, .infinity, -.infinity, -5, 0, 1e300])
    func garbageFloatViewsDoNotBreakTheRouter(value: Double) throws {
        let pools: [any Pool] = [
            GarbagePool(address: poolAddress(7), tokens: ["WETH", "USDC"], value: value),
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "WETH", "USDC", raw(500), raw(1_500_000, decimals: 6)),
            GarbagePool(address: poolAddress(8), tokens: ["WETH", "DAI"], value: value),
            try cp(3, "DAI", "USDC", raw(1_000_000), raw(1_000_000, decimals: 6)),
        ]
        for amount in [raw(1), raw(300)] {
            do {
                let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: amount, pools: pools)
                #expect(route.legInputTotal == amount)
                #expect(route.legOutputTotal == route.amountOut)
                // Never worse than the honest single pool.
                let honest = try #require(pools[1].amountOut(amount, from: 0, to: 1))
                #expect(route.amountOut >= honest)
            } catch {
                Issue.record("unexpected \(error) for float views returning \(value)")
            }
        }
    }
}
