/// A candle file or set a backtest cannot use; each message is one line naming the file and row.
public enum CandleError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingColumns(file: String, row: Int, found: Int)
    case badNumber(file: String, row: Int, column: String, text: String)
    case nonPositivePrice(file: String, row: Int, column: String, value: Double)
    case unsorted(file: String, row: Int, time: UInt64, previous: UInt64)
    case duplicate(file: String, row: Int, time: UInt64)
    case gap(file: String, row: Int, expected: UInt64, found: UInt64)
    case empty(file: String)
    case missingToken(token: String, directory: String)
    case noOverlap(String)
    case intervalMismatch(file: String, interval: UInt64, expected: UInt64)

    public var description: String {
        switch self {
        case .missingColumns(let f, let r, let n):
            return "\(f): row \(r): \(n) column(s), need timestamp_ms,open,high,low,close,volume"
        case .badNumber(let f, let r, let c, let t):
            return "\(f): row \(r): \(c) is not a number: \"\(t.prefix(40))\""
        case .nonPositivePrice(let f, let r, let c, let v):
            return "\(f): row \(r): \(c) must be a positive price, got \(v)"
        case .unsorted(let f, let r, let t, let p):
            return "\(f): row \(r): timestamp \(t * 1000) is before the previous row's \(p * 1000) (rows must be sorted by time)"
        case .duplicate(let f, let r, let t):
            return "\(f): row \(r): timestamp \(t * 1000) appears twice"
        case .gap(let f, let r, let e, let found):
            return "\(f): row \(r): gap in the candles: expected timestamp \(e * 1000), found \(found * 1000)"
        case .empty(let f):
            return "\(f): no candles"
        case .missingToken(let t, let d):
            return "\(d): no \(t).csv for the portfolio's token \(t)"
        case .noOverlap(let why):
            return why
        case .intervalMismatch(let f, let i, let e):
            return "\(f): candles every \(i) s, but the other files have \(e) s"
        }
    }
}
