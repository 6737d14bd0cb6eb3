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
    /// (input clipped to the first hop's limit; equal quotes in `paths` order); paths that return
    /// nothing are left out. The same paths as `paths(from:to:maxHops:)` ranked, but scored during
    /// the walk: a prefix shared by many paths is quoted once, and only the paths kept are built.
    public func candidatePaths(from sell: String, to buy: String, amountIn: Double, maxHops: Int, maxPaths: Int) -> [SwapPath] {
        guard let s = id(of: sell), let b = id(of: buy), s != b, maxHops >= 1, maxPaths > 0 else { return [] }
        let limit = PoolGraph.enumerationLimit
        var found = 0
        // The best `maxPaths` so far as (score, enumeration order, hops); `worst` indexes the one
        // the next better path replaces.
        var kept: [(score: Double, order: Int, hops: [SwapPath.Hop])] = []
        kept.reserveCapacity(maxPaths)
        var worst = 0
        var visited = [Bool](repeating: false, count: symbols.count)
        var hops: [SwapPath.Hop] = []
        visited[s] = true

        func ranksBelow(_ a: (score: Double, order: Int), _ b: (score: Double, order: Int)) -> Bool {
            a.score != b.score ? a.score < b.score : a.order > b.order
        }
        func keep(_ score: Double) {
            let order = found
            if kept.count < maxPaths {
                kept.append((score, order, hops))
                if kept.count == maxPaths {
                    worst = kept.indices.min { ranksBelow((kept[$0].score, kept[$0].order), (kept[$1].score, kept[$1].order)) } ?? 0
                }
                return
            }
            guard ranksBelow((kept[worst].score, kept[worst].order), (score, order)) else { return }
            kept[worst] = (score, order, hops)
            worst = kept.indices.min { ranksBelow((kept[$0].score, kept[$0].order), (kept[$1].score, kept[$1].order)) } ?? 0
        }
        func walk(_ at: Int, length: Int, amount: Double) {
            for e in (length == 1 ? edges[at] : deepEdges[at]) {
                if found >= limit { return }
                if visited[e.to] || hops.contains(where: { $0.pool == e.pool }) { continue }
                let last = hops.count + 1 == length
                if last != (e.to == b) { continue }
                var input = amount
                if hops.isEmpty {
                    input = min(amount, pools[e.pool].maxAmountIn(from: e.tokenIn, to: e.tokenOut).doubleValue)
                }
                let out = pools[e.pool].approximateOut(input, from: e.tokenIn, to: e.tokenOut)
                hops.append(SwapPath.Hop(pool: e.pool, tokenIn: e.tokenIn, tokenOut: e.tokenOut))
                if last {
                    if out > 0, out.isFinite { keep(out) }
                    found += 1
                } else {
                    visited[e.to] = true
                    walk(e.to, length: length, amount: out)
                    visited[e.to] = false
                }
                hops.removeLast()
            }
        }
        for length in 1...min(maxHops, max(1, symbols.count - 1)) where found < limit {
            walk(s, length: length, amount: amountIn)
        }
        kept.sort { ranksBelow(($1.score, $1.order), ($0.score, $0.order)) }
        return kept.map { path in
            var tokens = [symbols[s]]
            for h in path.hops { tokens.append(pools[h.pool].tokens[h.tokenOut]) }
            return SwapPath(hops: path.hops, symbols: tokens)
        }
    }
}
