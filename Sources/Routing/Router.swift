import EthCore
import Market

/// Finds the route that sells a given amount for the most output net of gas, from candidate paths
/// up to `maxHops`, in two ways, and keeps the better one exactly:
/// - a split across pool-disjoint paths at equal marginal rates (closed form when every path is
///   constant-product, a search on the marginal rate otherwise), legs added while they pay for
///   their gas, every leg recomputed exactly with the pools' integer math;
/// - when candidate paths share pools: the optimal flow over all their pools at once
///   (`FlowSolver`; a shared pool priced once for its total, a hub's amount split over several
///   pools), made into exact ordered steps (`ExactSteps`), edges dropped while they do not pay
///   for their gas.
/// Never below the best single path, nor below the split.
public enum Router {
    public static func route(
        sell: String, buy: String, amountIn: UInt256, pools: [any Pool], options: RouteOptions = RouteOptions()
    ) throws(RoutingError) -> Route {
        try route(sell: sell, buy: buy, amountIn: amountIn, graph: PoolGraph(pools: pools), options: options)
    }

    /// The same, over a graph built once (cheaper when routing several trades over one snapshot).
    public static func route(
        sell: String, buy: String, amountIn: UInt256, graph: PoolGraph, options: RouteOptions = RouteOptions()
    ) throws(RoutingError) -> Route {
        let options = try options.validated()
        guard graph.contains(sell) else { throw .unknownToken(argument: "sell", symbol: sell) }
        guard graph.contains(buy) else { throw .unknownToken(argument: "buy", symbol: buy) }
        guard sell != buy else { throw .sameToken(sell) }
        guard !amountIn.isZero else { throw .zeroAmount }

        let amount = amountIn.doubleValue
        let paths = graph.candidatePaths(
            from: sell, to: buy, amountIn: amount, maxHops: options.maxHops, maxPaths: options.maxCandidatePaths)
        if paths.isEmpty {
            if graph.paths(from: sell, to: buy, maxHops: options.maxHops, limit: 1).isEmpty {
                throw .noPath(sell: sell, buy: buy, maxHops: options.maxHops)
            }
            throw .noLiquidity(sell: sell, buy: buy)
        }
        let candidates = paths.map { path in
            let gas = legGas(path, graph: graph, options: options)
            return Candidate(path: path, curve: PathCurve(path: path, pools: graph.pools, gasTable: options.gasTable), gas: gas, gasValue: options.gasValue(gas),
                             valuePerGas: options.gasValue(1))
        }

        // The best single path, exactly (the route is never worse than this).
        var single: ExactLeg?
        for k in candidates.indices {
            guard let leg = ExactLeg(candidate: k, amountIn: amountIn, candidates: candidates, graph: graph) else { continue }
            if let s = single, !isBetter([leg], than: [s]) { continue }
            single = leg
        }

        var legs: [ExactLeg]?
        let planner = SplitPlanner(candidates: candidates, amount: amount, options: options)
        if let plan = planner.plan(), plan.members.count > 1 || single == nil {
            legs = exactLegs(plan, candidates: candidates, amountIn: amountIn, graph: graph)
        }
        if let s = single, legs == nil || !isBetter(legs ?? [], than: [s]) {
            legs = [s]
        }
        let bestSpot = candidates.map(\.curve.spotRate).max() ?? 0
        let network = options.flowNetwork ? FlowNetwork(paths: paths, graph: graph, options: options) : nil
        let steps = network.flatMap { networkSteps($0, amount: amount, amountIn: amountIn, graph: graph, options: options) }
        // EOA mode: the approvals of the tokens the steps buy and spend again count against them.
        let approvals = steps.map { exactApprovalValue($0, network: network, graph: graph, options: options) } ?? 0
        if let network, let steps, legs.map({ stepsBeat(steps, $0, approvalValue: approvals) }) ?? true {
            return stepRoute(sell: sell, buy: buy, amountIn: amountIn, exact: steps, network: network, graph: graph,
                             bestSpot: bestSpot, options: options)
        }
        guard let legs, !legs.isEmpty else { throw .amountTooLarge(sell: sell, buy: buy, amountIn: amountIn) }
        return try assemble(sell: sell, buy: buy, amountIn: amountIn, legs: legs, candidates: candidates, graph: graph, options: options)
    }

    /// Whether the steps yield more output net of gas (and of `approvalValue`, their extra
    /// approvals priced in the output token) than the legs.
    static func stepsBeat(_ steps: ExactSteps, _ legs: [ExactLeg], approvalValue: Double = 0) -> Bool {
        guard let legsOut = total(legs.map(\.amountOut)) else { return true }
        return beats(steps.amountOut, gasValue: steps.gasValue + approvalValue, legsOut, gasValue: legs.reduce(0.0) { $0 + $1.gasValue })
    }

    /// The value of the extra approvals `steps` would need, in raw units of the output token.
    static func exactApprovalValue(_ steps: ExactSteps, network: FlowNetwork?, graph: PoolGraph, options: RouteOptions) -> Double {
        guard options.approvalGas > 0, let network else { return 0 }
        let hops = routeHops(steps, network: network, graph: graph)
        return options.gasValue(approvalGas(hops, sell: graph.symbols[network.tokens[network.sell]], options: options))
    }

    // MARK: - Pieces

    struct Candidate {
        let path: SwapPath
        let curve: PathCurve
        /// Gas at the smallest amount: the leg's overhead and every hop's fixed `swapGas`.
        let gas: UInt64
        /// `gas` priced in raw units of the output token.
        let gasValue: Double
        /// One unit of gas in raw units of the output token.
        let valuePerGas: Double

        /// Gas of an input of `x`, priced: what the amount adds (V3 ticks crossed) on top of `gasValue`.
        func gasValue(at x: Double) -> Double {
            curve.gasValue(at: x, base: gasValue, valuePerGas: valuePerGas)
        }
    }

    struct ExactLeg {
        let candidate: Int
        var amountIn: UInt256
        var hopOuts: [UInt256]
        /// Exactly what these amounts cost: the overhead and each hop's gas at the amount reaching it.
        var gas: UInt64
        var gasValue: Double
        var amountOut: UInt256 { hopOuts.last ?? .zero }

        /// The candidate's path quoted hop by hop for `amountIn`; `nil` when a pool refuses.
        init?(candidate k: Int, amountIn: UInt256, candidates: [Candidate], graph: PoolGraph) {
            let c = candidates[k]
            guard let outs = graph.quote(c.path, amountIn: amountIn) else { return nil }
            var gas = c.gas
            if c.curve.gasVaries {
                var hopIn = amountIn
                for (h, hop) in c.path.hops.enumerated() {
                    let pool = graph.pools[hop.pool]
                    if pool.swapGasDependsOnAmount {
                        let exact = pool.swapGas(amountIn: hopIn, from: hop.tokenIn, to: hop.tokenOut, c.curve.gasTable)
                        let base = pool.swapGas(c.curve.gasTable)
                        gas = Router.saturatingSum(gas, exact > base ? exact - base : 0)
                    }
                    hopIn = outs[h]
                }
            }
            self.candidate = k
            self.amountIn = amountIn
            self.hopOuts = outs
            self.gas = gas
            self.gasValue = gas == c.gas ? c.gasValue : Double(gas) * c.valuePerGas
        }
    }

    static func legGas(_ path: SwapPath, graph: PoolGraph, options: RouteOptions) -> UInt64 {
        path.hops.reduce(options.legOverheadGas) { saturatingSum($0, graph.pools[$1.pool].swapGas(options.gasTable)) }
    }

    /// Whether `a` yields more output net of gas than `b`. The outputs are compared exactly, so
    /// with free gas a split must really beat the single path by at least one unit.
    static func isBetter(_ a: [ExactLeg], than b: [ExactLeg]) -> Bool {
        guard let outA = total(a.map(\.amountOut)) else { return false }
        guard let outB = total(b.map(\.amountOut)) else { return true }
        return beats(outA, gasValue: a.reduce(0.0) { $0 + $1.gasValue }, outB, gasValue: b.reduce(0.0) { $0 + $1.gasValue })
    }

    /// Whether output `a` at gas worth `gasA` is more, net, than `b` at `gasB` (gas in raw units of
    /// the output token); an exact tie is not better.
    static func beats(_ a: UInt256, gasValue gasA: Double, _ b: UInt256, gasValue gasB: Double) -> Bool {
        let gain = a >= b ? (a - b).doubleValue : -(b - a).doubleValue
        if gain == 0 && gasA == gasB { return false }
        return gain - (gasA - gasB) > 0
    }

    static func total(_ xs: [UInt256]) -> UInt256? {
        var sum = UInt256.zero
        for x in xs {
            guard let s = sum.adding(x) else { return nil }
            sum = s
        }
        return sum
    }

    /// Integer inputs from the float split: each leg gets its float input rounded down, and the
    /// remainder (or any float excess) goes to the best leg, so the inputs sum exactly to `amountIn`.
    /// Every leg is then quoted hop by hop with the pools' own integer math.
    static func exactLegs(_ plan: SplitPlanner.Plan, candidates: [Candidate], amountIn: UInt256, graph: PoolGraph) -> [ExactLeg]? {
        let n = plan.members.count
        guard n > 0 else { return nil }
        var inputs = plan.inputs.map { x -> UInt256 in
            guard !x.isNaN else { return .zero }
            return min(UInt256(truncating: max(0, x)) ?? amountIn, amountIn)
        }
        // The best leg to take the remainder: the largest one still clear of its limit.
        var receiver = 0
        var receiverSize = -1.0
        for k in 0..<n {
            let x = plan.inputs[k]
            let roomy = x < candidates[plan.members[k]].curve.maxIn * 0.999
            let size = roomy ? x : -1.0 / (1 + x)
            if size > receiverSize { receiver = k; receiverSize = size }
        }
        var allocated: UInt256? = .zero
        for x in inputs { allocated = allocated?.adding(x) }
        if let allocated, allocated <= amountIn {
            inputs[receiver] = inputs[receiver] + (amountIn - allocated)   // stays ≤ amountIn: no overflow
        } else if let allocated {
            // The floats overshot by a rounding hair: take the excess back from the largest legs.
            var excess = allocated - amountIn
            for k in (0..<n).sorted(by: { inputs[$0] > inputs[$1] }) where !excess.isZero {
                let take = min(excess, inputs[k])
                inputs[k] -= take
                excess -= take
            }
        } else {
            return nil
        }

        var legs: [ExactLeg] = []
        for k in 0..<n where !inputs[k].isZero {
            guard let leg = ExactLeg(candidate: plan.members[k], amountIn: inputs[k], candidates: candidates, graph: graph) else { return nil }
            legs.append(leg)
        }
        // A leg so small that it returns nothing is folded into the receiver.
        let dead = legs.filter { $0.amountOut.isZero }
        if !dead.isEmpty, legs.count > dead.count {
            let receiverCandidate = plan.members[receiver]
            var kept = legs.filter { !$0.amountOut.isZero }
            let moved = total(dead.map(\.amountIn)) ?? .zero
            let r = kept.firstIndex { $0.candidate == receiverCandidate } ?? 0
            guard let newIn = kept[r].amountIn.adding(moved),
                  let leg = ExactLeg(candidate: kept[r].candidate, amountIn: newIn, candidates: candidates, graph: graph) else { return nil }
            kept[r] = leg
            legs = kept
        }
        return legs
    }

    static func assemble(
        sell: String, buy: String, amountIn: UInt256, legs: [ExactLeg], candidates: [Candidate], graph: PoolGraph,
        options: RouteOptions
    ) throws(RoutingError) -> Route {
        guard let amountOut = total(legs.map(\.amountOut)) else { throw .amountTooLarge(sell: sell, buy: buy, amountIn: amountIn) }
        guard !amountOut.isZero else { throw .amountTooSmall(sell: sell, buy: buy, amountIn: amountIn) }
        var gas: UInt64 = 0
        var bestSpot = 0.0
        var routeLegs: [RouteLeg] = []
        for leg in legs.sorted(by: { $0.amountIn > $1.amountIn }) {
            let c = candidates[leg.candidate]
            gas = saturatingSum(gas, leg.gas)
            bestSpot = max(bestSpot, c.curve.spotRate)
            var hops: [RouteHop] = []
            var hopIn = leg.amountIn
            for (k, h) in c.path.hops.enumerated() {
                let out = leg.hopOuts[k]
                hops.append(RouteHop(
                    pool: graph.pools[h.pool].address, tokenIn: c.path.symbols[k], tokenOut: c.path.symbols[k + 1],
                    amountIn: hopIn, amountOut: out))
                hopIn = out
            }
            routeLegs.append(RouteLeg(
                path: c.path.symbols, pools: hops.map(\.pool), amountIn: leg.amountIn, amountOut: leg.amountOut, hops: hops))
        }
        let keep = UInt256(10_000 - options.slippageBps)
        let minOut = UInt256.mulDiv(amountOut, keep, 10_000) ?? .zero
        return Route(
            sell: sell, buy: buy, amountIn: amountIn, amountOut: amountOut, minOut: minOut,
            priceImpactBps: impactBps(amountIn: amountIn, amountOut: amountOut, bestSpot: bestSpot), gas: gas, legs: routeLegs)
    }
}
