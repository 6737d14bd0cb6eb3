import ArgumentParser
import Cycle
import EthCore
import Execution
import Foundation
import Market

/// `rebalancer rehearse`: the same portfolio and policy, for real, on a testnet (or the devnet),
/// with a report of what mainnet would face: predicted against actual per route, slippage, gas,
/// fees, cost against the dry run, time to confirmation. A passed rehearsal is what `run` on
/// mainnet looks for.
struct Rehearse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the portfolio on a testnet and report predicted against actual (mainnet is refused).")

    @OptionGroup var cycle: RunCommand

    @Option(help: "Also write the rehearsal report as JSON to this file.")
    var out: String?

    struct Report: Encodable {
        var network: String
        var portfolio: String
        var fingerprint: String
        var runId: Int64?
        var passed: Bool
        var reason: String?
        var execution: ExecutionSummary?
    }

    func run() throws {
        try cycle.portfolioOption.requireOne()
        let portfolio = try ConfigLoading.portfolio(path: cycle.portfolioOption.portfolio)
        let network = try ConfigLoading.network(named: cycle.networkOption.network ?? portfolio.network)
        guard !network.mainnet else { throw CLIError("--network: \(network.name) is mainnet; rehearse on a testnet (sepolia) or the devnet") }
        let lock = try TickLock.acquire(dataDir: cycle.dataDir, network: network.name)
        defer { lock.release() }
        let summary = try cycle.cycle(key: try cycle.keyOptions.load(), node: try cycle.openNode())

        var reason = summary.reason
        var passed = summary.status == .completed
        if summary.status == .skipped {
            passed = false
            reason = "nothing to rehearse: the decision was skip (\(summary.reason ?? ""))"
        }
        if let routes = summary.execution?.summary.routes {
            for r in routes where (r.actualOut ?? .zero) < r.minOut {
                passed = false
                reason = "\(r.sell)→\(r.buy) paid less than its minimum output"
            }
        }
        let report = Report(network: network.name, portfolio: cycle.portfolioOption.portfolio,
                            fingerprint: RehearsalLog.fingerprint(portfolio), runId: summary.runId, passed: passed,
                            reason: reason, execution: summary.execution?.summary)
        try reporting("rehearsal log") {
            try RehearsalLog.append(RehearsalRecord(fingerprint: report.fingerprint, portfolio: report.portfolio, network: network.name,
                                                    runId: summary.runId, passed: passed, at: Date(), reason: reason),
                                    dataDir: cycle.dataDir)
        }
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reporting("--out \(out)") { try encoder.encode(report).write(to: URL(fileURLWithPath: out), options: .atomic) }
        }
        if !cycle.output.json {
            print(Self.render(report))
        } else {
            try JSONOutput.print(report)
        }
        if !passed { throw ExitCode(RunCommand.failedExitCode) }
    }

    static func render(_ r: Report) -> String {
        var lines = ["rehearsal on \(r.network) (run \(r.runId.map(String.init) ?? "-")): \(r.passed ? "PASSED" : "FAILED")\(r.reason.map { " — \($0)" } ?? "")"]
        if let e = r.execution {
            var t = Table([("route", .left), ("predicted", .right), ("minimum", .right), ("actual", .right), ("slippage", .right)])
            for route in e.routes {
                t.add(["\(route.sell)→\(route.buy)", route.predictedOut.description, route.minOut.description,
                       route.actualOut?.description ?? "-", route.slippageBps.map { String(format: "%.2f bps", $0) } ?? "-"])
            }
            lines.append(t.render())
            lines.append("gas: used \(e.gasUsed), estimated \(e.gasEstimated)")
            lines.append("cost: \(Units.exact(e.costWei, decimals: 18)) ETH paid, dry run predicted \(Units.exact(e.dryRunCostWei, decimals: 18)) ETH")
            lines.append("pool fees: " + String(format: "%.4f", e.feesPaid) + " \(e.quoteToken); time to confirmation: "
                         + String(format: "%.1f", e.secondsToConfirmation) + " s")
            for s in e.sending {
                let blocks = s.inclusionBlocks.map { ", included after \($0) block\($0 == 1 ? "" : "s")" } ?? ""
                let seconds = s.inclusionSeconds.map { String(format: " (%.1f s)", $0) } ?? ""
                lines.append("sent: \(s.label) via \(s.sentVia.split(separator: ",").joined(separator: " → "))\(blocks)\(seconds)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
