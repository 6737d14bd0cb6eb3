/// Why candles cannot be built from a chain's logs; one line each.
public enum ChainCandleError: Error, Equatable, Sendable, CustomStringConvertible {
    case badLog(pool: String, block: UInt64?, String)
    case missingBlockTime(block: UInt64)
    case unknownPool(String)
    case noPrice(token: String, quote: String)
    case badInterval

    public var description: String {
        switch self {
        case .badLog(let pool, let block, let why):
            return "log of pool \(pool)\(block.map { " in block \($0)" } ?? ""): \(why)"
        case .missingBlockTime(let block): return "no timestamp for block \(block)"
        case .unknownPool(let pool): return "log of \(pool), which is not a configured pool"
        case .noPrice(let token, let quote):
            return "no configured constant-product pool path prices \(token) in \(quote) at the start block"
        case .badInterval: return "--every: must be at least 1 second"
        }
    }
}
