import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Logging
import Market
import MarketLoading
import Routing
import Strategy

/// One rebalance, check → decide → (maybe) send, over one `NodeSession` and one journal:
/// reconcile what earlier runs left, refuse to plan while the operator has unsettled transactions,
/// read the state, plan (the journal's price history feeding the guards), dry-run, and only when
/// the simulation agrees journal, sign, send, confirm and report predicted against actual.
/// `run`, `daemon` and `rehearse` drive the same cycle; they only parse options and print.
public struct RebalanceCycle {
    public var session: NodeSession
    public var journal: Journal
    public var portfolio: PortfolioConfig
    /// How the portfolio is named in the journal and in errors (its file).
    public var portfolioFile: String
    public var confirmation: ConfirmationPolicy
    /// Test-only crash points of the send path (see `SendHooks`).
    public var sendHooks: SendHooks
    /// Wraps the confirmer's progress callback (test-only crash injection); identity by default.
    public var confirmerProgress: (@Sendable (ConfirmerEvent) -> Void)?
    public var onEvent: (@Sendable (CycleEvent) -> Void)?
    /// Seconds since 1970; passed in so the cycle's decisions are reproducible in tests.
    public var now: @Sendable () -> UInt64
    /// Each stage's log line (see `CycleLog`); silent unless the caller sets one. The caller puts
    /// the network and portfolio in its metadata.
    public var logger: Logger = .silent
    /// The portfolio's state from a read shared with other portfolios this tick (with the operator's
    /// pending nonce); used instead of reading again unless earlier transactions had to be settled.
    public var preloaded: LoadedState?
    /// Where signed bytes go (public mempool or private relays); reads stay on the session's node.
    public var channel: SendChannel

    public init(session: NodeSession, journal: Journal, portfolio: PortfolioConfig, portfolioFile: String,
                confirmation: ConfirmationPolicy, sendHooks: SendHooks = SendHooks(),
                confirmerProgress: (@Sendable (ConfirmerEvent) -> Void)? = nil, channel: SendChannel = .publicMempool,
                onEvent: (@Sendable (CycleEvent) -> Void)? = nil,
                now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        self.channel = channel
        self.session = session
        self.journal = journal
        self.portfolio = portfolio
        self.portfolioFile = portfolioFile
        self.confirmation = confirmation
        self.sendHooks = sendHooks
        self.confirmerProgress = confirmerProgress
        self.onEvent = onEvent
        self.now = now
    }

    var network: NetworkConfig { session.network }
    var client: EthClient { session.client }

    public func run(key: PrivateKey) throws(CycleError) -> CycleResult {
        guard key.address == portfolio.operator else {
            throw .keyIsNotOperator(key: key.address, operator: portfolio.operator, portfolioFile: portfolioFile)
        }
        do { try session.verifyChain() } catch { throw .node("\(error)") }
        var timer = StageTimer()

        // 1. Whatever an earlier run left unfinished is settled first; nothing new is planned while
        //    the operator has a transaction the chain has not settled (ours or another host's).
        var preloaded = self.preloaded
        if try settleEarlierRuns(key: key) {
            preloaded = nil
            onEvent?(.settledEarlierTransactions)
            logger.stage(.notice, "reconcile", "settled earlier unfinished transactions")
        }
        let counts = preloaded.flatMap { p in p.operatorNonce.flatMap { latest in p.operatorPendingNonce.map { (latest: latest, pending: $0) } } }
        do { try PendingNonceCheck(client: client, journal: journal).verifyQuiet(key.address, counts: counts) } catch {
            switch error {
            case .unsettled, .unexplainedPendingNonces:
                onEvent?(.unsettled("\(error)"))
                logger.stage(.warning, "reconcile", "nothing planned: \(error)")
                return CycleResult(status: .unsettled, reason: "\(error)", timings: timer.finish("reconcile"))
            default: throw .node("\(error)")
            }
        }

        // 2. Fresh state, the journal's price history for the moving-average guard, and a new plan.
        timer.lap("reconcile")
        let loaded = try readState()
        var state = loaded.state
        timer.lap("read")
        let result = try decide(&state, node: loaded.node, paper: false)
        let outcome = result.outcome
        timer.lap("decide and plan")
        var report = RunReport.planned(state: state, network: network, portfolio: portfolio, result: result)

        // 3. A skip is a decision: journaled with its reasons.
        guard outcome.decision.shouldRebalance, let plan = result.plan, !plan.transactions.isEmpty else {
            let reasons = outcome.decision.reasons.map(\.description) + (result.routingError.map { ["routing failed: \($0)"] } ?? [])
            let runId = try journaled { () throws(JournalError) in
                try journal.beginRun(network: network.name, portfolio: portfolioFile, mode: RunKind(portfolio.mode),
                                     blockNumber: state.block.number, decision: .skip, reasons: reasons, plan: nil, status: .skipped)
            }
            report.runId = runId
            let timings = timer.finish("journal")
            report.timings = timings
            try? journal.finishRun(runId, status: .skipped, outcome: JournalJSON.encode(report))
            logger.stage(.notice, "decide", "skipped", ["runId": .number(runId), "block": .number(state.block.number),
                                                        "reasons": .array(reasons.map { .string($0) })])
            return CycleResult(status: .skipped, runId: runId, decision: outcome.decision, reason: reasons.joined(separator: "; "),
                               reasons: reasons, drift: outcome.drift, timings: timings)
        }

        // 4. Dry run at this block: it must agree with the plan to the wei, or nothing is sent.
        let context = DryRunContext(state: state, network: network, portfolio: portfolio, prices: outcome.prices)
        let simulation: DryRunReport
        do { simulation = try Simulator(client: client).simulate(plan, context: context) } catch {
            logger.stage(.error, "dry run", "dry run failed: \(error)", ["block": .number(state.block.number)])
            throw .dryRun("\(error)")
        }
        timer.lap("dry run")
        let planJSON = JournalJSON.encode(PlanRecord(trades: plan.trades, transactions: plan.transactions.map(\.label), deadline: plan.deadline))
        guard simulation.agrees else {
            let why = simulation.problems.first ?? "the simulation disagrees with the plan"
            let runId = try? journal.beginRun(network: network.name, portfolio: portfolioFile, mode: RunKind(portfolio.mode),
                                              blockNumber: state.block.number, decision: .rebalance, reasons: ["dry run disagreed: \(why)"],
                                              plan: planJSON, status: .failed)
            onEvent?(.dryRunDisagreed(runId: runId, why: why))
            logger.stage(.error, "dry run", "the dry run disagrees with the plan, nothing sent: \(why)",
                         ["block": .number(state.block.number), "runId": runId.map { .number($0) } ?? .string("none")])
            return CycleResult(status: .disagreed, runId: runId, decision: outcome.decision,
                               reason: "the dry run disagrees with the plan: \(why)", drift: outcome.drift, timings: timer.finish("journal"))
        }
        var gasPlanned = plan.withGasEstimates(from: simulation)
        // A partial EOA simulation (a node without snapshot replay) cannot estimate swaps that spend
        // an earlier swap's output: those keep the planner's gas with half again as margin. Their
        // exact quotes still hold through amountOutMin; the simulated part had to agree above.
        var unestimated = 0
        for k in gasPlanned.transactions.indices where gasPlanned.transactions[k].gasEstimate == nil {
            let planned = k < simulation.transactions.count ? simulation.transactions[k].plannedGas : nil
            guard let gas = planned, gas > 0 else { throw .noGasEstimate(label: gasPlanned.transactions[k].label) }
            gasPlanned.transactions[k].gasEstimate = gas + gas / 2
            unestimated += 1
        }
        if unestimated > 0 { onEvent?(.unestimatedGas(count: unestimated, method: simulation.method.rawValue)) }
        logger.stage(.info, "dry run", "the dry run agrees with the plan (\(simulation.method.rawValue))",
                     ["block": .number(state.block.number), "unestimated": .number(unestimated)])

        // 5. Journal, sign, send (one batch), confirm.
        let runId = try journaled { () throws(JournalError) in
            try journal.beginRun(network: network.name, portfolio: portfolioFile, mode: RunKind(portfolio.mode),
                                 blockNumber: state.block.number, decision: .rebalance, reasons: [], plan: planJSON, status: .sending)
        }
        let sender = TransactionSender(client: client, journal: journal, key: key, network: network, hooks: sendHooks, channel: channel)
        let sent: [SentTransaction]
        timer.lap("journal")
        do { sent = try sender.send(runId: runId, transactions: gasPlanned.transactions) } catch {
            timer.lap("sign and send")
            logger.stage(.error, "send", "send failed: \(error)", ["runId": .number(runId)])
            guard let journaledTxs = try? journal.transactions(runId: runId), !journaledTxs.isEmpty else {
                try? journal.finishRun(runId, status: .failed, outcome: nil)
                throw .node("run \(runId): \(error)")
            }
            // Signed and journaled: what the node did with them is for the chain to say. The run stays
            // `sending`; the next run's reconciler settles it before anything new is planned.
            let reason = "run \(runId): \(error); the journal keeps the transactions as unsettled until the chain settles them (the next run reconciles first)"
            onEvent?(.unsettled(reason))
            return CycleResult(status: .unsettled, runId: runId, decision: outcome.decision, reason: reason, drift: outcome.drift,
                               timings: timer.laps)
        }
        timer.lap("sign and send")
        onEvent?(.sent(runId: runId, hashes: sent.map(\.hash)))
        for tx in sent {
            logger.stage(.notice, "send", "sent \(tx.label)", ["runId": .number(runId), "txHash": .string(tx.hash.hex),
                                                             "nonce": .number(tx.nonce), "block": .number(state.block.number)])
        }
        // Past the plan's deadline the swaps would revert anyway: a stuck transaction is cancelled
        // with a zero-value self-transfer instead of being bumped.
        let deadline = plan.deadline
        let clock = now
        let confirmer = Confirmer(client: client, journal: journal, network: network, key: key, policy: confirmation,
                                  progress: progress, isStale: { clock() > deadline }, channel: channel)
        let outcomes: [SendOutcome]
        let sentAt = Date()
        do { outcomes = try confirmer.confirm(sent) } catch {
            logger.stage(.error, "confirm", "confirmation failed: \(error)", ["runId": .number(runId)])
            throw .confirmation(runId: runId, reason: "\(error)")
        }
        timer.lap("confirm")

        // 6. Predicted against actual.
        let routeOutcomes: [RouteOutcome]
        if portfolio.mode == .vault, let vault = portfolio.vault {
            routeOutcomes = ExecutionOutcome.vaultRoutes(plan: plan.trades, logs: outcomes.flatMap(\.logs), vault: vault)
        } else {
            let logsByRoute = Dictionary(grouping: zip(gasPlanned.transactions, outcomes).flatMap { tx, o in tx.routeIndices.map { ($0, o.logs) } },
                                         by: \.0).mapValues { $0.flatMap(\.1) }
            let buyTokens = Dictionary(uniqueKeysWithValues: state.tokens.map { ($0.symbol, $0.address) })
            routeOutcomes = ExecutionOutcome.walletRoutes(plan: plan.trades, receiptsByRoute: logsByRoute, buyTokens: buyTokens,
                                                         recipient: portfolio.operator)
        }
        let ok = outcomes.count == gasPlanned.transactions.count && outcomes.allSatisfy { $0.status == .mined }
        report.record(execution: gasPlanned.transactions, outcomes: outcomes, routes: routeOutcomes, plan: plan.trades,
                      network: network, context: context)
        if ok, let after = try? session.read(portfolio: portfolio).state, let weights = try? Self.weights(of: after, network: network, portfolio: portfolio) {
            report.allocation = AllocationRow.rows(drift: outcome.drift, weightsAfter: weights, policy: portfolio.policy)
        }

        let gasUsed = outcomes.compactMap(\.gasUsed).reduce(0, +)
        let estimated = gasPlanned.transactions.compactMap(\.gasEstimate).reduce(0, +)
        let cost = outcomes.reduce(UInt256.zero) { sum, o in
            guard let used = o.gasUsed, let price = o.effectiveGasPrice, let c = UInt256(used).multiplied(by: price) else { return sum }
            return sum.adding(c) ?? sum
        }
        let dryRunPrice = context.baseFeePerGas.adding(context.priorityFeePerGas) ?? .zero
        var summary = ExecutionSummary(
            routes: routeOutcomes, gasEstimated: estimated, gasUsed: gasUsed, costWei: cost,
            dryRunCostWei: UInt256(estimated).multiplied(by: dryRunPrice) ?? .zero, feesPaid: plan.trades.feesPaid,
            quoteToken: portfolio.quoteToken, secondsToConfirmation: Date().timeIntervalSince(sentAt),
            sending: outcomes.map(SendingSummary.init))
        let rebalanceCost = RunReport.cost(
            state: state, network: network, portfolio: portfolio, result: result,
            trades: routeOutcomes.map { RebalanceCost.Trade(sell: $0.sell, buy: $0.buy, amountIn: $0.amountIn, predictedOut: $0.predictedOut,
                                                            actualOut: ok ? $0.actualOut : nil) },
            predictedGasWei: summary.dryRunCostWei, actualGasWei: cost)
        summary.cost = rebalanceCost
        report.cost = rebalanceCost
        let failure = outcomes.first { $0.status != .mined }.map { "\($0.label): \($0.status.rawValue) (\($0.hashHex))" }
        timer.lap("report")
        report.runId = runId
        report.timings = timer.laps
        try? journal.finishRun(runId, status: ok ? .completed : .failed, outcome: JournalJSON.encode(report))
        logger.stage(ok ? .notice : .error, "report", ok ? "completed" : "failed: \(failure ?? "?")",
                     ["runId": .number(runId), "gasUsed": .number(gasUsed), "costWei": .string(cost.description)])
        return CycleResult(status: ok ? .completed : .failed, runId: runId, decision: outcome.decision, reason: failure,
                           drift: outcome.drift, timings: timer.laps,
                           execution: CycleExecution(transactions: gasPlanned.transactions, outcomes: outcomes, routes: routeOutcomes,
                                                     state: state, allocation: report.allocation, summary: summary))
    }

    /// Settles journaled transactions of earlier runs; true when there were any.
    func settleEarlierRuns(key: PrivateKey) throws(CycleError) -> Bool {
        let reconciler = Reconciler(client: client, journal: journal, droppedAfterBlocks: confirmation.droppedAfterBlocks, channel: channel)
        let confirmer = Confirmer(client: client, journal: journal, network: network, key: key, policy: confirmation, progress: forwarded,
                                  channel: channel)
        do { return try reconciler.settle(confirmer: confirmer).foundEarlierWork } catch { throw .node("reconcile: \(error)") }
    }

    /// The confirmer's progress as the caller's events.
    var forwarded: (@Sendable (ConfirmerEvent) -> Void)? {
        let logger = logger, onEvent = onEvent
        return { @Sendable event in
            logger.stage(event.logLevel, "confirm", "\(event)", event.logMetadata)
            onEvent?(.confirmer(event))
        }
    }

    /// The confirmer's progress of this run's own transactions: the caller's events, through the
    /// crash-injection wrapper when there is one.
    var progress: (@Sendable (ConfirmerEvent) -> Void)? {
        guard let wrap = confirmerProgress else { return forwarded }
        let forward = forwarded
        return { @Sendable event in
            wrap(event)
            forward?(event)
        }
    }

    /// Weights after the run, valued like before it.
    static func weights(of state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig) throws -> [String: Double] {
        let market = PlanningPipeline.market(state: state, network: network)
        let prices = try Valuation.prices(of: portfolio.targets.map(\.token), quote: portfolio.quoteToken, market: market)
        let drift = try DriftReport.measure(portfolio: portfolio, market: market, prices: prices)
        return Dictionary(uniqueKeysWithValues: drift.rows.map { ($0.token, $0.weight) })
    }

    /// The portfolio's state at the latest block, checked against the portfolio.
    func readState() throws(CycleError) -> LoadedState {
        let loaded: LoadedState
        if let preloaded { loaded = preloaded } else {
            do { loaded = try session.read(portfolio: portfolio) } catch {
                logger.stage(.error, "read", "state read failed: \(error)")
                throw .node("\(error)")
            }
        }
        logger.stage(.info, "read", "state read", ["block": .number(loaded.state.block.number), "roundTrips": .number(loaded.roundTrips),
                                                   "node": .string(loaded.node)])
        do { try portfolio.validate(knownTokens: Set(loaded.state.tokens.map(\.symbol))) } catch {
            throw .portfolio(file: portfolioFile, reason: "\(error)")
        }
        return loaded
    }

    /// The plan of `state`, with the journal's price history for the moving-average guard (set into
    /// `state` for the report) and the timing rules' memory, the last completed rebalance (paper
    /// runs time paper runs); the prices seen are journaled for the next runs' guard.
    func decide(_ state: inout ChainState, node: String, paper: Bool) throws(CycleError) -> PlanningResult {
        let history = (try? journal.priceHistory(network: network.name, quote: portfolio.quoteToken,
                                                 limit: portfolio.policy.movingAverageWindow)) ?? []
        if !history.isEmpty, state.priceHistory == nil {
            state.priceHistory = PriceHistory(quote: portfolio.quoteToken, samples: history)
        }
        let last = (try? journal.lastRebalance(network: network.name, portfolio: portfolioFile, quote: portfolio.quoteToken, paper: paper)) ?? nil
        let result: PlanningResult
        do {
            result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: now(), lastRebalance: last)
        } catch {
            if case .strategy(.noPrice(let token, let quote)) = error { throw .noPrice(token: token, quote: quote, source: node) }
            throw .portfolio(file: portfolioFile, reason: "\(error)")
        }
        let outcome = result.outcome
        logger.stage(outcome.decision.shouldRebalance ? .notice : .info, "decide",
                     "decision: \(outcome.decision.shouldRebalance ? "rebalance" : "skip")\(paper ? " (paper)" : "")",
                     ["block": .number(state.block.number), "totalValue": .stringConvertible(outcome.drift.totalValue),
                      "reasons": .array(outcome.decision.reasons.map { .string($0.description) })])
        if let plan = result.plan {
            logger.stage(.info, "plan", "planned \(plan.trades.routes.count) route(s) in \(plan.transactions.count) transaction(s)",
                         ["block": .number(state.block.number), "routeGas": .number(plan.trades.routeGas)])
        } else if let routing = result.routingError {
            logger.stage(.error, "plan", "routing failed: \(routing)", ["block": .number(state.block.number)])
        }
        try? journal.recordPrices(network: network.name, blockNumber: state.block.number, blockTimestamp: state.block.timestamp,
                                  quote: portfolio.quoteToken, prices: outcome.prices.prices)
        return result
    }

    func journaled<T>(_ body: () throws(JournalError) -> T) throws(CycleError) -> T {
        do { return try body() } catch { throw .journal("\(error)") }
    }
}

/// What the journal keeps of a plan: the routes and the transaction labels.
struct PlanRecord: Encodable {
    var trades: TradePlan
    var transactions: [String]
    var deadline: UInt64
}

/// The JSON documents the journal keeps beside its typed columns (plans, reports).
enum JournalJSON {
    static func encode<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
