import EthCore
import Execution
import Foundation
import Market
import Routing
import Strategy
import TestOracles

/// Route quality against oracles that share no code with the router (greedy 0.01 % slices in exact
/// integers over Uniswap V2's published formula; for networks with hubs, the dual bound of the flow
/// problem) and against Uniswap-style 5 % splitting, and the time to route across 50 parallel pools
/// and to plan a 10-token rebalance on a 200-pool graph.
enum RoutingBench {
    typealias Rng = SeededRandom

    static func addr(_ n: Int) -> Address {
        var b = [UInt8](repeating: 0, count: 20)
        b[16] = UInt8((n >> 24) & 0xff); b[17] = UInt8((n >> 16) & 0xff); b[18] = UInt8((n >> 8) & 0xff); b[19] = UInt8(n & 0xff)
        return Address(bytes: b)!
    }

    static let e18 = UInt256(decimal: "1000000000000000000")!

    /// 50 A/B pools: prices within ±1 %, depths from thin to deep, fees 0.05–1 %.
    static func parallelPools(_ n: Int, _ rng: inout Rng) throws -> [ConstantProductPool] {
        try (0..<n).map { k in
            let depth = Double.random(in: 50...5000, using: &rng)
            let price = 3000 * Double.random(in: 0.99...1.01, using: &rng)
            let fee = [5, 30, 30, 30, 100].randomElement(using: &rng)!
            return try ConstantProductPool(address: addr(1000 + k), tokens: ["A", "B"],
                                       reserves: [UInt256(truncating: depth * 1e18)!, UInt256(truncating: depth * price * 1e6)!],
                                       feeBps: UInt64(fee))
        }
    }

    /// Uniswap's router style: the amount in 5 % slices, each slice to the pool that pays most for it.
    static func fivePercentSteps(_ pools: [ConstantProductPool], _ amount: UInt256) -> UInt256 {
        var state = pools
        var total = UInt256.zero
        let slice = amount / 20
        for k in 0..<20 {
            let x = k == 19 ? amount - slice * 19 : slice
            var best = 0, bestOut = UInt256.zero
            for (i, p) in state.enumerated() { if let o = p.amountOut(x, from: 0, to: 1), o > bestOut { best = i; bestOut = o } }
            state[best] = state[best].applyingSwap(amountIn: x, amountOut: bestOut, from: 0, to: 1)!
            total += bestOut
        }
        return total
    }

    static func run(seconds: Double, targets: inout [Target]) throws -> [Row] {
        var rows: [Row] = []
        var rng = Rng(seed: 2026)
        var worst = Double.infinity, best = 0.0, worstVsFive = Double.infinity
        let instances = 50
        var routed = 0
        var timed: [any Pool] = []
        var timedAmount = UInt256.zero
        for k in 0..<instances {
            let pools = try parallelPools(50, &rng)
            let amount = UInt256(truncating: Double.random(in: 10...2000, using: &rng) * 1e18)!
            let quotes = pools.map { GreedySplitOracle.uniswapV2Out(reserveIn: $0.reserves[0], reserveOut: $0.reserves[1], feeBps: $0.feeBps) }
            guard let route = must(try? Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools), "route, instance \(k)"),
                  let oracle = must(GreedySplitOracle.split(amount, across: quotes), "greedy oracle, instance \(k)") else { continue }
            routed += 1
            let ratio = route.amountOut.doubleValue / oracle.amountOut.doubleValue
            worst = min(worst, ratio)
            best = max(best, ratio)
            worstVsFive = min(worstVsFive, route.amountOut.doubleValue / fivePercentSteps(pools, amount).doubleValue)
            if k == 0 { timed = pools; timedAmount = amount }
        }
        let quality = routed == instances ? String(format: "%.7f–%.7f %%", worst * 100, best * 100) : "\(instances - routed) failed"
        rows.append(Row(name: "50-pool split: output / greedy 0.01 % oracle, worst–best of \(instances)", value: quality,
                        reference: "target worst ≥ 99.99 %"))
        targets.append(Target(name: "50-pool split vs greedy 0.01 % oracle (worst of \(instances))", measured: quality, goal: "≥ 99.99 %",
                              met: routed == instances && worst >= 0.9999))
        rows.append(Row(name: "50-pool split: worst output / 5 %-step splitting", value: String(format: "%.4f", worstVsFive),
                        reference: "≥ 1 is better"))
        let graph = PoolGraph(pools: timed)
        let t = bestSeconds(repeats: 50) {
            if let route = must(try? Router.route(sell: "A", buy: "B", amountIn: timedAmount, graph: graph), "timed route") { fold(route.amountOut) }
        }
        rows.append(Row(name: "route across 50 parallel pools (ms)", value: String(format: "%.3f", t * 1000), reference: "target < 1 ms",
                        ratio: String(format: "%.0fx under", 1e-3 / t)))
        targets.append(Target(name: "route across 50 parallel pools", measured: String(format: "%.3f ms", t * 1000), goal: "< 1 ms", met: t < 1e-3))

        try networkRows(&rows, &targets)

        var marketRng = rng
        var withV3Rng = rng
        guard let tp = try planRow(&rows, &targets, market: try tenTokenMarket(&marketRng), name: "plan a 10-token rebalance on 200 pools")
        else { return rows }
        let v3Market = try tenTokenMarket(&withV3Rng, concentrated: true)
        _ = try planRow(&rows, &targets, market: v3Market, name: "plan a 10-token rebalance on 200 pools, 60 of them V3",
                        reference: tp)
        _ = seconds
        return rows
    }

    /// Times planning (strategy and routing) on `market`; `reference`: the plain 200-pool plan's
    /// time in this run, for the ratio. Returns the time, or nil (a failure) when it plans nothing.
    static func planRow(_ rows: inout [Row], _ targets: inout [Target], market: (PortfolioConfig, MarketView), name: String,
                        reference: Double? = nil) throws -> Double? {
        let (portfolio, market) = market
        // Timed only when it plans: a failing plan (fast or slow) is a failure, not a number.
        func plan() -> TradePlan? {
            guard let outcome = must(try? Strategist.evaluate(portfolio: portfolio, market: market, now: market.blockTimestamp), "strategy"),
                  let plan = must(try? RebalancePlanner.plan(outcome: outcome, market: market, policy: portfolio.policy), "plan") else { return nil }
            return plan
        }
        guard let first = plan(), !first.routes.isEmpty else {
            failures.append("\(name): planned no routes")
            return nil
        }
        let tp = bestSeconds(repeats: 5) {
            if let p = plan() { fold(p.routes.count); fold(p.routes.first?.amountOut ?? .zero) }
        }
        if reference == nil {
            let te = bestSeconds(repeats: 5) {
                if let outcome = must(try? Strategist.evaluate(portfolio: portfolio, market: market, now: market.blockTimestamp), "strategy") {
                    fold(outcome.trades.intents.count)
                }
            }
            rows.append(Row(name: "  of which strategy (valuation, drift, guards, trades) (ms)", value: String(format: "%.2f", te * 1000)))
        }
        let v3Pools = Set(market.pools.filter { $0.kind == .concentratedLiquidity }.map(\.address))
        let v3Swaps = first.routes.flatMap(\.swaps).filter { v3Pools.contains($0.pool) }.count
        let through = v3Pools.isEmpty ? "" : ", \(v3Swaps) swaps through V3"
        rows.append(Row(name: "\(name) (ms, \(first.routes.count) routes\(through))", value: String(format: "%.2f", tp * 1000),
                        reference: reference.map { String(format: "without V3 %.2f ms; target < 20 ms", $0 * 1000) } ?? "target < 20 ms",
                        ratio: reference.map { String(format: "%.2f× the pools without V3", tp / $0) } ?? String(format: "%.0fx under", 20e-3 / tp)))
        targets.append(Target(name: name, measured: String(format: "%.2f ms", tp * 1000), goal: "< 20 ms", met: tp < 20e-3))
        if !v3Pools.isEmpty && v3Swaps == 0 { failures.append("\(name): no route went through a V3 pool") }
        return tp
    }

    /// The 10-token plan of `run` on the same market (the generator replayed to where `run` draws
    /// it), `times` times and nothing else: what a profiler should see.
    static func profilePlan(times: Int) throws {
        var rng = Rng(seed: 2026)
        for _ in 0..<50 {
            _ = try parallelPools(50, &rng)
            _ = Double.random(in: 10...2000, using: &rng)
        }
        let (portfolio, market) = try tenTokenMarket(&rng)
        for _ in 0..<times {
            guard let outcome = must(try? Strategist.evaluate(portfolio: portfolio, market: market, now: market.blockTimestamp), "strategy"),
                  let plan = must(try? RebalancePlanner.plan(outcome: outcome, market: market, policy: portfolio.policy), "plan") else { return }
            fold(plan.routes.count)
            fold(plan.routes.first?.amountOut ?? .zero)
        }
    }

    /// Ten tokens priced 1…5000 USDC, 200 pools (mostly pairs, some weighted) over random pairs,
    /// and a portfolio far from its targets. `concentrated`: 60 of the pairs (three in ten, among
    /// them USDC's pairs with DAI, AAVE and SNX) are Uniswap V3 pools instead, of about the same depth.
    static func tenTokenMarket(_ rng: inout Rng, concentrated: Bool = false) throws -> (PortfolioConfig, MarketView) {
        let symbols = ["USDC", "WETH", "WBTC", "DAI", "LINK", "UNI", "AAVE", "MKR", "CRV", "SNX"]
        let prices: [Double] = [1, 3000, 60000, 1, 15, 8, 90, 1500, 0.5, 2.5]
        let decimals = [6, 18, 8, 18, 18, 18, 18, 18, 18, 18]
        let tokens = symbols.indices.map { Token(symbol: symbols[$0], address: addr(10 + $0), decimals: decimals[$0]) }
        func raw(_ i: Int, value: Double) -> UInt256 { UInt256(truncating: value / prices[i] * pow10(decimals[i]))! }
        var pools: [any Pool] = []
        for k in 0..<200 {
            let i = k < 9 ? 0 : Int.random(in: 0..<10, using: &rng)
            var j = k < 9 ? k + 1 : Int.random(in: 0..<10, using: &rng)
            if j == i { j = (i + 1) % 10 }
            let depth = Double.random(in: 200_000...20_000_000, using: &rng)
            let skew = Double.random(in: 0.998...1.002, using: &rng)
            if concentrated && [2, 5, 8].contains(k % 10) {
                let rawPerUSD = (pow10(decimals[i]) / prices[i], pow10(decimals[j]) / prices[j])
                guard let pool = concentratedPool(k, symbols[i], symbols[j], rawPerUSD: rawPerUSD, depth: depth, skew: skew, &rng) else {
                    failures.append("bench: V3 pool \(k) could not be built")
                    continue
                }
                pools.append(pool)
            } else if k % 10 == 9 {
                let w = UInt256(5) * e18 / 10
                pools.append(try WeightedPool(address: addr(5000 + k), poolId: [UInt8](repeating: UInt8(k % 256), count: 32),
                                          tokens: [symbols[i], symbols[j]], decimals: [decimals[i], decimals[j]],
                                          balances: [raw(i, value: depth), raw(j, value: depth * skew)], weights: [w, w],
                                          swapFee: UInt256(3) * e18 / 1000))
            } else {
                pools.append(try ConstantProductPool(address: addr(5000 + k), tokens: [symbols[i], symbols[j]],
                                                 reserves: [raw(i, value: depth), raw(j, value: depth * skew)]))
            }
        }
        let held = [0.02, 0.30, 0.02, 0.10, 0.15, 0.01, 0.10, 0.05, 0.20, 0.05]
        var balances: [String: UInt256] = [:]
        for i in symbols.indices { balances[symbols[i]] = raw(i, value: 1_000_000 * held[i]) }
        var policy = Policy()
        policy.maxPoolDisagreementBps = 1000
        let portfolio = PortfolioConfig(network: "bench", mode: .vault, operator: addr(1), vault: addr(2), quoteToken: "USDC",
                                        targets: symbols.map { TargetWeight(token: $0, percent: 10) }, policy: policy)
        let market = MarketView(tokens: tokens, balances: balances, pools: pools, blockNumber: 1, blockTimestamp: 1_764_000_000,
                                gasPriceWei: 20_000_000_000, wrappedNative: "WETH")
        return (portfolio, market)
    }

    /// A V3 pool between tokens i and j at their reference prices (skewed by `skew`), holding about
    /// `depth` USDC of each side near the price: a base position three bitmap words either side and
    /// ten narrow ones around the price (initialized ticks a large trade crosses), fee 0.05 % or 0.3 %.
    static func concentratedPool(_ n: Int, _ a: String, _ b: String, rawPerUSD: (Double, Double), depth: Double, skew: Double,
                                 _ rng: inout Rng) -> ConcentratedLiquidityPool? {
        let (fee, spacing): (UInt32, Int) = Bool.random(using: &rng) ? (500, 10) : (3000, 60)
        let price = rawPerUSD.1 / rawPerUSD.0 * skew               // raw b per raw a
        let tick = Int((log(price) / log(1.0001)).rounded(.down))
        guard let sqrtPrice = TickMath.sqrtRatio(atTick: tick) else { return nil }
        // Liquidity L holds about L/√P of token0 and L·√P of token1 per unit of √P range: sized so
        // that ±1 % around the price holds `depth` / 10 USDC.
        let sp = sqrt(price)
        let baseL = depth / 10 * rawPerUSD.1 / (sp * 0.005)
        var net: [Int: Double] = [:]
        var active = 0.0
        func position(_ lower: Int, _ upper: Int, _ l: Double) {
            net[lower, default: 0] += l
            net[upper, default: 0] -= l
            if lower <= tick && tick < upper { active += l }
        }
        let center = Int((Double(tick) / Double(spacing)).rounded(.down)) * spacing   // in the tick's own word
        let word = 256 * spacing
        position(center - 3 * word, center + 3 * word, baseL * 0.5)
        for _ in 0..<10 {
            let lower = center + Int.random(in: -40...40, using: &rng) * spacing
            position(lower, lower + Int.random(in: 1...20, using: &rng) * spacing, baseL * Double.random(in: 0.05...0.15, using: &rng))
        }
        let ticks = net.keys.sorted().compactMap { t -> ConcentratedLiquidityPool.Tick? in
            let v = net[t] ?? 0
            guard v != 0, let magnitude = UInt256(truncating: abs(v).rounded(.down)) else { return nil }
            return .init(index: t, liquidityNet: v < 0 ? Int256(bitPattern: UInt256.zero &- magnitude) : Int256(bitPattern: magnitude))
        }
        guard let liquidity = UInt256(truncating: active.rounded(.down)) else { return nil }
        return try? ConcentratedLiquidityPool(address: addr(5000 + n), tokens: [a, b], fee: fee, tickSpacing: spacing, sqrtPriceX96: sqrtPrice,
                                         tick: tick, liquidity: liquidity, ticks: ticks,
                                         window: .words(around: tick, spacing: spacing, radius: 3), dex: "uniswap-v3")
    }

    /// Generated networks of 5–15 pools between the sell token A, the buy token B and two hubs H and
    /// G (direct pairs, both hubs, a hub-to-hub pool; constant-product and 50/50 or 80/20 weighted
    /// pools; prices consistent across pools), each routed with and without the flow network and
    /// compared with the independent dual bound.
    static func networkRows(_ rows: inout [Row], _ targets: inout [Target]) throws {
        var rng = Rng(seed: 1313)
        let price: [String: Double] = ["A": 3000, "B": 1, "H": 1, "G": 60000]
        let decimals: [String: Int] = ["A": 18, "B": 6, "H": 18, "G": 8]
        let pairs = [("A", "H"), ("H", "B"), ("A", "G"), ("G", "B"), ("A", "B"), ("H", "G")]
        var flowRatios: [Double] = [], splitRatios: [Double] = []
        var failed = 0
        let instances = 60
        for k in 0..<instances {
            var pools: [any Pool] = []
            var oraclePools: [NetworkFlowOracle.Pool] = []
            let count = Int.random(in: 5...15, using: &rng)
            for n in 0..<count {
                let (a, b) = n < 4 ? pairs[n] : pairs.randomElement(using: &rng)!
                let depth = Double.random(in: 100_000...10_000_000, using: &rng)
                let ra = depth / price[a]! * pow10(decimals[a]!), rb = depth / price[b]! * pow10(decimals[b]!)
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    let heavy = Bool.random(using: &rng) ? 0.8 : 0.5
                    let wa = UInt256(truncating: heavy * 1e18)!, wb = e18 - wa
                    let fee = UInt256(3) * e18 / 1000
                    // Weighted balances hold value in proportion to their weights.
                    let ba = ra * heavy * 2, bb = rb * (1 - heavy) * 2
                    pools.append(try WeightedPool(address: addr(90_000 + n), poolId: [UInt8](repeating: UInt8(n), count: 32),
                                              tokens: [a, b], decimals: [decimals[a]!, decimals[b]!],
                                              balances: [UInt256(truncating: ba)!, UInt256(truncating: bb)!], weights: [wa, wb],
                                              swapFee: fee))
                    oraclePools.append(.init(tokens: [a, b], curve: .weighted(balances: [ba, bb], weights: [heavy, 1 - heavy], gamma: 0.997)))
                } else {
                    let fee = [UInt64(5), 30, 30, 100].randomElement(using: &rng)!
                    pools.append(try ConstantProductPool(address: addr(90_000 + n), tokens: [a, b],
                                                     reserves: [UInt256(truncating: ra)!, UInt256(truncating: rb)!], feeBps: fee))
                    oraclePools.append(.init(tokens: [a, b], curve: .constantProduct(reserves: [ra, rb], gamma: 1 - Double(fee) / 10_000)))
                }
            }
            let amount = UInt256(truncating: Double.random(in: 20...2_000, using: &rng) * 1e18)!
            guard let flow = must(try? Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools), "network route \(k)"),
                  let split = must(try? Router.route(sell: "A", buy: "B", amountIn: amount, pools: pools,
                                                     options: RouteOptions(flowNetwork: false)), "split route \(k)"),
                  let bound = must(NetworkFlowOracle.bound(sell: "A", buy: "B", amount: amount.doubleValue, pools: oraclePools),
                                   "flow oracle \(k)") else { failed += 1; continue }
            flowRatios.append(flow.amountOut.doubleValue / bound)
            splitRatios.append(split.amountOut.doubleValue / bound)
        }
        func summary(_ xs: [Double]) -> (worst: Double, median: Double) {
            let sorted = xs.sorted()
            return (sorted.first ?? 0, sorted.isEmpty ? 0 : sorted[sorted.count / 2])
        }
        let f = summary(flowRatios), p = summary(splitRatios)
        let text = { (s: (worst: Double, median: Double)) in String(format: "worst %.5f %%, median %.5f %%", s.worst * 100, s.median * 100) }
        rows.append(Row(name: "networks of 5–15 pools: flow route / dual bound (\(instances), hubs, weighted)",
                        value: failed == 0 ? text(f) : "\(failed) failed", reference: "target worst ≥ 99.99 %"))
        rows.append(Row(name: "  the same, split over pool-disjoint paths only (before issue 13)", value: text(p)))
        targets.append(Target(name: "network routes vs dual bound (worst of \(instances))", measured: text(f), goal: "worst ≥ 99.99 %",
                              met: failed == 0 && f.worst >= 0.9999))
    }
}
