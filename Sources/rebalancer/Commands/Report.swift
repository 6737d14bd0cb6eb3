import ArgumentParser
import Execution
import Foundation
import Operations

/// `rebalancer report --html FILE`: a self-contained HTML page for a journaled run (the newest by
/// default): allocation before/after against targets and bands, the routes, gas and cost,
/// predicted against actual.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a run from the journal.")

    @Option(name: .customLong("run"), parsing: .unconditional, help: "Run id (see `rebalancer history`); default: the newest run that has a report.")
    var runId: Int64?

    @Option(help: "Where to write the HTML page.")
    var html: String

    @Option(help: "Data directory holding <network>/journal.sqlite (default REBALANCER_DATA_DIR or ~/.rebalancer).")
    var dataDir: String?

    @Option(help: "Network whose journal to read.", transform: OptionValue.networkName)
    var network: String = "devnet"

    func run() throws {
        let path = DataDirectory(dataDir).journalPath(network: network)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no journal at \(path): nothing has run on \(network) with this data directory yet")
        }
        let journal = try reporting("journal \(path)") { try Journal(path: path) }
        let record: RunRecord
        if let id = runId {
            let found = try reporting("--run") { try journal.run(id) }
            guard let r = found else { throw CLIError("--run: the journal has no run \(id)") }
            record = r
        } else {
            let runs = try reporting("journal \(path)") { try journal.runs(limit: 200, network: network) }
            guard let r = runs.first(where: { Self.decodeReport($0) != nil }) else {
                throw CLIError("the journal at \(path) has no run with a report yet (run `rebalancer run` first)")
            }
            record = r
        }
        guard var report = Self.decodeReport(record) else {
            throw CLIError("--run: run \(record.id ?? 0) has no report (it was a \(record.decision) of kind \(record.mode))")
        }
        report.runId = record.id
        let page = HTMLReport.render(report)
        try reporting("--html \(html)") { try page.write(toFile: html, atomically: true, encoding: .utf8) }
        print(URL(fileURLWithPath: html).standardizedFileURL.path)
    }

    /// Runs store their `RunReport` as the journal's outcome JSON.
    static func decodeReport(_ run: RunRecord) -> RunReport? {
        guard let text = run.outcome else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(RunReport.self, from: Data(text.utf8))
    }
}
