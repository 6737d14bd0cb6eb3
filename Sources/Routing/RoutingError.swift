import EthCore

/// Why the router could not produce a route. Each message is one line naming the argument at fault.
public enum RoutingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No pool holds this token (argument `sell` or `buy`).
    case unknownToken(argument: String, symbol: String)
    /// `sell` and `buy` name the same token.
    case sameToken(String)
    /// `amountIn` is zero.
    case zeroAmount
    /// The tokens are in the graph but no path of at most `maxHops` joins them.
    case noPath(sell: String, buy: String, maxHops: Int)
    /// Paths exist but every one runs through a pool without liquidity.
    case noLiquidity(sell: String, buy: String)
    /// Every path (and every split across them) refuses an input this large.
    case amountTooLarge(sell: String, buy: String, amountIn: UInt256)
    /// The input is so small that every path rounds its output down to zero.
    case amountTooSmall(sell: String, buy: String, amountIn: UInt256)
    /// An option is out of range (`slippageBps` above 10000, `maxHops` below 1, ...).
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownToken(argument, symbol):
            return "routing: unknown token \"\(symbol)\" in argument `\(argument)`: no pool holds it"
        case let .sameToken(symbol):
            return "routing: arguments `sell` and `buy` are both \"\(symbol)\""
        case .zeroAmount:
            return "routing: argument `amountIn` is zero"
        case let .noPath(sell, buy, maxHops):
            return "routing: no path from \(sell) to \(buy) within \(maxHops) hops (arguments `sell`, `buy`, option `maxHops`)"
        case let .noLiquidity(sell, buy):
            return "routing: every path from \(sell) to \(buy) runs through a pool without liquidity (arguments `sell`, `buy`)"
        case let .amountTooSmall(sell, buy, amountIn):
            return "routing: argument `amountIn` \(amountIn) raw units of \(sell) is too small: every path to \(buy) returns nothing"
        case let .amountTooLarge(sell, buy, amountIn):
            return "routing: argument `amountIn` \(amountIn) raw units of \(sell) is more than the pools from \(sell) to \(buy) accept"
        case let .invalidOption(name, reason):
            return "routing: option `\(name)` \(reason)"
        }
    }
}
