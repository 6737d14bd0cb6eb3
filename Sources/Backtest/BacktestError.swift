import Strategy

/// Why a backtest cannot run; one line each.
public enum BacktestError: Error, Equatable, Sendable, CustomStringConvertible {
    case candles(CandleError)
    case tooShort(steps: Int)
    case unknownToken(String)
    case noPrice(token: String, time: UInt64)
    case strategy(time: UInt64, StrategyError)

    public var description: String {
        switch self {
        case .candles(let e): return "\(e)"
        case .tooShort(let n): return "the chosen range gives \(n) step(s); a backtest needs at least 2 (check --from, --to and --every)"
        case .unknownToken(let t): return "token \(t) is not in the network file"
        case .noPrice(let t, let time): return "no candle prices \(t) at \(time * 1000) ms"
        case .strategy(let time, let e): return "at \(time * 1000) ms: \(e)"
        }
    }
}
