import EthCore
import Foundation
import Strategy

/// Rehearsals that ran, by portfolio fingerprint, in `<data dir>/rehearsals.json`: what lets
/// `run` on mainnet check that this portfolio and policy were rehearsed recently.
struct RehearsalRecord: Codable {
    var fingerprint: String
    var portfolio: String
    var network: String
    var runId: Int64?
    var passed: Bool
    var at: Date
    var reason: String?
}

enum RehearsalLog {
    static func path(dataDir: String?) -> String {
        DataDirectory(dataDir).rehearsalLogPath
    }

    /// The same targets, quote token, custody mode and policy make the same fingerprint on any
    /// network (addresses and the network name are what a rehearsal changes).
    static func fingerprint(_ portfolio: PortfolioConfig) -> String {
        struct Identity: Encodable {
            var mode: String
            var quoteToken: String
            var targets: [TargetWeight]
            var policy: Policy
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let identity = Identity(mode: portfolio.mode.rawValue, quoteToken: portfolio.quoteToken,
                                targets: portfolio.targets.sorted { $0.token < $1.token }, policy: portfolio.policy)
        let data = (try? encoder.encode(identity)) ?? Data()
        return Hex.encode(Keccak256.hash(Array(data)))
    }

    static func load(dataDir: String?) -> [RehearsalRecord] {
        guard let data = FileManager.default.contents(atPath: path(dataDir: dataDir)) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode([RehearsalRecord].self, from: data)) ?? []
    }

    static func append(_ record: RehearsalRecord, dataDir: String?) throws {
        let records = load(dataDir: dataDir) + [record]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = path(dataDir: dataDir)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file).deletingLastPathComponent(),
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try encoder.encode(records).write(to: URL(fileURLWithPath: file), options: .atomic)
    }

    /// The newest passed rehearsal of this portfolio no older than `days`.
    static func lastPassed(_ portfolio: PortfolioConfig, dataDir: String?, withinDays days: Double, now: Date = Date()) -> RehearsalRecord? {
        let fingerprint = fingerprint(portfolio)
        return load(dataDir: dataDir).filter { $0.passed && $0.fingerprint == fingerprint && now.timeIntervalSince($0.at) <= days * 86_400 }
            .max { $0.at < $1.at }
    }
}
