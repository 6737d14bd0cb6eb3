import EthCore
import Market

/// The router's searches over the shared pool graph: simple paths up to a hop limit, ranked by a
/// quick float quote, and exact hop-by-hop quotes.
extension PoolGraph {
    /// Depth-first enumeration stops after this many paths, so that a dense graph cannot stall the
    /// router; the candidates are ranked and capped afterwards anyway.
    public static let enumerationLimit = 20_000

    /// Every path from `sell` to `buy` with at most `maxHops` hops that visits no token twice and
    /// uses no pool twice (a three-token pool could otherwise appear in two hops), up to `limit`
    /// paths; every direct pool, and the deepest few per token pair (`deepEdges`) inside longer
    /// paths. Shorter paths come first (iterative deepening), so a dense graph that hits the limit
    /// still yields every direct and two-hop path.
    public func paths(from sell: String, to buy: String, maxHops: Int, limit: Int = PoolGraph.enumerationLimit) -> [SwapPath] {
        guard let s = id(of: sell), let b = id(of: buy), s != b, maxHops >= 1 else { return [] }
        var found: [SwapPath] = []
        var visited = [Bool](repeating: false, count: symbols.count)
        var hops: [SwapPath.Hop] = []
        var tokens: [Int] = [s]
        visited[s] = true

        func walk(_ at: Int, length: Int) {
            for e in (length == 1 ? edges[at] : deepEdges[at]) {
                if found.count >= limit { return }
                if visited[e.to] || hops.contains(where: { $0.pool == e.pool }) { continue }
                let last = hops.count + 1 == length
                // Only the target ends a path, and only at the length being enumerated.
                if last != (e.to == b) { continue }
                hops.append(SwapPath.Hop(pool: e.pool, tokenIn: e.tokenIn, tokenOut: e.tokenOut))
                tokens.append(e.to)
                if last {
                    found.append(SwapPath(hops: hops, symbols: tokens.map { symbols[$0] }))
                } else {
                    visited[e.to] = true
                    walk(e.to, length: length)
                    visited[e.to] = false
                }
                hops.removeLast()
                tokens.removeLast()
            }
        }
        for length in 1...min(maxHops, max(1, symbols.count - 1)) where found.count < limit {
            walk(s, length: length)
        }
        return found
    }

    /// Output of a whole path for `amountIn`, by the float views: the quick quote used for ranking.
    public func approximateOut(_ path: SwapPath, amountIn: Double) -> Double {
        var a = amountIn
        for h in path.hops { a = pools[h.pool].approximateOut(a, from: h.tokenIn, to: h.tokenOut) }
        return a
    }

    /// Exact output of each hop, as the contracts compute it; `nil` if any pool refuses. An input so
    /// small that a hop rounds it to nothing gives zeros from there on (no pool is asked about zero).
    public func quote(_ path: SwapPath, amountIn: UInt256) -> [UInt256]? {
        var a = amountIn
        var outs: [UInt256] = []
        outs.reserveCapacity(path.hops.count)
        for h in path.hops {
            if a.isZero {
                outs.append(.zero)
                continue
            }
            guard let out = pools[h.pool].amountOut(a, from: h.tokenIn, to: h.tokenOut) else { return nil }
            outs.append(out)
            a = out
        }
        return outs
    }

    /// At most `maxPaths` paths from `sell` to `buy`, best quick single-path quote for `amountIn` first
    /// (input clipped to the first hop's limit); paths that return nothing are left out.
    public func candidatePaths(from sell: String, to buy: String, amountIn: Double, maxHops: Int, maxPaths: Int) -> [SwapPath] {
        let all = paths(from: sell, to: buy, maxHops: maxHops)
        var scored: [(path: SwapPath, score: Double)] = []
        scored.reserveCapacity(all.count)
        for path in all {
            guard let first = path.hops.first else { continue }
            let cap = pools[first.pool].maxAmountIn(from: first.tokenIn, to: first.tokenOut).doubleValue
            let score = approximateOut(path, amountIn: min(amountIn, cap))
            if score > 0, score.isFinite { scored.append((path, score)) }
        }
        scored.sort { $0.score > $1.score }
        return scored.prefix(max(0, maxPaths)).map(\.path)
    }
}
