/// Candles of every token a backtest prices, one series per token, all at one interval.
public struct CandleSet: Sendable {
    public var series: [String: [Candle]]
    /// Seconds between two candles of a series.
    public var interval: UInt64
    /// Set for generated data ("synthetic, seed 7"): every output shows it.
    public var syntheticLabel: String?
    /// Where non-file, non-synthetic candles came from ("chain blocks 100–200, …"): shown like the label.
    public var sourceLabel: String?

    /// What every output names as the data: the synthetic label, the source, or the files.
    public var dataLabel: String { syntheticLabel ?? sourceLabel ?? "candle files" }

    /// `files`: token → (file name for errors, candles). Every series must share one interval
    /// (a single-candle series takes the others').
    public init(files: [String: (file: String, candles: [Candle])], syntheticLabel: String? = nil) throws(CandleError) {
        var interval: UInt64?
        for (_, entry) in files.sorted(by: { $0.key < $1.key }) where entry.candles.count > 1 {
            let step = entry.candles[1].time - entry.candles[0].time
            if let interval, step != interval {
                throw .intervalMismatch(file: entry.file, interval: step, expected: interval)
            }
            if interval == nil { interval = step }
        }
        series = files.mapValues(\.candles)
        self.interval = interval ?? 3600
        self.syntheticLabel = syntheticLabel
    }

    public init(series: [String: [Candle]], interval: UInt64, syntheticLabel: String? = nil) {
        self.series = series
        self.interval = interval
        self.syntheticLabel = syntheticLabel
    }

    /// The time every series covers: from the latest first candle to the earliest last one.
    public func commonRange(of tokens: [String]) throws(CandleError) -> ClosedRange<UInt64> {
        var start: UInt64 = 0, end = UInt64.max
        for token in tokens {
            guard let s = series[token], let first = s.first, let last = s.last else {
                throw .noOverlap("no candles for \(token)")
            }
            start = max(start, first.time)
            end = min(end, last.time)
        }
        guard start <= end else {
            throw .noOverlap("the candle files of \(tokens.sorted().joined(separator: ", ")) share no common time range")
        }
        return start...end
    }

    /// The close of the last candle opened at or before `time` (nil before the first one).
    public func close(_ token: String, at time: UInt64) -> Double? {
        guard let s = series[token], let first = s.first, time >= first.time else { return nil }
        // Series have no gaps (the parser refuses them), so the index is arithmetic.
        let k = min(Int((time - first.time) / interval), s.count - 1)
        return s[k].close
    }
}
