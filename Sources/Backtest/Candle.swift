/// One price bar of one token, prices in the portfolio's quote token. `time` is the bar's opening
/// time in seconds since 1970 (the files carry milliseconds).
public struct Candle: Sendable, Hashable, Codable {
    public var time: UInt64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(time: UInt64, open: Double, high: Double, low: Double, close: Double, volume: Double = 0) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}
