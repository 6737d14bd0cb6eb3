/// The common exchange export, `timestamp_ms,open,high,low,close,volume`, with or without a header
/// row; Binance kline CSVs (the same first six columns, then more, no header; microseconds in
/// the 2025 spot files) are read by the same rule. Parsing only: the caller reads the file.
public enum CandleCSV {
    public static func parse(_ text: String, file: String) throws(CandleError) -> [Candle] {
        var candles: [Candle] = []
        var row = 0
        var previous: UInt64?
        var interval: UInt64?
        let names = ["timestamp", "open", "high", "low", "close", "volume"]
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            row += 1
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t\"") }
            // A header: the first row whose first field is not a number.
            if candles.isEmpty && row == 1, Double(fields[0]) == nil { continue }
            guard fields.count >= 6 else { throw .missingColumns(file: file, row: row, found: fields.count) }
            guard let stamp = UInt64(fields[0]) ?? Double(fields[0]).flatMap({ $0 >= 0 && $0 < 1e19 ? UInt64($0) : nil }) else {
                throw .badNumber(file: file, row: row, column: names[0], text: fields[0])
            }
            // Milliseconds, or microseconds in Binance's newer files.
            let time = stamp >= 100_000_000_000_000 ? stamp / 1_000_000 : stamp / 1000
            var values: [Double] = []
            for k in 1...5 {
                guard let v = Double(fields[k]), v.isFinite else {
                    throw .badNumber(file: file, row: row, column: names[k], text: fields[k])
                }
                if k < 5, v <= 0 { throw .nonPositivePrice(file: file, row: row, column: names[k], value: v) }
                values.append(v)
            }
            if let previous {
                if time == previous { throw .duplicate(file: file, row: row, time: time) }
                if time < previous { throw .unsorted(file: file, row: row, time: time, previous: previous) }
                let step = time - previous
                if let interval {
                    if step != interval { throw .gap(file: file, row: row, expected: previous + interval, found: time) }
                } else {
                    interval = step
                }
            }
            previous = time
            candles.append(Candle(time: time, open: values[0], high: values[1], low: values[2], close: values[3], volume: values[4]))
        }
        guard !candles.isEmpty else { throw .empty(file: file) }
        return candles
    }

    /// The same format back, for `candles synth`.
    public static func render(_ candles: [Candle]) -> String {
        var out = "timestamp_ms,open,high,low,close,volume\n"
        out.reserveCapacity(candles.count * 64)
        for c in candles {
            out += "\(c.time * 1000),\(number(c.open)),\(number(c.high)),\(number(c.low)),\(number(c.close)),\(number(c.volume))\n"
        }
        return out
    }

    static func number(_ x: Double) -> String {
        // Swift's shortest text that reads back as the same Double.
        let text = "\(x)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
