/// Tokens (by symbol) joined by pools: the one graph that valuation, the trade solver and the router
/// walk. Built once from a snapshot's pools; tokens are numbered in first-seen order.
public struct PoolGraph: Sendable {
    /// One direction through one pool.
    public struct Edge: Sendable, Hashable {
        /// Index into `pools`.
        public let pool: Int
        /// Indices into that pool's `tokens`.
        public let tokenIn: Int
        public let tokenOut: Int
        /// Index into `symbols` of the token received.
        public let to: Int

        public init(pool: Int, tokenIn: Int, tokenOut: Int, to: Int) {
            self.pool = pool
            self.tokenIn = tokenIn
            self.tokenOut = tokenOut
            self.to = to
        }
    }

    public let pools: [any Pool]
    /// Every token symbol some pool holds, in first-seen order.
    public let symbols: [String]
    let ids: [String: Int]
    /// Edges leaving each token, by index into `symbols`, in pool order.
    public let edges: [[Edge]]
    /// The same, keeping only the `deepestPoolsPerPair` deepest pools toward each neighbour. Long
    /// searches use these: a thin extra pool per hop multiplies the work, not the result.
    public let deepEdges: [[Edge]]

    /// Pools per token pair kept in `deepEdges`.
    public static let deepestPoolsPerPair = 3

    public init(pools: [any Pool]) {
        var ids: [String: Int] = [:]
        var symbols: [String] = []
        var edges: [[Edge]] = []
        func id(_ s: String) -> Int {
            if let i = ids[s] { return i }
            ids[s] = symbols.count
            symbols.append(s)
            edges.append([])
            return symbols.count - 1
        }
        for (p, pool) in pools.enumerated() {
            let tokens = pool.tokens
            let tokenIds = tokens.map(id)
            for i in tokens.indices {
                // A malformed pool may list a symbol twice; such a "swap" is meaningless.
                for j in tokens.indices where i != j && tokens[i] != tokens[j] {
                    edges[tokenIds[i]].append(Edge(pool: p, tokenIn: i, tokenOut: j, to: tokenIds[j]))
                }
            }
        }
        self.pools = pools
        self.symbols = symbols
        self.ids = ids
        self.edges = edges
        self.deepEdges = edges.map { out in
            Dictionary(grouping: out, by: \.to).values.flatMap { toward in
                toward.sorted { pools[$0.pool].depth(of: $0.tokenIn) > pools[$1.pool].depth(of: $1.tokenIn) }
                    .prefix(PoolGraph.deepestPoolsPerPair)
            }.sorted { ($0.to, $0.pool) < ($1.to, $1.pool) }
        }
    }

    public func contains(_ symbol: String) -> Bool { ids[symbol] != nil }

    /// The token's index into `symbols`, `nil` when no pool holds it.
    public func id(of symbol: String) -> Int? { ids[symbol] }

    /// The directions out of `symbol` (empty for an unknown token).
    public func edges(from symbol: String) -> [Edge] {
        guard let id = ids[symbol] else { return [] }
        return edges[id]
    }

    /// The edges of one path from `a` to `b` with the fewest hops (at most `maxHops`), breadth
    /// first in pool order; empty when `a == b`, `nil` when no such path exists.
    public func shortestPath(from a: String, to b: String, maxHops: Int) -> [Edge]? {
        if a == b { return [] }
        guard let s = ids[a], let t = ids[b] else { return nil }
        var frontier: [(Int, [Edge])] = [(s, [])]
        var seen = [Bool](repeating: false, count: symbols.count)
        seen[s] = true
        for _ in 0..<max(0, maxHops) {
            var next: [(Int, [Edge])] = []
            for (node, path) in frontier {
                for e in edges[node] where !seen[e.to] {
                    if e.to == t { return path + [e] }
                    seen[e.to] = true
                    next.append((e.to, path + [e]))
                }
            }
            frontier = next
        }
        return nil
    }

    /// Calls `visit` with every path from `a` to `b` of at most `maxHops` hops that visits no token
    /// twice, over every pool, depth first in pool order.
    public func forEachSimplePath(from a: String, to b: String, maxHops: Int, _ visit: ([Edge]) -> Void) {
        guard let s = ids[a], let t = ids[b] else { return }
        var path: [Edge] = []
        var seen = [Bool](repeating: false, count: symbols.count)
        seen[s] = true
        func walk(_ at: Int) {
            if at == t { visit(path); return }
            if path.count == maxHops { return }
            for e in edges[at] where !seen[e.to] {
                path.append(e)
                seen[e.to] = true
                walk(e.to)
                seen[e.to] = false
                path.removeLast()
            }
        }
        walk(s)
    }
}
