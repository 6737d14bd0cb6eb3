import ArgumentParser
import EthCore
import Execution
import Foundation

/// Past runs from the journal: decision, trades, gas, cost, predicted against actual.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List past runs from the journal (decisions, skips with their reasons, outcomes).")

    @Option(help: "Data directory holding <network>/journal.sqlite (default ~/.rebalancer or REBALANCER_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Network whose journal to read.", transform: OptionValue.networkName)
    var network: String = "devnet"

    @Option(parsing: .unconditional, help: "How many runs, newest first.", transform: OptionValue.count)
    var limit: Int = 20

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let path = DataDirectory(dataDir).journalPath(network: network)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no journal at \(path): nothing has run on \(network) with this data directory yet")
        }
        let journal = try reporting("journal \(path)") { try Journal(path: path) }
        let runs = try reporting("journal \(path)") { try journal.runs(limit: limit, network: network) }
        let entries = try runs.map { run in
            HistoryEntry(run: run, transactions: try reporting("journal \(path)") { try journal.transactions(runId: run.id ?? -1) })
        }
        if json {
            try JSONOutput.print(entries)
            return
        }
        if runs.isEmpty {
            print("no runs on \(network) yet")
            return
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        var table = Table([("run", .right), ("started (UTC)", .left), ("block", .right), ("kind", .left), ("decision", .left),
                           ("status", .left), ("txs", .right), ("gas used / reasons", .left)])
        for e in entries {
            let gas = e.transactions.compactMap(\.gasUsed).reduce(0, +)
            var detail = e.decision == .skip ? e.reasons.joined(separator: "; ") : (gas > 0 ? "\(gas) gas" : "")
            if e.decision == .rebalance, case .report(let report)? = e.outcome, let cost = report.cost {
                let side = cost.actual ?? cost.predicted
                detail += (detail.isEmpty ? "" : "; ") + "cost \(cost.actual == nil ? "predicted" : "actual") "
                    + RebalanceCost.line(side, quote: cost.quoteToken)
            }
            if case .report(let report)? = e.outcome, let paper = report.paper {
                let book = String(format: "paper %.2f vs hold %.2f %@", paper.value, paper.holdValue, report.quoteToken)
                detail = detail.isEmpty ? book : "\(book); \(detail)"
            }
            table.add(["\(e.id)", formatter.string(from: e.startedAt), e.block.map(String.init) ?? "-", e.mode.rawValue, e.decision.rawValue,
                       e.status.rawValue, "\(e.transactions.count)", detail])
        }
        print(table.render())
    }
}

/// One run as `history --json` prints it.
struct HistoryEntry: Encodable {
    struct Transaction: Encodable {
        var hash: Hash32
        var nonce: UInt64
        var intent: String
        var status: TransactionStatus
        var gasUsed: UInt64?
    }

    /// What the run wrote when it ended: its report, the count of transactions per end status, or
    /// (from an older version) text.
    enum Outcome: Encodable {
        case report(RunReport)
        case counts([String: Int])
        case text(String)

        init(_ text: String) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            if let report = try? decoder.decode(RunReport.self, from: Data(text.utf8)) { self = .report(report) }
            else if let counts = try? decoder.decode([String: Int].self, from: Data(text.utf8)) { self = .counts(counts) }
            else { self = .text(text) }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .report(let r): try r.encode(to: encoder)
            case .counts(let c): try c.encode(to: encoder)
            case .text(let t): try t.encode(to: encoder)
            }
        }
    }

    var id: Int64
    var startedAt: Date
    var network: String
    var portfolio: String
    var mode: RunKind
    var block: UInt64?
    var decision: RunDecision
    var status: RunStatus
    var reasons: [String]
    var transactions: [Transaction]
    var outcome: Outcome?

    init(run: RunRecord, transactions: [TransactionRecord]) {
        id = run.id ?? 0
        startedAt = run.startedAt
        network = run.network
        portfolio = run.portfolio
        mode = run.mode
        block = run.blockNumber
        decision = run.decision
        status = run.status
        reasons = run.reasons
        self.transactions = transactions.map {
            Transaction(hash: $0.hash, nonce: $0.nonce, intent: $0.intent, status: $0.status, gasUsed: $0.gasUsed)
        }
        outcome = run.outcome.map(Outcome.init)
    }
}
