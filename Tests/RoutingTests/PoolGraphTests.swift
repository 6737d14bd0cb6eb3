import EthCore
import Market
import Testing
@testable import Routing
import TestOracles

@Suite struct PoolGraphTests {
    @Test func findsAPathOnlyReachableThroughTwoHops() throws {
        let pools: [any Pool] = [
            try cp(1, "WETH", "USDC", raw(1_000), raw(3_000_000, decimals: 6)),
            try cp(2, "USDC", "LINK", raw(2_000_000, decimals: 6), raw(100_000)),
            try cp(3, "DAI", "USDT", raw(1_000_000), raw(1_000_000, decimals: 6)),
        ]
        let route = try Router.route(sell: "WETH", buy: "LINK", amountIn: raw(1), pools: pools)
        #expect(route.legs.count == 1)
        #expect(route.legs[0].path == ["WETH", "USDC", "LINK"])
        #expect(route.legs[0].pools == [poolAddress(1), poolAddress(2)])
        #expect(route.legs[0].hops.count == 2)
        #expect(route.legs[0].hops[0].amountOut == route.legs[0].hops[1].amountIn)
        // One hop is not enough.
        #expect(throws: RoutingError.noPath(sell: "WETH", buy: "LINK", maxHops: 1)) {
            try Router.route(sell: "WETH", buy: "LINK", amountIn: raw(1), pools: pools, options: RouteOptions(maxHops: 1))
        }
    }

    @Test func pathsVisitNoTokenTwiceAndUseNoPoolTwice() throws {
        // A three-token pool could serve A→B and then B→C; the graph must not reuse it.
        let triple = PowerPool(address: poolAddress(9), tokens: ["A", "B", "C"], reserves: [raw(1), raw(1), raw(1)])
        let pools: [any Pool] = [
            try cp(1, "A", "B", raw(10), raw(10)), try cp(2, "B", "C", raw(10), raw(10)), try cp(3, "A", "C", raw(10), raw(10)),
            try cp(4, "C", "D", raw(10), raw(10)), try cp(5, "B", "D", raw(10), raw(10)), try cp(6, "A", "B", raw(20), raw(20)), triple,
        ]
        let graph = PoolGraph(pools: pools)
        let paths = graph.paths(from: "A", to: "D", maxHops: 3)
        #expect(!paths.isEmpty)
        for p in paths {
            #expect(Set(p.symbols).count == p.symbols.count)
            #expect(Set(p.poolIndices).count == p.poolIndices.count)
            #expect(p.symbols.first == "A" && p.symbols.last == "D")
            #expect(p.hops.count <= 3)
            for (k, h) in p.hops.enumerated() {
                #expect(pools[h.pool].tokens[h.tokenIn] == p.symbols[k])
                #expect(pools[h.pool].tokens[h.tokenOut] == p.symbols[k + 1])
            }
        }
        // Exactly the simple paths a naive enumeration over pool sequences finds.
        #expect(paths.count == bruteForcePathCount(pools, from: "A", to: "D", maxHops: 3))
        #expect(graph.paths(from: "A", to: "D", maxHops: 1).isEmpty)
        #expect(graph.paths(from: "A", to: "A", maxHops: 3).isEmpty)
    }

    /// Enumerates hop sequences naively and keeps the simple ones.
    func bruteForcePathCount(_ pools: [any Pool], from: String, to: String, maxHops: Int) -> Int {
        var count = 0
        func go(_ at: String, _ seenTokens: [String], _ seenPools: [Int]) {
            if at == to { count += 1; return }
            if seenPools.count == maxHops { return }
            for (p, pool) in pools.enumerated() where !seenPools.contains(p) {
                guard pool.tokens.contains(at) else { continue }
                for next in Set(pool.tokens) where next != at && !seenTokens.contains(next) {
                    go(next, seenTokens + [next], seenPools + [p])
                }
            }
        }
        go(from, [from], [])
        return count
    }

    @Test func candidatesAreCappedAndRankedByQuickQuote() throws {
        var rng = SeededRandom(seed: 3)
        let tokens = (0..<20).map { "T\($0)" }
        var pools: [any Pool] = []
        for n in 0..<200 {
            let a = Int.random(in: 0..<20, using: &rng)
            var b = Int.random(in: 0..<19, using: &rng)
            if b >= a { b += 1 }
            pools.append(try cp(n, tokens[a], tokens[b], raw(Double.random(in: 10...10_000, using: &rng)), raw(Double.random(in: 10...10_000, using: &rng))))
        }
        let graph = PoolGraph(pools: pools)
        let all = graph.paths(from: "T0", to: "T1", maxHops: 3)
        let capped = graph.candidatePaths(from: "T0", to: "T1", amountIn: 1e18, maxHops: 3, maxPaths: 16)
        #expect(all.count > 16)
        #expect(capped.count == 16)
        let quotes = capped.map { graph.approximateOut($0, amountIn: 1e18) }
        #expect(quotes == quotes.sorted(by: >))
        let best = all.map { graph.approximateOut($0, amountIn: 1e18) }.max() ?? 0
        #expect(quotes.first == best)
    }

    /// Scoring during the walk gives exactly what enumerating every path and ranking them gives:
    /// the same paths, in the same order (equal quotes in enumeration order), on dense graphs of
    /// pairs and weighted pools, with tied pools and inputs beyond some pools' limits.
    @Test func candidatesEqualEveryPathRankedByItsQuote() throws {
        for seed: UInt64 in 1...12 {
            var rng = SeededRandom(seed: seed)
            let tokens = (0..<8).map { "T\($0)" }
            var pools: [any Pool] = []
            for n in 0..<60 {
                let a = Int.random(in: 0..<8, using: &rng)
                var b = Int.random(in: 0..<7, using: &rng)
                if b >= a { b += 1 }
                let ra = raw(Double(Int.random(in: 1...50, using: &rng)) * 100), rb = raw(Double(Int.random(in: 1...50, using: &rng)) * 100)
                if n % 5 == 4 {
                    pools.append(PowerPool(address: poolAddress(n), tokens: [tokens[a], tokens[b]], reserves: [ra, rb]))
                } else {
                    pools.append(try cp(n, tokens[a], tokens[b], ra, rb))
                }
            }
            let graph = PoolGraph(pools: pools)
            for amount in [1e15, 1e21, 1e24] {
                let all = graph.paths(from: "T0", to: "T1", maxHops: 3)
                var scored: [(path: SwapPath, score: Double)] = []
                for path in all {
                    guard let first = path.hops.first else { continue }
                    let cap = pools[first.pool].maxAmountIn(from: first.tokenIn, to: first.tokenOut).doubleValue
                    let score = graph.approximateOut(path, amountIn: min(amount, cap))
                    if score > 0, score.isFinite { scored.append((path, score)) }
                }
                let ranked = scored.enumerated().sorted { a, b in
                    a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
                }.map(\.element.path)
                for maxPaths in [1, 7, 64, 10_000] {
                    let candidates = graph.candidatePaths(from: "T0", to: "T1", amountIn: amount, maxHops: 3, maxPaths: maxPaths)
                    #expect(candidates == Array(ranked.prefix(maxPaths)), "seed \(seed), amount \(amount), maxPaths \(maxPaths)")
                }
            }
        }
    }
}

@Suite struct DenseGraphTests {
    @Test func enumerationLimitKeepsEveryShortPath() throws {
        // 5 tokens, 200 pools: more three-hop paths than a small limit.
        let tokens = ["A", "B", "C", "D", "E"]
        var pools: [any Pool] = []
        for n in 0..<200 {
            let a = n % 5, b = (n / 5 + a + 1) % 5
            pools.append(try cp(n, tokens[a], tokens[b == a ? (a + 1) % 5 : b], raw(100), raw(100)))
        }
        let graph = PoolGraph(pools: pools)
        let paths = graph.paths(from: "A", to: "B", maxHops: 3, limit: 100)
        #expect(paths.count == 100)
        let direct = pools.filter { Set($0.tokens) == ["A", "B"] }.count
        let twoHop = graph.paths(from: "A", to: "B", maxHops: 2).count - direct
        #expect(direct > 0 && twoHop > 0)
        #expect(paths.filter { $0.hops.count == 1 }.count == direct)
        #expect(paths.filter { $0.hops.count == 2 }.count == twoHop)
        #expect(paths.map(\.hops.count) == paths.map(\.hops.count).sorted())
    }

    @Test func multiHopPathsUseOnlyTheDeepestPoolsPerPair() throws {
        // A–B direct through 6 pools; A–C and C–B through 6 pools each, of growing depth.
        var pools: [any Pool] = []
        for n in 0..<6 {
            pools.append(try cp(n, "A", "B", raw(100), raw(100)))
            pools.append(try cp(10 + n, "A", "C", raw(100 + Double(n)), raw(100)))
            pools.append(try cp(20 + n, "C", "B", raw(100 + Double(n)), raw(100)))
        }
        let graph = PoolGraph(pools: pools)
        let paths = graph.paths(from: "A", to: "B", maxHops: 2)
        let k = PoolGraph.deepestPoolsPerPair
        #expect(paths.filter { $0.hops.count == 1 }.count == 6)
        #expect(paths.filter { $0.hops.count == 2 }.count == k * k)
        // Only the deepest k of each pair appear in two-hop paths.
        let used = Set(paths.filter { $0.hops.count == 2 }.flatMap { $0.hops.map(\.pool) })
        let deepest = Set((6 - k..<6).flatMap { n in [pools.firstIndex { $0.address == poolAddress(10 + n) }!,
                                                     pools.firstIndex { $0.address == poolAddress(20 + n) }!] })
        #expect(used == deepest)
    }
}
