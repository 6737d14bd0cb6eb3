import ArgumentParser
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
        let summary = try cycle(key: try keyOptions.load())
        switch summary.status {
        case .disagreed: throw ExitCode(Self.disagreementExitCode)
        case .failed: throw ExitCode(Self.failedExitCode)
        case .unsettled: throw ExitCode(Self.unsettledExitCode)
        case .completed, .skipped: return
        }
    }

    /// How one cycle ended (what `run` maps to its exit code and the daemon to its alerts).
    struct CycleSummary {
        /// `unsettled`: nothing planned, or a send's fate unknown, until the chain settles the operator's transactions.
        enum Status { case completed, skipped, disagreed, failed, unsettled }
        var status: Status
        var runId: Int64?
        var decision: Decision?
        var mainnet: Bool
        var reason: String?
        /// Filled when transactions were sent: what a rehearsal report compares.
        var execution: ExecutionSummary?
    }

    struct ExecutionSummary: Encodable {
        var routes: [RouteOutcome]
        var gasEstimated: UInt64
        var gasUsed: UInt64
        var costWei: UInt256
        var dryRunCostWei: UInt256
        var feesPaid: Double
        var quoteToken: String
        var secondsToConfirmation: Double
    }

    /// Check → decide → (maybe) send, once. The key is loaded by the caller (once per daemon).
    func cycle(key: PrivateKey) throws -> CycleSummary {
        let portfolio = try ConfigLoading.portfolio(path: portfolioOption.portfolio)
        let network = try ConfigLoading.network(named: networkOption.network ?? portfolio.network)
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
        guard key.address == portfolio.operator else {
            throw CLIError("the key is for \(key.address.checksummed), but \(portfolioOption.portfolio) names operator \(portfolio.operator.checksummed)")
        }
        let connection = try NodeConnection.open(urls: rpc.urls, network: network)
        let client = connection.client
        try reporting("--rpc-url") { try TransactionSender.verifyChainId(client: client, network: network) }
        let dir = JournalLocation.dataDirectory(dataDir)
        let journalPath = try reporting("--data-dir \(dir)") { try SendingOptions.journalPath(dataDir: dir, network: network.name) }
        let journal = try reporting("--data-dir \(dir)") { try Journal(path: journalPath) }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: journalPath)
        let policy = ConfirmationPolicy(network: network, pollIntervalSeconds: pollInterval, timeoutSeconds: timeout)
        var progress: (@Sendable (ConfirmerEvent) -> Void)? = nil
        if isatty(STDERR_FILENO) != 0 && !output.json {
            progress = { event in FileHandle.standardError.write(Data("  \(event)\n".utf8)) }
        }

        // 1. Whatever an earlier run left unfinished is settled first; nothing new is sent meanwhile.
        let settled = try reconcile(client: client, journal: journal, network: network, key: key, policy: policy, progress: progress)
        if settled { note("run: settled earlier unfinished transactions first (see `rebalancer history`)") }
        do { try PendingNonceCheck(client: client, journal: journal).verifyQuiet(key.address) } catch {
            switch error {
            case .unsettled, .unexplainedPendingNonces:
                note("run: \(error)")
                return CycleSummary(status: .unsettled, runId: nil, decision: nil, mainnet: network.mainnet, reason: "\(error)")
            default: throw CLIError("--rpc-url: \(error)")
            }
        }

        // 2. Fresh state, the journal's price history for the moving-average guard, and a new plan.
        var state = try StateReading.read(network: network, portfolio: portfolio, rpc: rpc, block: nil).state
        try ConfigLoading.validate(portfolio, file: portfolioOption.portfolio, knownTokens: Set(state.tokens.map(\.symbol)))
        let history = (try? journal.priceHistory(network: network.name, quote: portfolio.quoteToken,
                                                 limit: portfolio.policy.movingAverageWindow)) ?? []
        if !history.isEmpty, state.priceHistory == nil {
            state.priceHistory = PriceHistory(quote: portfolio.quoteToken, samples: history.map {
                PriceHistory.Sample(timestamp: $0.timestamp, prices: $0.prices) })
        }
        let now = UInt64(max(0, Date().timeIntervalSince1970))
        let result: PlanningResult
        do { result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: now) } catch {
            throw CLIError("\(portfolioOption.portfolio): \(error)")
        }
        let outcome = result.outcome
        try? journal.recordPrices(network: network.name, blockNumber: state.block.number, blockTimestamp: state.block.timestamp,
                                  quote: portfolio.quoteToken, prices: outcome.prices.prices)
        var report = baseReport(state: state, network: network, portfolio: portfolio, result: result)

        // 3. A skip is a decision: journaled with its reasons.
        guard outcome.decision.shouldRebalance, let plan = result.plan, !plan.transactions.isEmpty else {
            let reasons = outcome.decision.reasons.map(\.description) + (result.routingError.map { ["routing failed: \($0)"] } ?? [])
            let runId = try reporting("journal") {
                try journal.beginRun(network: network.name, portfolio: portfolioOption.portfolio, mode: RunKind(portfolio.mode),
                                     blockNumber: state.block.number, decision: .skip, reasons: reasons, plan: nil, status: .skipped)
            }
            report.runId = runId
            try? journal.finishRun(runId, status: .skipped, outcome: encode(report))
            if output.json { try JSONOutput.print(RunOutput(runId: runId, decision: .skip, reasons: reasons, routes: [], gasUsed: nil)) }
            else { print("run \(runId): skip — \(reasons.joined(separator: "; "))") }
            return CycleSummary(status: .skipped, runId: runId, decision: outcome.decision, mainnet: network.mainnet,
                                reason: reasons.joined(separator: "; "))
        }

        // 4. Dry run at this block: it must agree with the plan to the wei, or nothing is sent.
        let context = DryRunContext(
            quoteToken: portfolio.quoteToken,
            nativePriceInQuote: network.wrappedNative.flatMap { outcome.prices.price($0) },
            baseFeePerGas: state.block.baseFeePerGas,
            priorityFeePerGas: min(state.priorityFeePerGas ?? network.gas.maxPriorityFeePerGas, network.gas.maxPriorityFeePerGas),
            maxFeePerGas: network.gas.maxFeePerGas)
        let simulation: DryRunReport
        do { simulation = try Simulator(client: client).simulate(plan, context: context) } catch { throw CLIError("dry run: \(error)") }
        let planJSON = encode(PlanRecord(trades: plan.trades, transactions: plan.transactions.map(\.label), deadline: plan.deadline))
        guard simulation.agrees else {
            let why = simulation.problems.first ?? "the simulation disagrees with the plan"
            let runId = try? journal.beginRun(network: network.name, portfolio: portfolioOption.portfolio, mode: RunKind(portfolio.mode),
                                              blockNumber: state.block.number, decision: .rebalance, reasons: ["dry run disagreed: \(why)"],
                                              plan: planJSON, status: .failed)
            note("run \(runId.map(String.init) ?? "?"): the dry run disagrees with the plan, nothing sent: \(why)")
            return CycleSummary(status: .disagreed, runId: runId, decision: outcome.decision, mainnet: network.mainnet,
                                reason: "the dry run disagrees with the plan: \(why)")
        }
        var gasPlanned = plan.withGasEstimates(from: simulation)
        // A partial EOA simulation (a node without snapshot replay) cannot estimate swaps that spend
        // an earlier swap's output: those keep the planner's gas with half again as margin. Their
        // exact quotes still hold through amountOutMin; the simulated part had to agree above.
        var unestimated: [String] = []
        for k in gasPlanned.transactions.indices where gasPlanned.transactions[k].gasEstimate == nil {
            let planned = k < simulation.transactions.count ? simulation.transactions[k].plannedGas : nil
            guard let gas = planned, gas > 0 else { throw CLIError("\(gasPlanned.transactions[k].label): no gas estimate and no planned gas; nothing sent") }
            gasPlanned.transactions[k].gasEstimate = gas + gas / 2
            unestimated.append(gasPlanned.transactions[k].label)
        }
        if !unestimated.isEmpty && !output.json {
            note("run: \(unestimated.count) transaction(s) not simulated (\(simulation.method.rawValue)); their gas limits are the plan's estimates + 50 %")
        }

        // 5. Journal, sign, send (one batch), confirm.
        let runId = try reporting("journal") {
            try journal.beginRun(network: network.name, portfolio: portfolioOption.portfolio, mode: RunKind(portfolio.mode),
                                 blockNumber: state.block.number, decision: .rebalance, reasons: [], plan: planJSON, status: .sending)
        }
        let sender = TransactionSender(client: client, journal: journal, key: key, network: network, hooks: CrashInjection.hooks())
        let sent: [SentTransaction]
        do { sent = try sender.send(runId: runId, transactions: gasPlanned.transactions) } catch {
            guard let journaled = try? journal.transactions(runId: runId), !journaled.isEmpty else {
                try? journal.finishRun(runId, status: .failed, outcome: nil)
                throw CLIError("run \(runId): \(error)")
            }
            // Signed and journaled: what the node did with them is for the chain to say. The run stays
            // `sending`; the next run's reconciler settles it before anything new is planned.
            let reason = "run \(runId): \(error); the journal keeps the transactions as unsettled until the chain settles them (the next run reconciles first)"
            note(reason)
            return CycleSummary(status: .unsettled, runId: runId, decision: outcome.decision, mainnet: network.mainnet, reason: reason)
        }
        if !output.json { print("run \(runId): sent \(sent.count) transaction(s): \(sent.map(\.hashHex).joined(separator: ", "))") }
        // Past the plan's deadline the swaps would revert anyway: a stuck transaction is cancelled
        // with a zero-value self-transfer instead of being bumped.
        let deadline = plan.deadline
        let confirmer = Confirmer(client: client, journal: journal, network: network, key: key, policy: policy,
                                  progress: CrashInjection.confirming(progress),
                                  isStale: { UInt64(max(0, Date().timeIntervalSince1970)) > deadline })
        let outcomes: [SendOutcome]
        let sentAt = Date()
        do { outcomes = try confirmer.confirm(sent) } catch { throw CLIError("run \(runId): \(error) (the journal keeps the rest; run again to reconcile)") }

        // 6. Predicted against actual.
        let logsByRoute = Dictionary(grouping: zip(gasPlanned.transactions, outcomes).flatMap { tx, o in tx.routeIndices.map { ($0, o.logs) } },
                                     by: \.0).mapValues { $0.flatMap(\.1) }
        let routeOutcomes: [RouteOutcome]
        if portfolio.mode == .vault, let vault = portfolio.vault {
            routeOutcomes = ExecutionOutcome.vaultRoutes(plan: plan.trades, logs: outcomes.flatMap(\.logs), vault: vault)
        } else {
            let buyTokens = Dictionary(uniqueKeysWithValues: state.tokens.map { ($0.symbol, $0.address) })
            routeOutcomes = ExecutionOutcome.walletRoutes(plan: plan.trades, receiptsByRoute: logsByRoute, buyTokens: buyTokens,
                                                         recipient: portfolio.operator)
        }
        let ok = outcomes.count == gasPlanned.transactions.count && outcomes.allSatisfy { $0.status == .mined }
        report.mode = .live
        report.routes = zip(plan.trades.routes, routeOutcomes).map { route, o in
            RouteSummary(route: route, poolLabels: poolLabels(network), amountOutActual: o.actualOut)
        }
        report.gas = RunGasSummary(
            steps: zip(gasPlanned.transactions, outcomes).map { tx, o in RunGasSummary.Step(label: tx.label, estimated: tx.gasEstimate, used: o.gasUsed) },
            estimatedGasPriceWei: context.baseFeePerGas.adding(context.priorityFeePerGas),
            effectiveGasPriceWei: outcomes.compactMap(\.effectiveGasPrice).first, nativePriceInQuote: context.nativePriceInQuote)
        if ok, let after = try? StateReading.read(network: network, portfolio: portfolio, rpc: rpc, block: nil).state,
           let weights = try? weightsOf(after, network: network, portfolio: portfolio) {
            report.allocation = AllocationRow.rows(drift: outcome.drift, weightsAfter: weights, policy: portfolio.policy)
        }
        report.runId = runId
        try? journal.finishRun(runId, status: ok ? .completed : .failed, outcome: encode(report))

        let gasUsed = outcomes.compactMap(\.gasUsed).reduce(0, +)
        if output.json {
            try JSONOutput.print(RunOutput(runId: runId, decision: .rebalance, reasons: [], routes: routeOutcomes, gasUsed: gasUsed))
        } else {
            print(RunText.render(runId: runId, outcomes: outcomes, transactions: gasPlanned.transactions, routes: routeOutcomes,
                                 state: state, allocation: report.allocation))
        }
        let failure = outcomes.first { $0.status != .mined }.map { "\($0.label): \($0.status.rawValue) (\($0.hashHex))" }
        let estimated = gasPlanned.transactions.compactMap(\.gasEstimate).reduce(0, +)
        let cost = outcomes.reduce(UInt256.zero) { sum, o in
            guard let used = o.gasUsed, let price = o.effectiveGasPrice, let c = UInt256(used).multiplied(by: price) else { return sum }
            return sum.adding(c) ?? sum
        }
        let dryRunPrice = context.baseFeePerGas.adding(context.priorityFeePerGas) ?? .zero
        let execution = ExecutionSummary(
            routes: routeOutcomes, gasEstimated: estimated, gasUsed: gasUsed, costWei: cost,
            dryRunCostWei: UInt256(estimated).multiplied(by: dryRunPrice) ?? .zero, feesPaid: plan.trades.feesPaid,
            quoteToken: portfolio.quoteToken, secondsToConfirmation: Date().timeIntervalSince(sentAt))
        return CycleSummary(status: ok ? .completed : .failed, runId: runId, decision: outcome.decision, mainnet: network.mainnet,
                            reason: failure, execution: execution)
    }

    /// Settles journaled transactions of earlier runs; true when there were any.
    func reconcile(client: EthClient, journal: Journal, network: NetworkConfig, key: PrivateKey, policy: ConfirmationPolicy,
                   progress: (@Sendable (ConfirmerEvent) -> Void)?) throws -> Bool {
        let reconciler = Reconciler(client: client, journal: journal, droppedAfterBlocks: policy.droppedAfterBlocks)
        let report = try reporting("reconcile") { try reconciler.reconcile() }
        if !report.pending.isEmpty {
            let confirmer = Confirmer(client: client, journal: journal, network: network, key: key, policy: policy, progress: progress)
            _ = try reporting("reconcile") { try confirmer.confirm(records: report.pending) }
        }
        let finished = try reporting("reconcile") { try reconciler.finishEndedRuns() }
        return !report.decisions.isEmpty || !report.finishedRuns.isEmpty || !finished.isEmpty
    }

    func baseReport(state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, result: PlanningResult) -> RunReport {
        let outcome = result.outcome
        let routes = (result.trades?.routes ?? []).map { RouteSummary(route: $0, poolLabels: poolLabels(network)) }
        return RunReport(
            network: network.name, blockNumber: state.block.number, time: Date(), quoteToken: portfolio.quoteToken,
            nativeSymbol: "ETH", custody: portfolio.mode.rawValue, mode: .dryRun,
            tokens: state.tokens.map { RunReport.Token(symbol: $0.symbol, decimals: $0.decimals) },
            totalValue: outcome.drift.totalValue,
            allocation: AllocationRow.rows(drift: outcome.drift, weightsAfter: result.trades?.projectedWeights, policy: portfolio.policy),
            routes: routes,
            gas: RunGasSummary(steps: [], estimatedGasPriceWei: nil, nativePriceInQuote: network.wrappedNative.flatMap { outcome.prices.price($0) }),
            decision: DecisionSummary(outcome.decision))
    }

    /// "uniswap-v2 WETH/USDC" for every pool of the network file.
    func poolLabels(_ network: NetworkConfig) -> [Address: String] {
        Dictionary((network.pools ?? []).map { ($0.address, "\($0.dex) \($0.tokens.joined(separator: "/"))") }, uniquingKeysWith: { a, _ in a })
    }

    func weightsOf(_ state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig) throws -> [String: Double] {
        let market = PlanningPipeline.market(state: state, network: network)
        let prices = try Valuation.prices(of: portfolio.targets.map(\.token), quote: portfolio.quoteToken, market: market)
        let drift = try DriftReport.measure(portfolio: portfolio, market: market, prices: prices)
        return Dictionary(uniqueKeysWithValues: drift.rows.map { ($0.token, $0.weight) })
    }

    func encode<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// What the journal keeps of a plan: the routes and the transaction labels.
struct PlanRecord: Encodable {
    var trades: TradePlan
    var transactions: [String]
    var deadline: UInt64
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
