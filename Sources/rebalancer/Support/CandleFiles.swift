import Backtest
import Foundation

/// Reading and writing a candle directory: one `<SYMBOL>.csv` per token, plus `synthetic.txt` when
/// the set was generated (its one line labels every output made from it).
enum CandleFiles {
    static let syntheticMarker = "synthetic.txt"

    static func load(directory: String, tokens: [String]) throws -> CandleSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("--candles: \(directory) is not a directory")
        }
        var files: [String: (file: String, candles: [Candle])] = [:]
        for token in tokens {
            let path = (directory as NSString).appendingPathComponent("\(token).csv")
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("\(CandleError.missingToken(token: token, directory: directory))")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the file") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path): not UTF-8 text") }
            do { files[token] = (path, try CandleCSV.parse(text, file: path)) } catch { throw CLIError("\(error)") }
        }
        let marker = (directory as NSString).appendingPathComponent(syntheticMarker)
        let label = FileManager.default.contents(atPath: marker).map {
            String(decoding: $0, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? "synthetic"
        }
        do { return try CandleSet(files: files, syntheticLabel: label) } catch { throw CLIError("\(error)") }
    }

    /// `description` nil: no synthetic marker (candles of real data).
    static func write(_ set: CandleSet, directory: String, description: String?, option: String = "--out") throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (symbol, candles) in set.series.sorted(by: { $0.key < $1.key }) {
                let path = (directory as NSString).appendingPathComponent("\(symbol).csv")
                try Data(CandleCSV.render(candles).utf8).write(to: URL(fileURLWithPath: path))
            }
            if let description {
                let marker = (directory as NSString).appendingPathComponent(syntheticMarker)
                try Data((description + "\n").utf8).write(to: URL(fileURLWithPath: marker))
            }
        } catch {
            throw CLIError("\(option): cannot write \(directory): \(error.localizedDescription)")
        }
    }
}

/// `--from`/`--to`: a date (2025-01-01), a UTC time (2025-01-01T06:00:00Z) or Unix milliseconds.
enum TimeArgument {
    static func parse(_ text: String, option: String) throws -> UInt64 {
        if let ms = UInt64(text) { return ms / 1000 }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) ?? full.date(from: text + "T00:00:00Z"), date.timeIntervalSince1970 >= 0 {
            return UInt64(date.timeIntervalSince1970)
        }
        throw CLIError("\(option): expected a date (2025-01-01), a UTC time (2025-01-01T06:00:00Z) or Unix milliseconds, got \"\(text)\"")
    }

    static func text(_ seconds: UInt64) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

/// `--every 1h`: a duration in s, m, h or d, at least a minute.
enum DurationArgument {
    static func parse(_ text: String, option: String) throws -> UInt64 {
        guard let seconds = Daemon.seconds(text), seconds >= 60, seconds <= OptionValue.maxSeconds else {
            throw CLIError("\(option): write a duration of at least a minute like 15m, 1h, 1d or 7d, got \"\(text)\"")
        }
        return UInt64(seconds)
    }

    static func text(_ seconds: UInt64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
