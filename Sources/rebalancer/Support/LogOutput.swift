import ArgumentParser
import EthRPC
import Foundation
import Logging

/// `--log-format text|json` and `--log-level`: the cycle's stage logs on stderr, one line each
/// (JSON lines for journald and Loki). Without either flag `run` logs nothing beyond its notes and
/// the daemon logs at notice.
struct LogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Log lines on stderr as text or json (one JSON object per line).")
    var logFormat: Format?

    @Option(help: ArgumentHelp("Lowest level logged: trace, debug, info, notice, warning, error, critical.", valueName: "level"),
            transform: LogOptions.level)
    var logLevel: Logger.Level?

    static func level(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw CLIError("expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    /// Whether logging was asked for.
    var requested: Bool { logFormat != nil || logLevel != nil }

    /// The process's log output, set up once; `defaultLevel` applies when --log-level is not given.
    func bootstrap(defaultLevel: Logger.Level) {
        let format = logFormat ?? .text, level = logLevel ?? defaultLevel
        LogBootstrap.once { LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, logLevel: level) } }
    }

    /// Whether log output was set up in this process.
    static var active: Bool { LogBootstrap.lock.withLock { LogBootstrap.done } }

    /// The cycle's logger with the run's identity as metadata.
    static func cycleLogger(network: String, portfolioFile: String, fingerprint: String) -> Logger {
        var logger = Logger(label: "rebalancer")
        logger[metadataKey: "network"] = .string(network)
        logger[metadataKey: "portfolio"] = .string(portfolioFile)
        logger[metadataKey: "fingerprint"] = .string(String(fingerprint.prefix(16)))
        return logger
    }
}

private enum LogBootstrap {
    static let lock = NSLock()
    nonisolated(unsafe) static var done = false

    static func once(_ body: () -> Void) {
        lock.withLock {
            guard !done else { return }
            done = true
            body()
        }
    }
}

/// One line per entry on stderr. Every text that reaches it is scrubbed of URL secrets (user info,
/// API keys in paths and queries), so a node error quoting its URL cannot leak the credential.
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogOptions.Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogOptions.Format, logLevel: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let line = Self.line(format: format, time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: all)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func line(format: LogOptions.Format, time: Date, level: Logger.Level, label: String, message: String,
                     metadata: Logger.Metadata) -> String {
        let stamp = ISO8601DateFormatter().string(from: time)
        switch format {
        case .text:
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(scrub(text($0.value)))" }
            return ([stamp, level.rawValue, scrub(message)] + fields).joined(separator: " ")
        case .json:
            var object: [String: Any] = ["time": stamp, "level": level.rawValue, "logger": label, "message": scrub(message)]
            for (key, value) in metadata where object[key] == nil { object[key] = json(value) }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let a): return "[" + a.map(text).joined(separator: ",") + "]"
        case .dictionary(let d): return "{" + d.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: ",") + "}"
        }
    }

    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): return scrub(s)
        case .stringConvertible(let c):
            if let n = c as? UInt64 { return NSNumber(value: n) }
            if let n = c as? Int64 { return NSNumber(value: n) }
            if let n = c as? Int { return NSNumber(value: n) }
            if let d = c as? Double, d.isFinite { return d }
            return scrub(c.description)
        case .array(let a): return a.map(json)
        case .dictionary(let d): return d.mapValues(json)
        }
    }

    /// Every word holding "://" replaced by its masked form.
    static func scrub(_ text: String) -> String {
        guard text.contains("://") else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.contains("://") ? RedactedURL(String($0)).display : String($0) }
            .joined(separator: " ")
    }
}
