import ArgumentParser
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
        let path = JournalLocation.path(dataDir: dataDir, network: network)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no journal at \(path): nothing has run on \(network) with this data directory yet")
        }
        let journal = try reporting("journal \(path)") { try Journal(path: path) }
        let runs = try reporting("journal \(path)") { try journal.runs(limit: limit, network: network) }
        if json {
            let entries = try runs.map { run -> [String: Any] in
                let txs = try journal.transactions(runId: run.id ?? -1)
                var entry: [String: Any] = [
                    "id": run.id ?? 0, "startedAt": ISO8601DateFormatter().string(from: run.startedAt), "network": run.network,
                    "portfolio": run.portfolio, "mode": run.mode, "decision": run.decision, "status": run.status.rawValue,
                    "reasons": (try? JSONSerialization.jsonObject(with: Data(run.reasons.utf8))) ?? [],
                    "transactions": txs.map { ["hash": $0.hash, "nonce": $0.nonce, "intent": $0.intent, "status": $0.status.rawValue,
                                               "gasUsed": $0.gasUsed.map { String($0) } ?? NSNull()] as [String: Any] },
                ]
                if let block = run.blockNumber { entry["block"] = block }
                if let outcome = run.outcome, let value = try? JSONSerialization.jsonObject(with: Data(outcome.utf8)) { entry["outcome"] = value }
                return entry
            }
            let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if runs.isEmpty {
            print("no runs on \(network) yet")
            return
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let widths = [5, 17, 8, 10, 10, 4]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
                + " " + (cells.last ?? "")
        }
        print(line(["run", "started (UTC)", "block", "decision", "status", "txs", "gas used / reasons"]))
        for run in runs {
            let txs = (try? journal.transactions(runId: run.id ?? -1)) ?? []
            let gas = txs.compactMap(\.gasUsed).reduce(0, +)
            let reasons = ((try? JSONSerialization.jsonObject(with: Data(run.reasons.utf8))) as? [String]) ?? []
            let detail = run.decision == "skip" ? reasons.joined(separator: "; ") : (gas > 0 ? "\(gas) gas" : "")
            print(line(["\(run.id ?? 0)", formatter.string(from: run.startedAt), run.blockNumber.map { "\($0)" } ?? "-",
                        run.decision, run.status.rawValue, "\(txs.count)", detail]))
        }
    }
}

