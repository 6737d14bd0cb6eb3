import Foundation

/// What a dashboard scrapes about one portfolio, in the Prometheus text format (version 0.0.4):
/// ticks by outcome, the last successful rebalance, drift per token, the portfolio's value, gas and
/// pool fees spent, pending transactions, node errors by kind, the alert state. Counters live as
/// long as the file that keeps them (`save`/`load`), so timer-started runs count on.
public struct RebalancerMetrics: Codable, Sendable, Equatable {
    public var network: String
    public var portfolio: String
    public var quoteToken: String
    public var ticks: [String: Double] = [:]
    public var lastSuccess: Date?
    public var lastTick: Date?
    public var driftPoints: [String: Double] = [:]
    public var weightPercent: [String: Double] = [:]
    public var portfolioValue: Double?
    public var gasSpentWei: Double = 0
    public var feesPaid: Double = 0
    public var pendingTransactions: Int = 0
    public var nodeErrors: [String: Double] = [:]
    public var alerting = false

    public init(network: String, portfolio: String, quoteToken: String) {
        self.network = network
        self.portfolio = portfolio
        self.quoteToken = quoteToken
    }

    /// One cycle ended with `outcome` (completed, skipped, disagreed, failed, unsettled, error).
    public mutating func recordTick(_ outcome: String, at time: Date) {
        ticks[outcome, default: 0] += 1
        lastTick = time
        if outcome == "completed" { lastSuccess = time }
    }

    public mutating func recordNodeError(kind: String) { nodeErrors[kind, default: 0] += 1 }

    /// The text a scrape returns.
    public func render() -> String {
        var out = ""
        let base = "network=\"\(Self.escape(network))\",portfolio=\"\(Self.escape(portfolio))\""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples {
                out += "\(name){\(base)\(labels.isEmpty ? "" : "," + labels)} \(Self.number(value))\n"
            }
        }
        family("rebalancer_ticks_total", "counter", "Cycles (run or daemon ticks) by outcome.",
               ticks.sorted { $0.key < $1.key }.map { ("outcome=\"\(Self.escape($0.key))\"", $0.value) })
        family("rebalancer_last_success_timestamp_seconds", "gauge", "When the last rebalance completed (0: never).",
               [("", lastSuccess?.timeIntervalSince1970 ?? 0)])
        family("rebalancer_last_tick_timestamp_seconds", "gauge", "When the last cycle ended (0: never).",
               [("", lastTick?.timeIntervalSince1970 ?? 0)])
        family("rebalancer_drift_points", "gauge", "Weight minus target per token, percentage points, at the last decision.",
               driftPoints.sorted { $0.key < $1.key }.map { ("token=\"\(Self.escape($0.key))\"", $0.value) })
        family("rebalancer_weight_percent", "gauge", "Weight per token at the last decision, percent.",
               weightPercent.sorted { $0.key < $1.key }.map { ("token=\"\(Self.escape($0.key))\"", $0.value) })
        if let portfolioValue {
            family("rebalancer_portfolio_value", "gauge", "The portfolio's value in its quote token at the last decision.",
                   [("quote=\"\(Self.escape(quoteToken))\"", portfolioValue)])
        }
        family("rebalancer_gas_spent_wei_total", "counter", "Gas paid by the operator for rebalances, in wei.", [("", gasSpentWei)])
        family("rebalancer_pool_fees_paid_total", "counter", "Pool fees paid by rebalances, in the quote token.",
               [("quote=\"\(Self.escape(quoteToken))\"", feesPaid)])
        family("rebalancer_pending_transactions", "gauge", "Journaled transactions the chain has not settled.",
               [("", Double(pendingTransactions))])
        family("rebalancer_node_errors_total", "counter", "Cycles that failed on the node, journal, dry run or confirmation, by kind.",
               nodeErrors.sorted { $0.key < $1.key }.map { ("kind=\"\(Self.escape($0.key))\"", $0.value) })
        family("rebalancer_alerting", "gauge", "1 while an alert is open (failures in a row past the threshold), else 0.",
               [("", alerting ? 1 : 0)])
        return out
    }

    /// Label values escape backslash, quote and newline.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }

    public static func load(_ path: String) -> RebalancerMetrics? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(RebalancerMetrics.self, from: data)
    }

    public func save(_ path: String) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes the text for node_exporter's textfile collector: to a temporary file renamed into
    /// place, so the collector never reads half a file.
    public func writeTextFile(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(render().utf8).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
