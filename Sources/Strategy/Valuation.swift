import EthCore
import Market

/// How a token was priced: the pools walked from the token to the quote token.
public struct PricePath: Sendable, Hashable, Codable {
    public var tokens: [String]
    public var pools: [Address]
}

/// Prices of every token in the quote token, each from its deepest path of pools (mid prices,
/// fees excluded), at most `maxHops` long.
public struct PriceTable: Sendable {
    public var quote: String
    /// Whole quote tokens per whole token.
    public var prices: [String: Double]
    public var paths: [String: PricePath]

    public func price(_ symbol: String) -> Double? { prices[symbol] }
}

public enum StrategyError: Error, Equatable, CustomStringConvertible {
    case noPrice(String, quote: String)
    case unknownToken(String)
    case emptyPortfolio

    public var description: String {
        switch self {
        case .noPrice(let t, let q): return "no pool path prices \(t) in \(q)"
        case .unknownToken(let t): return "unknown token \(t)"
        case .emptyPortfolio: return "the portfolio holds nothing of value"
        }
    }
}

public enum Valuation {
    /// Prices every token from the path whose thinnest hop is deepest (depth measured in the
    /// token's own units, so paths are comparable).
    public static func prices(of symbols: [String], quote: String, market: MarketView, maxHops: Int = 2) throws(StrategyError) -> PriceTable {
        guard let q = market.token(quote) else { throw .unknownToken(quote) }
        var prices: [String: Double] = [quote: 1]
        var paths: [String: PricePath] = [quote: PricePath(tokens: [quote], pools: [])]
        for symbol in symbols where symbol != quote {
            guard let t = market.token(symbol) else { throw .unknownToken(symbol) }
            var best: (depth: Double, rate: Double, path: PricePath)?
            search(from: symbol, to: quote, market: market, maxHops: maxHops) { hops in
                var rate = 1.0, depth = Double.infinity
                for hop in hops {
                    let d = hop.pool.depth(of: hop.i) / rate     // in units of the priced token
                    depth = min(depth, d)
                    rate *= hop.pool.midRate(from: hop.i, to: hop.j)
                }
                guard rate > 0, rate.isFinite else { return }
                if best == nil || depth > best!.depth {
                    let path = PricePath(tokens: [symbol] + hops.map { $0.pool.tokens[$0.j] }, pools: hops.map { $0.pool.address })
                    best = (depth, rate, path)
                }
            }
            guard let found = best else { throw .noPrice(symbol, quote: quote) }
            prices[symbol] = found.rate * pow10(t.decimals) / pow10(q.decimals)
            paths[symbol] = found.path
        }
        return PriceTable(quote: quote, prices: prices, paths: paths)
    }

    struct Hop {
        var pool: any Pool
        var i: Int
        var j: Int
    }

    /// Calls `visit` with every simple path of pools from `from` to `to` of at most `maxHops` hops.
    static func search(from: String, to: String, market: MarketView, maxHops: Int, visit: ([Hop]) -> Void) {
        var hops: [Hop] = []
        var seen: Set<String> = [from]
        func walk(_ at: String) {
            if at == to { visit(hops); return }
            if hops.count == maxHops { return }
            for edge in market.edges[at] ?? [] where !seen.contains(edge.next) {
                hops.append(Hop(pool: market.pools[edge.poolIndex], i: edge.i, j: edge.j))
                seen.insert(edge.next)
                walk(edge.next)
                seen.remove(edge.next)
                hops.removeLast()
            }
        }
        walk(from)
    }
}
