import EthCore
import Market

/// The network side of the router: the flow over every candidate path's pools at once, made exact.
extension Router {
    /// The best exact step plan over `network`, net of gas: the flow optimum, then, while some used
    /// edges earn less than their gas at the optimum's prices (an edge's surplus ν_to·out − ν_from·in
    /// is what dropping it costs, to first order), the same without them. Each round's exact steps
    /// are kept if they beat the best so far. `nil` when no round gives executable steps.
    static func networkSteps(
        _ network: FlowNetwork, amount: Double, amountIn: UInt256, graph: PoolGraph, options: RouteOptions
    ) -> ExactSteps? {
        var active = [Bool](repeating: true, count: network.edges.count)
        var best: ExactSteps?
        var prices: [Double]?
        for _ in 0...min(network.edges.count, 24) {
            guard let flow = FlowSolver.solve(network, amount: amount, active: active, start: prices) else { break }
            prices = flow.prices
            let used = flow.inputs.map { $0 > 0 }
            if ExactSteps.tokenOrder(network, used: used) == nil {
                // Flow around a cycle is arbitrage between the pools; drop its thinnest edge and re-solve.
                guard let k = thinnestCycleEdge(network, flow: flow) else { break }
                active[k] = false
                continue
            }
            if let exact = ExactSteps(network: network, inputs: flow.inputs, amountIn: amountIn, graph: graph, options: options),
               best.map({ beats(exact.amountOut, gasValue: exact.gasValue, $0.amountOut, gasValue: $0.gasValue) }) ?? true {
                best = exact
            }
            // Every edge that earns less than its gas goes at once; the next round re-prices the rest.
            var dropped = false
            for (k, e) in network.edges.enumerated() where used[k] {
                let surplus = flow.prices[e.to] * flow.outputs[k] - flow.prices[e.from] * flow.inputs[k]
                if surplus < e.gasValue(at: flow.inputs[k]) {
                    active[k] = false
                    dropped = true
                }
            }
            if !dropped { break }
        }
        return best
    }

    /// Among the used edges that Kahn's algorithm cannot order, the one carrying the least value.
    static func thinnestCycleEdge(_ network: FlowNetwork, flow: FlowSolver.Solution) -> Int? {
        let used = flow.inputs.map { $0 > 0 }
        var done = [Bool](repeating: false, count: network.tokens.count)
        for t in ExactSteps.acyclicPrefix(network, used: used) { done[t] = true }
        var thinnest: (edge: Int, value: Double)?
        for (k, e) in network.edges.enumerated() where used[k] && !done[e.from] && !done[e.to] {
            let value = flow.prices[e.from] * flow.inputs[k]
            if value < thinnest?.value ?? .infinity { thinnest = (k, value) }
        }
        return thinnest?.edge
    }

    /// The route of exact steps: `steps` in execution order, and `legs` as their decomposition into
    /// paths for display (each token's amount shared among what brought it in proportion, amounts
    /// rounded so that the legs still sum exactly to `amountIn` and `amountOut`). When those paths
    /// share no pool, each leg is exactly its steps and the route is a plain split without `steps`.
    static func stepRoute(
        sell: String, buy: String, amountIn: UInt256, exact: ExactSteps, network: FlowNetwork, graph: PoolGraph,
        bestSpot: Double, options: RouteOptions
    ) -> Route {
        let steps = routeHops(exact, network: network, graph: graph)
        let paths = decompose(exact, network: network, amountIn: amountIn)
        var poolUse: [Int: Int] = [:]
        for p in paths { for s in p.steps { poolUse[network.edges[exact.steps[s].edge].pool, default: 0] += 1 } }
        var legs: [RouteLeg] = []
        if poolUse.values.allSatisfy({ $0 == 1 }) && poolUse.count == Set(exact.steps.map { network.edges[$0.edge].pool }).count {
            for p in paths {
                let hops = p.steps.map { steps[$0] }
                legs.append(RouteLeg(path: [sell] + hops.map(\.tokenOut), pools: hops.map(\.pool),
                                     amountIn: hops.first?.amountIn ?? .zero, amountOut: hops.last?.amountOut ?? .zero, hops: hops))
            }
            // Each leg is exactly its own steps only if they account for everything.
            if total(legs.map(\.amountIn)) != amountIn || total(legs.map(\.amountOut)) != exact.amountOut { legs = [] }
        }
        let disjoint = !legs.isEmpty
        if !disjoint {
            let ins = apportion(amountIn, p: paths.map(\.source))
            let outs = apportion(exact.amountOut, p: paths.map(\.amount))
            for (k, p) in paths.enumerated() {
                var hops: [RouteHop] = []
                var hopIn = ins[k]
                for (h, s) in p.steps.enumerated() {
                    let last = h == p.steps.count - 1
                    let out = last ? outs[k] : UInt256(truncating: p.hopOuts[h].rounded(.down)) ?? .zero
                    hops.append(RouteHop(pool: steps[s].pool, tokenIn: steps[s].tokenIn, tokenOut: steps[s].tokenOut,
                                         amountIn: hopIn, amountOut: out))
                    hopIn = out
                }
                legs.append(RouteLeg(path: [sell] + hops.map(\.tokenOut), pools: hops.map(\.pool),
                                     amountIn: ins[k], amountOut: outs[k], hops: hops))
            }
        }
        legs.sort { $0.amountIn > $1.amountIn }
        let keep = UInt256(10_000 - options.slippageBps)
        let minOut = UInt256.mulDiv(exact.amountOut, keep, 10_000) ?? .zero
        return Route(
            sell: sell, buy: buy, amountIn: amountIn, amountOut: exact.amountOut, minOut: minOut,
            priceImpactBps: impactBps(amountIn: amountIn, amountOut: exact.amountOut, bestSpot: bestSpot),
            gas: disjoint ? exact.gas : saturatingSum(exact.gas, approvalGas(steps, sell: sell, options: options)),
            legs: legs, steps: disjoint ? nil : steps)
    }

    /// The exact steps as route hops, in execution order.
    static func routeHops(_ exact: ExactSteps, network: FlowNetwork, graph: PoolGraph) -> [RouteHop] {
        exact.steps.map { s -> RouteHop in
            let e = network.edges[s.edge]
            return RouteHop(pool: graph.pools[e.pool].address, tokenIn: graph.symbols[network.tokens[e.from]],
                            tokenOut: graph.symbols[network.tokens[e.to]], amountIn: s.amountIn, amountOut: s.amountOut)
        }
    }

    /// EOA mode: the approvals `steps` need beyond a plain route's (`RouteOptions.approvalGas`),
    /// one per distinct (token other than `sell`, spender) pair the steps spend through.
    public static func extraApprovals(_ steps: [RouteHop], sell: String, spenders: [Address: Address]) -> Int {
        struct Pair: Hashable { let token: String, spender: Address }
        return Set(steps.lazy.filter { $0.tokenIn != sell }.map { Pair(token: $0.tokenIn, spender: spenders[$0.pool] ?? $0.pool) }).count
    }

    static func approvalGas(_ steps: [RouteHop], sell: String, options: RouteOptions) -> UInt64 {
        guard options.approvalGas > 0 else { return 0 }
        let (gas, overflow) = UInt64(extraApprovals(steps, sell: sell, spenders: options.spenders)).multipliedReportingOverflow(by: options.approvalGas)
        return overflow ? .max : gas
    }

    /// One path through the steps with its share: `source` of the input, `amount` of the output.
    struct StepPath {
        var steps: [Int]
        var source: Double
        var amount: Double
        var hopOuts: [Double]
    }

    /// Follows the steps in order: what arrives at a token is a set of paths, and every step out of
    /// it takes the same fraction of each (the fraction of the token it spends).
    static func decompose(_ exact: ExactSteps, network: FlowNetwork, amountIn: UInt256) -> [StepPath] {
        var at = [[StepPath]](repeating: [], count: network.tokens.count)
        at[network.sell] = [StepPath(steps: [], source: amountIn.doubleValue, amount: amountIn.doubleValue, hopOuts: [])]
        var spent = [Double](repeating: 0, count: network.tokens.count)
        for s in exact.steps { spent[network.edges[s.edge].from] += s.amountIn.doubleValue }
        for (k, s) in exact.steps.enumerated() {
            let e = network.edges[s.edge]
            let total = spent[e.from]
            guard total > 0 else { continue }
            let share = s.amountIn.doubleValue / total
            let rate = s.amountIn.isZero ? 0 : s.amountOut.doubleValue / s.amountIn.doubleValue
            for p in at[e.from] {
                let out = p.amount * share * rate
                at[e.to].append(StepPath(steps: p.steps + [k], source: p.source * share, amount: out, hopOuts: p.hopOuts + [out]))
            }
            // Keep the display bounded in dense networks: the largest paths, the rest merged away.
            if at[e.to].count > 64 {
                at[e.to].sort { $0.amount > $1.amount }
                at[e.to].removeLast(at[e.to].count - 64)
            }
        }
        return at[network.buy].filter { $0.source > 0 }
    }

    /// `total` split in proportion to `p`, rounded down, the remainder to the largest share.
    static func apportion(_ total: UInt256, p: [Double]) -> [UInt256] {
        let sum = p.reduce(0, +)
        guard sum > 0, let largest = p.indices.max(by: { p[$0] < p[$1] }) else { return p.map { _ in .zero } }
        var parts = p.map { UInt256(truncating: (total.doubleValue * $0 / sum).rounded(.down)) ?? .zero }
        parts[largest] = .zero
        var given = UInt256.zero
        for k in parts.indices {
            if given.adding(parts[k]).map({ $0 > total }) ?? true { parts[k] = .zero }
            given += parts[k]
        }
        parts[largest] = total - given
        return parts
    }

    static func impactBps(amountIn: UInt256, amountOut: UInt256, bestSpot: Double) -> Double {
        guard bestSpot > 0 else { return 0 }
        let average = amountOut.doubleValue / amountIn.doubleValue
        let impact = max(0, (1 - average / bestSpot) * 10_000)
        return (impact * 100).rounded() / 100
    }

    static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
