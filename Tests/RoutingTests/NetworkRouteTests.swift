import EthCore
import Foundation
import Market
import PropertyBased
import Testing
@testable import Routing
import TestOracles

/// Networks whose optimum is known by symmetry, and properties every step route keeps.
@Suite struct NetworkRouteTests {
    /// Exact output of feeding `amount` through `pool` from `a` to `b`.
    func out(_ pool: any Pool, _ a: String, _ b: String, _ amount: UInt256) -> UInt256 {
        pool.amountOut(amount, from: pool.index(of: a)!, to: pool.index(of: b)!) ?? .zero
    }

    func best(_ route: Route, beats reference: UInt256, by tolerance: Double = 1e-9) -> Bool {
        route.amountOut.doubleValue >= reference.doubleValue * (1 - tolerance)
    }

    @Test func poolSharedByTwoPathsTakesTheirSum() throws {
        // The issue's case: two equal pools lead to the hub, one deep pool from the hub to the buy token.
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(1_000), raw(1_000)), cp(2, "A", "H", raw(1_000), raw(1_000)),
            cp(3, "H", "B", raw(100_000), raw(100_000)),
        ]
        let amount = raw(400)
        let route = try Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools)
        // By symmetry the optimum splits the input evenly and sends the hub's sum through the deep pool.
        let half = out(pools[0], "A", "H", amount / 2)
        let optimum = out(pools[2], "H", "B", half + half)
        #expect(best(route, beats: optimum))
        let singlePath = out(pools[2], "H", "B", out(pools[0], "A", "H", amount))
        #expect(route.amountOut > singlePath)
        #expect(route.steps?.count == 3)
        #expect(replaySteps(route, pools) == route.amountOut)
        #expect(route.legs.reduce(UInt256.zero) { $0 + $1.amountIn } == amount)
        #expect(route.legs.reduce(UInt256.zero) { $0 + $1.amountOut } == route.amountOut)
    }

    @Test func hubOutputSplitsOverParallelPools() throws {
        // The mirror case: one deep pool into the hub, the hub's amount split over two equal pools.
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(100_000), raw(100_000)),
            cp(2, "H", "B", raw(1_000), raw(1_000)), cp(3, "H", "B", raw(1_000), raw(1_000)),
        ]
        let amount = raw(400)
        let route = try Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools)
        let hub = out(pools[0], "A", "H", amount)
        let optimum = out(pools[1], "H", "B", hub / 2) + out(pools[2], "H", "B", hub - hub / 2)
        #expect(best(route, beats: optimum))
        #expect(route.steps?.count == 3)
        #expect(replaySteps(route, pools) == route.amountOut)
    }

    @Test func symmetricHubsShareTheInputEvenly() throws {
        // Two hubs, each reached by two equal pools and left by one: four equal quarters.
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(2_000), raw(2_000)), cp(2, "A", "H", raw(2_000), raw(2_000)),
            cp(3, "A", "G", raw(2_000), raw(2_000)), cp(4, "A", "G", raw(2_000), raw(2_000)),
            cp(5, "H", "B", raw(50_000), raw(50_000)), cp(6, "G", "B", raw(50_000), raw(50_000)),
        ]
        let amount = raw(1_000)
        let route = try Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools)
        let quarter = out(pools[0], "A", "H", amount / 4)
        let optimum = out(pools[4], "H", "B", quarter * 2) * 2
        #expect(best(route, beats: optimum))
        #expect(route.steps?.count == 6)
        #expect(replaySteps(route, pools) == route.amountOut)
    }

    @Test func stepsThatDoNotPayForTheirGasAreLeftOut() throws {
        // The second pool into the hub adds a little; at a high gas price a second step costs more.
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(1_000_000), raw(1_000_000)), cp(2, "A", "H", raw(1_000_000), raw(1_000_000)),
            cp(3, "H", "B", raw(1_000_000), raw(1_000_000)),
        ]
        let free = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools)
        #expect(free.steps?.count == 3)
        let costly = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools,
                                      options: RouteOptions(gasPriceWei: UInt256(1_000_000_000_000), outputPerNativeWei: 1))
        #expect(costly.steps == nil)
        #expect(costly.legs.count == 1)
    }

    /// EOA mode: a step spending the hub token it bought needs the hub approved for the router, an
    /// approval plain legs do not need. The step route's gas carries it, and the router weighs it.
    @Test func eoaStepRoutesPayForApprovingTheTokensTheyBuyAndSpend() throws {
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(1_000_000), raw(1_000_000)), cp(2, "A", "H", raw(1_000_000), raw(1_000_000)),
            cp(3, "H", "B", raw(1_000_000), raw(1_000_000)),
        ]
        let router = poolAddress(99)
        var eoa = RouteOptions()
        eoa.approvalGas = 45_900
        eoa.spenders = Dictionary(uniqueKeysWithValues: pools.map { ($0.address, router) })
        let vault = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools)
        let free = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools, options: eoa)
        let steps = try #require(free.steps)
        #expect(Router.extraApprovals(steps, sell: "A", spenders: eoa.spenders) == 1)
        #expect(free.gas == vault.gas + 45_900)

        // Priced so that the second pool into the hub pays for its step but not for the approval too.
        let single = out(pools[2], "H", "B", out(pools[0], "A", "H", raw(100)))
        let gain = (vault.amountOut - single).doubleValue
        let perGas = gain / (Double(pools[0].swapGas(.vault)) + 45_900 * 0.5)
        var priced = RouteOptions(gasPriceWei: 1, outputPerNativeWei: perGas)
        let withoutApprovals = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools, options: priced)
        #expect(withoutApprovals.steps != nil)
        priced.approvalGas = 45_900
        priced.spenders = eoa.spenders
        let withApprovals = try Router.route(sell: "A", buy: "B", amountIn: raw(100), pools: pools, options: priced)
        #expect(withApprovals.steps == nil)
        #expect(withApprovals.legs.count == 1)
    }

    @Test func stepRouteJSONRoundTripsAndListsSteps() throws {
        let pools: [any Pool] = try [
            cp(1, "A", "H", raw(1_000), raw(1_000)), cp(2, "A", "H", raw(1_000), raw(1_000)),
            cp(3, "H", "B", raw(100_000), raw(100_000)),
        ]
        let route = try Router.route(sell: "A", buy: "B", amountIn: raw(400), pools: pools)
        let json = try JSONEncoder().encode(route)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"steps\""))
        #expect(try JSONDecoder().decode(Route.self, from: json) == route)
        // A plain split has no steps key.
        let plain = try Router.route(sell: "A", buy: "H", amountIn: raw(10), pools: pools)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("\"steps\""))
    }

    /// A random network of 5–15 pools: direct pairs, two hubs, a hub-to-hub pool, constant-product
    /// and power-curve (non-closed-form) pools, prices consistent across pools.
    static func network(seed: UInt64) throws -> (pools: [any Pool], amount: UInt256) {
        var rng = SeededRandom(seed: seed)
        let price: [String: Double] = ["A": 1, "B": 2, "H": 0.5, "G": 4]
        let pairs = [("A", "B"), ("A", "H"), ("A", "G"), ("H", "B"), ("G", "B"), ("H", "G")]
        var pools: [any Pool] = []
        let count = Int.random(in: 5...15, using: &rng)
        for n in 0..<count {
            let (a, b) = n < pairs.count ? pairs[n] : pairs.randomElement(using: &rng)!
            let depth = Double.random(in: 200...20_000, using: &rng)
            let ra = raw(depth / price[a]!), rb = raw(depth / price[b]!)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                pools.append(PowerPool(address: poolAddress(100 + n), tokens: [a, b], reserves: [ra, rb]))
            } else {
                pools.append(try cp(100 + n, a, b, ra, rb, feeBps: [5, 30, 100].randomElement(using: &rng)!))
            }
        }
        return (pools, raw(Double.random(in: 10...3_000, using: &rng)))
    }

    @Test func stepsConserveTokensAndReplayToAmountOut() async {
        await propertyCheck(count: 60, input: Gen<UInt64>.value(in: 1...UInt64.max / 2)) { seed in
            let (pools, amount) = try Self.network(seed: seed)
            guard let route = try? Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools) else {
                Issue.record("no route for seed \(seed)")
                return
            }
            #expect(replaySteps(route, pools) == route.amountOut, "seed \(seed)")
            #expect(route.legs.reduce(UInt256.zero) { $0 + $1.amountIn } == amount, "seed \(seed)")
            #expect(route.legs.reduce(UInt256.zero) { $0 + $1.amountOut } == route.amountOut, "seed \(seed)")
            // Never below the split over pool-disjoint paths, nor below the best single path.
            let split = try? Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools, options: RouteOptions(flowNetwork: false))
            #expect(route.amountOut >= split?.amountOut ?? .zero, "seed \(seed)")
            let graph = PoolGraph(pools: pools)
            for path in graph.paths(from: "A", to: "B", maxHops: 3) {
                if let outs = graph.quote(path, amountIn: amount), let last = outs.last { #expect(route.amountOut >= last, "seed \(seed)") }
            }
        }
    }
}
