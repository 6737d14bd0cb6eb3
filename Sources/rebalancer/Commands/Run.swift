import ArgumentParser
import Cycle
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import Routing
import Strategy

/// `rebalancer run`: reconcile the journal, re-read the chain, re-plan, dry-run, and only when the
/// simulation agrees with the plan sign, journal, send and confirm; then report predicted against
/// actual. A skip is journaled with its reasons and exits 0.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Rebalance for real: plan, simulate, sign with the operator key, send, confirm, report.",
        discussion: """
            The key must be the portfolio's operator (from --key-file, --keystore or ETH_PRIVATE_KEY; never an argument). \
            On a network marked mainnet the portfolio must set policy.maxTradePercentPerRun and the command must carry \
            --confirm-mainnet. Exit codes: 0 done or skipped; 3 the simulation disagreed with the plan (nothing sent); \
            4 a transaction reverted or was dropped; 5 not settled: a send got an error reply (its fate is up to the chain), \
            or the operator has transactions the chain has not settled, so nothing was planned; 1 bad input or a node failure.
            """)

    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var output: JSONOption

    @Option(help: "Directory for the journal (<data-dir>/<network>/journal.sqlite; default REBALANCER_DATA_DIR or ~/.rebalancer).")
    var dataDir: String?

    @Option(parsing: .unconditional, help: "Seconds between receipt polls.", transform: OptionValue.seconds)
    var pollInterval: Double = 1

    @Option(parsing: .unconditional, help: "Give up waiting for confirmations after this many seconds (the journal keeps the rest for the next run).",
            transform: OptionValue.seconds)
    var timeout: Double = 900

    @Flag(help: "Required on a network marked mainnet.")
    var confirmMainnet = false

    @Flag(help: "On mainnet, refuse unless this portfolio passed a rehearsal (`rebalancer rehearse`) recently.")
    var requireRehearsal = false

    @Option(parsing: .unconditional, help: "How recent a passed rehearsal must be, in days.", transform: OptionValue.days)
    var rehearsalMaxAgeDays: Double = 14

    static let disagreementExitCode: Int32 = 3
    static let failedExitCode: Int32 = 4
    static let unsettledExitCode: Int32 = 5

    func run() throws {
        let lock = try TickLock.acquire(dataDir: dataDir, network: networkOption.network ?? (try? ConfigLoading.portfolio(path: portfolioOption.portfolio))?.network ?? "devnet")
        defer { lock.release() }
        let result = try cycle(key: try keyOptions.load(), node: try openNode())
        switch result.status {
        case .disagreed: throw ExitCode(Self.disagreementExitCode)
        case .failed: throw ExitCode(Self.failedExitCode)
        case .unsettled: throw ExitCode(Self.unsettledExitCode)
        case .completed, .skipped: return
        }
    }

    /// The node and the journal, opened once per process (a daemon keeps them across ticks).
    struct Node {
        var session: NodeSession
        var journal: Journal
    }

    func openNode() throws -> Node {
        let portfolio = try ConfigLoading.portfolio(path: portfolioOption.portfolio)
        let network = try ConfigLoading.network(named: networkOption.network ?? portfolio.network)
        let session = try reporting("--rpc-url") {
            try NodeSession(urls: rpc.urls, network: network, callTimeoutSeconds: rpc.rpcTimeout)
        }
        for line in session.refused { note("warning: \(line)") }
        try reporting("--rpc-url") { try session.verifyChain() }
        let dir = JournalLocation.dataDirectory(dataDir)
        let journalPath = try reporting("--data-dir \(dir)") { try SendingOptions.journalPath(dataDir: dir, network: network.name) }
        let journal = try reporting("--data-dir \(dir)") { try Journal(path: journalPath) }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: journalPath)
        return Node(session: session, journal: journal)
    }

    /// One cycle: the portfolio file read afresh, the mainnet rules, then the library's cycle, printed.
    func cycle(key: PrivateKey, node: Node) throws -> CycleResult {
        let portfolio = try ConfigLoading.portfolio(path: portfolioOption.portfolio)
        let network = node.session.network
        if network.mainnet {
            guard portfolio.policy.maxTradePercentPerRun != nil else {
                throw CLIError("\(portfolioOption.portfolio): policy.maxTradePercentPerRun must be set to run on mainnet (the per-run caution cap)")
            }
            guard confirmMainnet else { throw CLIError("\(network.name) is mainnet: add --confirm-mainnet to send real transactions") }
            // The runbook's rule: rehearse on a testnet before mainnet.
            if RehearsalLog.lastPassed(portfolio, dataDir: dataDir, withinDays: rehearsalMaxAgeDays) == nil {
                let message = "no rehearsal of this portfolio and policy passed in the last \(fmtDays(rehearsalMaxAgeDays)) days (rebalancer rehearse --network sepolia …)"
                if requireRehearsal { throw CLIError("\(portfolioOption.portfolio): \(message); refusing (--require-rehearsal)") }
                note("WARNING: \(message)")
            }
        }
        let showProgress = isatty(STDERR_FILENO) != 0 && !output.json
        let json = output.json
        let cycle = RebalanceCycle(
            session: node.session, journal: node.journal, portfolio: portfolio, portfolioFile: portfolioOption.portfolio,
            confirmation: ConfirmationPolicy(network: network, pollIntervalSeconds: pollInterval, timeoutSeconds: timeout),
            sendHooks: CrashInjection.hooks(), confirmerProgress: CrashInjection.confirming(nil),
            onEvent: { event in
                switch event {
                case .confirmer: if showProgress { note("\(event)") }
                case .sent: if !json { print("\(event)") }
                default: note("\(event)")
                }
            })
        let result: CycleResult
        do { result = try cycle.run(key: key) } catch { throw CLIError("\(error)") }
        try RunText.print(result, json: output.json)
        return result
    }
}

struct RunOutput: Encodable {
    var runId: Int64
    var decision: RunDecision
    var reasons: [String]
    var routes: [RouteOutcome]
    var gasUsed: UInt64?
}

enum RunText {
    static func render(runId: Int64, outcomes: [SendOutcome], transactions: [PlannedTransaction], routes: [RouteOutcome],
                       state: ChainState, allocation: [AllocationRow]) -> String {
        var out: [String] = []
        var t = Table([("transaction", .left), ("status", .left), ("block", .right), ("gas used", .right), ("estimated", .right), ("hash", .left)])
        for (tx, o) in zip(transactions, outcomes) {
            t.add([tx.label, o.status.rawValue, o.blockNumber.map(String.init) ?? "-", o.gasUsed.map(String.init) ?? "-",
                   tx.gasEstimate.map(String.init) ?? "-", o.hashHex])
        }
        out.append(t.render())
        out.append("")
        var r = Table([("route", .left), ("predicted", .right), ("actual", .right), ("slippage", .right)])
        for route in routes {
            let decimals = state.token(route.buy)?.decimals ?? 18
            r.add(["\(route.sell)→\(route.buy)", Units.exact(route.predictedOut, decimals: decimals) + " \(route.buy)",
                   route.actualOut.map { Units.exact($0, decimals: decimals) + " \(route.buy)" } ?? "-",
                   route.slippageBps.map { String(format: "%.2f bps", $0) } ?? "-"])
        }
        out.append(r.render())
        if allocation.contains(where: { $0.weightAfter != nil }) {
            out.append("")
            var a = Table([("token", .left), ("before", .right), ("after", .right), ("target", .right), ("band", .right)])
            for row in allocation {
                a.add([row.token, String(format: "%.2f%%", row.weightBefore), row.weightAfter.map { String(format: "%.2f%%", $0) } ?? "-",
                       String(format: "%.2f%%", row.target), String(format: "%.1f–%.1f%%", row.bandLower, row.bandUpper)])
            }
            out.append(a.render())
        }
        out.append("")
        out.append("run \(runId): \(outcomes.allSatisfy { $0.status == .mined } ? "completed" : "FAILED") — see `rebalancer history` and `rebalancer report --html FILE`")
        return out.joined(separator: "\n")
    }
}

func fmtDays(_ days: Double) -> String { days == days.rounded() ? String(Int(days)) : String(format: "%.1f", days) }

extension RunText {
    /// What `run` prints of a cycle: the skip and its reasons, or the transactions, routes and new
    /// weights (a dry-run disagreement and an unsettled state were said on stderr as they happened).
    static func print(_ result: CycleResult, json: Bool) throws {
        switch result.status {
        case .skipped:
            let runId = result.runId ?? 0
            if json { try JSONOutput.print(RunOutput(runId: runId, decision: .skip, reasons: result.reasons, routes: [], gasUsed: nil)) }
            else { Swift.print("run \(runId): skip — \(result.reasons.joined(separator: "; "))") }
        case .completed, .failed:
            guard let e = result.execution, let runId = result.runId else { return }
            if json {
                try JSONOutput.print(RunOutput(runId: runId, decision: .rebalance, reasons: [], routes: e.routes, gasUsed: e.summary.gasUsed))
            } else {
                Swift.print(render(runId: runId, outcomes: e.outcomes, transactions: e.transactions, routes: e.routes, state: e.state,
                                   allocation: e.allocation))
            }
        case .disagreed, .unsettled:
            break
        }
    }
}
