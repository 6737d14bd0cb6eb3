import ArgumentParser
import Cycle
import EthSigning
import Execution
import Foundation
import MarketLoading

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

    @OptionGroup var portfolioOption: CyclePortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var sending: SendViaOptions
    @OptionGroup var output: JSONOption
    @OptionGroup var logging: LogOptions

    @Option(help: "Directory for the journal (<data-dir>/<network>/journal.sqlite; default REBALANCER_DATA_DIR or ~/.rebalancer).")
    var dataDir: String?

    @Option(parsing: .unconditional, help: "Seconds between receipt polls.", transform: OptionValue.seconds)
    var pollInterval: Double = 1

    @Option(parsing: .unconditional, help: "Give up waiting for confirmations after this many seconds (the journal keeps the rest for the next run).",
            transform: OptionValue.seconds)
    var timeout: Double = 900

    @Option(help: ArgumentHelp("Write Prometheus metrics to this file after each cycle (for node_exporter's textfile collector, *.prom).",
                               valueName: "file"))
    var metricsFile: String?

    @Flag(help: "Required on a network marked mainnet.")
    var confirmMainnet = false

    @Flag(help: "On mainnet, refuse unless this portfolio passed a rehearsal (`rebalancer rehearse`) recently.")
    var requireRehearsal = false

    @Option(parsing: .unconditional, help: "How recent a passed rehearsal must be, in days.", transform: OptionValue.days)
    var rehearsalMaxAgeDays: Double = 14

    @Flag(help: "Paper trading: the live decision without a key; fills at the exact quoted outputs go to a paper book in the journal, nothing is signed or sent.")
    var paper = false

    static let disagreementExitCode: Int32 = 3
    static let failedExitCode: Int32 = 4
    static let unsettledExitCode: Int32 = 5

    func run() throws {
        try portfolioOption.requireOne()
        let lock = try TickLock.acquire(dataDir: dataDir, network: networkOption.network ?? (try? ConfigLoading.portfolio(path: portfolioOption.portfolio))?.network ?? "devnet")
        defer { lock.release() }
        let key = paper ? nil : try keyOptions.load()
        let metrics = try metricsFile.map { file in
            let portfolio = try ConfigLoading.portfolio(path: portfolioOption.portfolio)
            return MetricsSink(dataDir: dataDir, network: networkOption.network ?? portfolio.network, portfolioFile: portfolioOption.portfolio,
                               quoteToken: portfolio.quoteToken, textFile: file)
        }
        let node: Node
        do { node = try openNode() } catch {
            metrics?.recordError(kind: "node")
            throw error
        }
        let result = try cycle(key: key, node: node, metrics: metrics)
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
        return Node(session: session, journal: try DataDirectory(dataDir).openJournal(network: network.name))
    }

    /// One cycle: the portfolio file read afresh, the mainnet rules, then the library's cycle, printed.
    /// `portfolioFile` (default --portfolio) and `preloaded` (its state from a read shared with other
    /// portfolios) serve the daemon's --portfolios. Without a key the cycle is a paper run.
    func cycle(key: PrivateKey?, node: Node, metrics: MetricsSink? = nil, portfolioFile: String? = nil,
               preloaded: LoadedState? = nil) throws -> CycleResult {
        let file = portfolioFile ?? portfolioOption.portfolio
        var portfolio = try ConfigLoading.portfolio(path: file)
        let network = node.session.network
        if network.mainnet && !paper {
            guard portfolio.policy.maxTradePercentPerRun != nil else {
                throw CLIError("\(file): policy.maxTradePercentPerRun must be set to run on mainnet (the per-run caution cap)")
            }
            guard confirmMainnet else { throw CLIError("\(network.name) is mainnet: add --confirm-mainnet to send real transactions") }
            // The runbook's rule: rehearse on a testnet before mainnet.
            if RehearsalLog.lastPassed(portfolio, dataDir: dataDir, withinDays: rehearsalMaxAgeDays) == nil {
                let message = "no rehearsal of this portfolio and policy passed in the last \(fmtDays(rehearsalMaxAgeDays)) days (rebalancer rehearse --network sepolia …)"
                if requireRehearsal { throw CLIError("\(file): \(message); refusing (--require-rehearsal)") }
                note("WARNING: \(message)")
            }
            portfolio = GraduationCheck.apply(portfolio, network: network, portfolioFile: file, journal: node.journal, dataDir: dataDir)
        }
        let channel = try sending.channel(network: network, operatorKey: key)
        if logging.requested { logging.bootstrap(defaultLevel: .info) }
        let structured = LogOptions.active && logging.logFormat == .json
        // On a terminal the confirmations are one progress line redrawn in place; logs and pipes get none.
        let progress = isatty(STDERR_FILENO) != 0 && !output.json && !structured ? ProgressLine() : nil
        let json = output.json
        var cycle = RebalanceCycle(
            session: node.session, journal: node.journal, portfolio: portfolio, portfolioFile: file,
            confirmation: ConfirmationPolicy(network: network, pollIntervalSeconds: pollInterval, timeoutSeconds: timeout),
            sendHooks: CrashInjection.hooks(), confirmerProgress: CrashInjection.confirming(nil), channel: channel,
            onEvent: { event in
                switch event {
                case .confirmer(let step): progress?.show(step)
                case .sent: if !json { print("\(event)") }
                // As JSON lines the cycle's log carries these; a text line would break the stream.
                default: if !structured { note("\(event)") }
                }
            })
        if LogOptions.active {
            cycle.logger = LogOptions.cycleLogger(network: network.name, portfolioFile: file,
                                                  fingerprint: RehearsalLog.fingerprint(portfolio))
        }
        cycle.preloaded = preloaded
        let result: CycleResult
        do {
            if let key { result = try cycle.run(key: key) } else { result = try cycle.runPaper() }
        } catch {
            progress?.clear()
            metrics?.recordError(kind: error.kind)
            throw CLIError("\(error)")
        }
        progress?.clear()
        metrics?.record(result, pending: try? node.journal.pendingTransactions().count)
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
    /// Seconds per stage of the cycle, in order.
    var timings: [StageSeconds]
    /// Fees, price impact and gas in the quote token, predicted and actual (rebalances only).
    var cost: RebalanceCost? = nil
    /// How each transaction was sent and how long inclusion took.
    var sending: [SendingSummary] = []
    /// Paper runs: the book's value, holding's value, and the fills' predicted costs (quote units).
    var paper: RunReport.PaperSummary? = nil
}

func fmtDays(_ days: Double) -> String { days == days.rounded() ? String(Int(days)) : String(format: "%.1f", days) }
