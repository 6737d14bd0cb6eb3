import Foundation

/// An upper bound on what selling `amount` of one token for another can yield over a network of
/// pools, sharing no code with the router: the Lagrange dual of the flow problem (every pool
/// direction on a path of at most `maxHops` hops, each direction's output its own published curve
/// of its input, every token's outflow covered by its inflow), minimised one token price at a time
/// (Gauss–Seidel, bisection on each price for a balanced token). Whatever prices it stops at, the
/// dual value bounds the optimum from above (weak duality), so "router output / bound" understates
/// the router's share of the optimum, never overstates it.
public enum NetworkFlowOracle {
    /// One pool as the published formulas see it, balances in raw units as floats.
    public enum Curve: Sendable {
        /// Uniswap V2: out = γ·x·R_out/(R_in + γ·x).
        case constantProduct(reserves: [Double], gamma: Double)
        /// Balancer weighted: out = B_out·(1 − (B_in/(B_in + γ·x))^(w_in/w_out)); at most 30 % of
        /// B_in in and 30 % of B_out out.
        case weighted(balances: [Double], weights: [Double], gamma: Double)
    }

    public struct Pool: Sendable {
        public var tokens: [String]
        public var curve: Curve
        public init(tokens: [String], curve: Curve) {
            self.tokens = tokens
            self.curve = curve
        }
    }

    struct Edge {
        let pool: Int, i: Int, j: Int, from: Int, to: Int
    }

    public static func bound(sell: String, buy: String, amount: Double, pools: [Pool], maxHops: Int = 3) -> Double? {
        // Tokens and edges on simple paths of at most maxHops hops (pools not repeated).
        var names = [sell, buy]
        func id(_ s: String) -> Int {
            if let k = names.firstIndex(of: s) { return k }
            names.append(s)
            return names.count - 1
        }
        var keys = Set<[Int]>()
        var edges: [Edge] = []
        var stack: [(pool: Int, i: Int, j: Int)] = []
        func walk(_ at: String, _ visited: [String]) {
            if at == buy {
                for h in stack where keys.insert([h.pool, h.i, h.j]).inserted {
                    edges.append(Edge(pool: h.pool, i: h.i, j: h.j, from: id(pools[h.pool].tokens[h.i]), to: id(pools[h.pool].tokens[h.j])))
                }
                return
            }
            if stack.count == maxHops { return }
            for (p, pool) in pools.enumerated() where !stack.contains(where: { $0.pool == p }) {
                guard let i = pool.tokens.firstIndex(of: at) else { continue }
                for (j, next) in pool.tokens.enumerated() where j != i && !visited.contains(next) {
                    stack.append((p, i, j))
                    walk(next, visited + [next])
                    stack.removeLast()
                }
            }
        }
        walk(sell, [sell])
        guard !edges.isEmpty, amount > 0 else { return nil }

        let n = names.count
        var logPrice = [Double](repeating: 0, count: n)   // buy stays at 0 (price 1)
        // Start every price at its best spot value toward buy.
        var value = [Double](repeating: 0, count: n)
        value[1] = 1
        for _ in 0..<n {
            for e in edges { value[e.from] = max(value[e.from], spot(pools[e.pool].curve, e.i, e.j) * value[e.to]) }
        }
        for t in 0..<n where t != 1 { logPrice[t] = log(max(value[t], 1e-300)) }

        func dual() -> Double {
            var g = exp(logPrice[0]) * amount
            for e in edges {
                let pu = exp(logPrice[e.from]), pv = exp(logPrice[e.to])
                let x = response(pools[e.pool].curve, e.i, e.j, rate: pu / pv)
                g += pv * out(pools[e.pool].curve, e.i, e.j, x) - pu * x
            }
            return g
        }
        func excess(_ t: Int) -> Double {
            var ex = t == 0 ? amount : 0
            for e in edges where e.from == t || e.to == t {
                let pu = exp(logPrice[e.from]), pv = exp(logPrice[e.to])
                let x = response(pools[e.pool].curve, e.i, e.j, rate: pu / pv)
                if e.from == t { ex -= x }
                if e.to == t { ex += out(pools[e.pool].curve, e.i, e.j, x) }
            }
            return ex
        }
        var best = dual()
        var width = [Double](repeating: 30, count: n)
        for _ in 0..<4_000 {
            for t in 0..<n where t != 1 {
                // The dual is convex in the price and its slope has the sign of the excess: bracket
                // the balancing price around the last one, widening until it is inside, then bisect.
                let start = logPrice[t]
                var lo = start - width[t], hi = start + width[t]
                logPrice[t] = lo
                while excess(t) > 0, lo > start - 60 { lo -= width[t] * 4; logPrice[t] = lo }
                logPrice[t] = hi
                while excess(t) <= 0, hi < start + 60 { hi += width[t] * 4; logPrice[t] = hi }
                for _ in 0..<60 where hi - lo > 1e-15 {
                    let mid = (lo + hi) / 2
                    logPrice[t] = mid
                    if excess(t) > 0 { hi = mid } else { lo = mid }
                }
                logPrice[t] = (lo + hi) / 2
                width[t] = max(abs(logPrice[t] - start) * 4, 1e-12)
            }
            let g = dual()
            let done = abs(best - g) <= abs(best) * 1e-14
            best = min(best, g)
            if done { break }
        }
        return best
    }

    static func spot(_ c: Curve, _ i: Int, _ j: Int) -> Double { marginal(c, i, j, 0) }

    static func out(_ c: Curve, _ i: Int, _ j: Int, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        switch c {
        case let .constantProduct(r, g):
            return g * x * r[j] / (r[i] + g * x)
        case let .weighted(b, w, g):
            return b[j] * (1 - pow(b[i] / (b[i] + g * x), w[i] / w[j]))
        }
    }

    static func marginal(_ c: Curve, _ i: Int, _ j: Int, _ x: Double) -> Double {
        switch c {
        case let .constantProduct(r, g):
            let d = r[i] + g * x
            return g * r[i] * r[j] / (d * d)
        case let .weighted(b, w, g):
            let rho = w[i] / w[j]
            return b[j] * rho * g * pow(b[i], rho) * pow(b[i] + g * x, -rho - 1)
        }
    }

    static func cap(_ c: Curve, _ i: Int, _ j: Int) -> Double {
        switch c {
        case .constantProduct: return .infinity
        case let .weighted(b, w, g):
            let rho = w[i] / w[j]
            return min(0.3 * b[i], (b[i] * pow(0.7, -1 / rho) - b[i]) / g)
        }
    }

    /// The input at which the marginal rate equals `rate`, within [0, cap].
    static func response(_ c: Curve, _ i: Int, _ j: Int, rate: Double) -> Double {
        guard rate < spot(c, i, j) else { return 0 }
        switch c {
        case let .constantProduct(r, g):
            return max(0, ((g * r[i] * r[j] / rate).squareRoot() - r[i]) / g)
        case let .weighted(b, w, g):
            let rho = w[i] / w[j]
            let logD = (log(b[j] * rho * g) + rho * log(b[i]) - log(rate)) / (rho + 1)
            return min(max(0, (exp(logD) - b[i]) / g), cap(c, i, j))
        }
    }
}
