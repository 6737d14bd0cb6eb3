import EthCore
import Market

/// The pools one trade may use, as a network of token flows: every pool direction between two
/// tokens that some candidate path from `sell` to `buy` steps between, each direction one edge
/// however many paths run through it (so a pool shared by several paths is priced once, for its
/// total), and the tokens they join.
struct FlowNetwork {
    struct Edge {
        /// Index into `PoolGraph.pools`, and the pool's own token indices.
        let pool: Int
        let tokenIn: Int
        let tokenOut: Int
        /// Indices into `tokens`.
        let from: Int
        let to: Int
        /// The float view of this one swap direction.
        let curve: PathCurve
        /// Gas at the smallest amount: the pool's fixed `swapGas` and the step overhead.
        let gas: UInt64
        /// `gas` priced in raw units of the output token.
        let gasValue: Double
        /// One unit of gas in raw units of the output token.
        let valuePerGas: Double

        /// Gas of an input of `x`, priced (a V3 pool's ticks crossed on top of `gasValue`).
        func gasValue(at x: Double) -> Double {
            curve.gasValue(at: x, base: gasValue, valuePerGas: valuePerGas)
        }
        /// The curve's marginal rate at no input and at its largest input.
        let spotRate: Double
        let marginalAtCap: Double
    }

    /// What the solver's inner loops read of each edge, as plain values (nothing to retain per
    /// edge and evaluation): its tokens, and for a constant-product edge its curve and input limit.
    struct Plain {
        let from: Int
        let to: Int
        let closedForm: ConstantProductCurve?
        let maxIn: Double
    }

    /// Graph token ids; `sell` and `buy` index into this.
    let tokens: [Int]
    let sell: Int
    let buy: Int
    let edges: [Edge]
    /// `edges` as `Plain` values, same order.
    let plain: [Plain]

    /// `nil` when no candidate path has more than one hop or the candidates share no pool: then
    /// the pool-disjoint split over the paths is already the flow optimum over their pools.
    init?(paths: [SwapPath], graph: PoolGraph, options: RouteOptions) {
        var seenPools = Set<Int>()
        var shared = false
        for p in paths {
            for h in p.hops where !seenPools.insert(h.pool).inserted { shared = true }
        }
        guard shared, let first = paths.first, let sellSymbol = first.symbols.first, let buySymbol = first.symbols.last,
              let s = graph.id(of: sellSymbol), let b = graph.id(of: buySymbol) else { return nil }
        var local: [Int: Int] = [s: 0]
        var tokens = [s]
        func index(_ id: Int) -> Int {
            if let k = local[id] { return k }
            local[id] = tokens.count
            tokens.append(id)
            return tokens.count - 1
        }
        _ = index(b)
        // Every pool between two tokens that some candidate path steps between: paths of two or
        // more hops are searched over the deepest few pools per pair only, but the flow takes
        // every parallel pool at the cost of one more edge each.
        struct Pair: Hashable { let from: Int, to: Int }
        var pairs: [Pair] = []
        var seenPairs = Set<Pair>()
        for p in paths {
            for h in p.hops {
                let pool = graph.pools[h.pool]
                guard let from = graph.id(of: pool.tokens[h.tokenIn]), let to = graph.id(of: pool.tokens[h.tokenOut]) else { continue }
                if seenPairs.insert(Pair(from: from, to: to)).inserted { pairs.append(Pair(from: from, to: to)) }
            }
        }
        var edges: [Edge] = []
        for pair in pairs {
            for e in graph.edges[pair.from] where e.to == pair.to {
                let pool = graph.pools[e.pool]
                let gas = Router.saturatingSum(pool.swapGas(options.gasTable), options.stepOverheadGas)
                let curve = PathCurve(hops: [PathCurve.Hop(pool: pool, i: e.tokenIn, j: e.tokenOut)], gasTable: options.gasTable)
                edges.append(Edge(
                    pool: e.pool, tokenIn: e.tokenIn, tokenOut: e.tokenOut, from: index(pair.from), to: index(pair.to),
                    curve: curve, gas: gas, gasValue: options.gasValue(gas), valuePerGas: options.gasValue(1),
                    spotRate: curve.marginal(at: 0), marginalAtCap: curve.marginal(at: curve.maxIn)))
            }
        }
        self.tokens = tokens
        self.sell = 0
        self.buy = 1
        self.edges = edges
        self.plain = edges.map { e in
            if case let .constantProduct(c) = e.curve.shape { return Plain(from: e.from, to: e.to, closedForm: c, maxIn: e.curve.maxIn) }
            return Plain(from: e.from, to: e.to, closedForm: nil, maxIn: e.curve.maxIn)
        }
    }
}
