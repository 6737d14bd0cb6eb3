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
            market.graph.forEachSimplePath(from: symbol, to: quote, maxHops: maxHops) { hops in
                var rate = 1.0, depth = Double.infinity
                for hop in hops {
                    let pool = market.pools[hop.pool]
                    let d = pool.depth(of: hop.tokenIn) / rate     // in units of the priced token
                    depth = min(depth, d)
                    rate *= pool.midRate(from: hop.tokenIn, to: hop.tokenOut)
                }
                guard rate > 0, rate.isFinite else { return }
                if best == nil || depth > best!.depth {
                    let path = PricePath(tokens: [symbol] + hops.map { market.graph.symbols[$0.to] },
                                         pools: hops.map { market.pools[$0.pool].address })
                    best = (depth, rate, path)
                }
            }
            guard let found = best else { throw .noPrice(symbol, quote: quote) }
            prices[symbol] = found.rate * pow10(t.decimals) / pow10(q.decimals)
            paths[symbol] = found.path
        }
        return PriceTable(quote: quote, prices: prices, paths: paths)
    }
}
