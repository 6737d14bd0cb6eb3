import ArgumentParser
import Cycle
import EthCore
import Execution
import Foundation
import Market
import Routing
import Strategy

/// `rebalancer plan`: drift, decision, trades, routes and transactions, without simulating or sending.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Measure drift, decide, route the trades and build the transactions (nothing is simulated or sent).",
        discussion: """
            From a snapshot file (--state, no node) or from the node at the latest block (--network, --rpc-url). \
            Prints the drift table, the decision with its reasons and notes, the trade set, each route, the expected \
            weights after the trades, pool fees, price impact and gas; --json prints the same content. \
            A skip is not an error: exit code 0 with the reasons.
            """)

    @OptionGroup var portfolioOption: PortfolioOption
    @Option(help: ArgumentHelp("ChainState snapshot file to plan from (no node).", valueName: "file"))
    var state: String?
    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        if state != nil && !rpc.urls.isEmpty { throw ValidationError("--state and --rpc-url exclude each other: plan from a file or from a node") }
    }

    func run() throws {
        let inputs = try PlanInputs.load(portfolioPath: portfolioOption.portfolio, network: networkOption.network,
                                         stateFile: state, rpc: rpc)
        let result = try PlanInputs.plan(inputs)
        let out = PlanOutput(inputs: inputs, result: result)
        if output.json {
            try JSONOutput.print(out)
        } else {
            print(PlanText.render(out, state: inputs.state))
        }
    }
}

/// The portfolio, network and snapshot a plan is made from (shared by `plan` and `dry-run`).
struct PlanInputs {
    var portfolio: PortfolioConfig
    var portfolioFile: String
    var network: NetworkConfig
    var state: ChainState
    var source: String
    /// The node the state was read from (nil for a snapshot file): a dry run simulates on the same node.
    var session: NodeSession?

    static func load(portfolioPath: String, network name: String?, stateFile: String?, rpc: RPCOptions) throws -> PlanInputs {
        let portfolio = try ConfigLoading.portfolio(path: portfolioPath)
        let network = try ConfigLoading.network(named: name ?? portfolio.network)
        let state: ChainState
        let source: String
        var session: NodeSession?
        if let stateFile {
            state = try SnapshotFile.load(stateFile)
            source = stateFile
        } else {
            let node = try StateReading.session(network: network, rpc: rpc, deadline: rpc.commandDeadline)
            let loaded = try StateReading.read(node, portfolio: portfolio, block: nil)
            state = loaded.state
            source = loaded.node
            session = node
        }
        try ConfigLoading.validate(portfolio, file: portfolioPath, knownTokens: Set(state.tokens.map(\.symbol)))
        let capped = GraduationCheck.apply(portfolio, network: network, portfolioFile: portfolioPath,
                                           journal: GraduationCheck.existingJournal(dataDir: nil, network: network.name), dataDir: nil)
        return PlanInputs(portfolio: capped, portfolioFile: portfolioPath, network: network, state: state, source: source,
                          session: session)
    }

    static func plan(_ inputs: PlanInputs) throws -> PlanningResult {
        do {
            return try PlanningPipeline.run(state: inputs.state, network: inputs.network, portfolio: inputs.portfolio, now: Clock.now())
        } catch .strategy(.noPrice(let token, let quote)) {
            // The pools are missing, not the portfolio wrong: name where the pools came from.
            throw CLIError(ConfigLoading.noPrice(token: token, quote: quote, poolSource: inputs.source))
        } catch {
            throw CLIError("\(inputs.portfolioFile): \(error)")
        }
    }
}

/// Everything `plan --json` prints.
struct PlanOutput: Encodable {
    struct Tx: Encodable {
        var label: String
        var from: Address
        var to: Address?
        var data: String
        var routeIndices: [Int]
    }

    var network: String
    var chainId: UInt64
    var block: UInt64
    var source: String
    var mode: String
    var drift: DriftReport
    var decision: Decision
    var trades: [TradeIntent]
    var dust: [TradeIntent]
    var routes: [RouteOutput]
    var routingError: String?
    var projectedWeights: [String: Double]
    /// Pool fees, whole quote tokens.
    var feesPaid: Double?
    var maxPriceImpactBps: Double?
    /// Route gas plus the custody mode's per-transaction overhead (an estimate; `dry-run` measures).
    var estimatedGas: UInt64?
    var gasCostQuote: Double?
    var quoteToken: String
    var deadline: UInt64?
    var transactions: [Tx]
    /// Vault mode: the vault's bounds at this block and the plan measured by its rule.
    var vault: VaultBounds?
    var vaultCheck: VaultCheck?

    init(inputs: PlanInputs, result: PlanningResult) {
        let o = result.outcome
        network = inputs.network.name
        chainId = inputs.state.chainId
        block = inputs.state.block.number
        source = inputs.source
        mode = inputs.portfolio.mode.rawValue
        drift = o.drift
        decision = o.decision
        trades = o.trades.intents
        dust = o.trades.dust
        routes = result.trades?.routes.map(RouteOutput.init) ?? []
        routingError = result.routingError.map { "\($0)" }
        projectedWeights = result.trades?.projectedWeights ?? o.trades.projectedWeights
        feesPaid = result.trades?.feesPaid
        maxPriceImpactBps = result.trades?.routes.map(\.priceImpactBps).max()
        quoteToken = inputs.portfolio.quoteToken
        if let t = result.trades {
            estimatedGas = t.plannedGas
            if let gas = estimatedGas {
                gasCostQuote = Guards.gasCost(gas: gas, market: result.market, prices: o.prices)
            }
        } else {
            gasCostQuote = o.gasCost
        }
        deadline = result.plan?.deadline
        vault = inputs.state.vault
        vaultCheck = result.vaultCheck
        transactions = result.plan?.transactions.map {
            Tx(label: $0.label, from: $0.from, to: $0.to, data: Hex.encode($0.data), routeIndices: $0.routeIndices)
        } ?? []
    }
}

/// The human form of a plan.
enum PlanText {
    static func pct(_ x: Double) -> String { String(format: "%.2f%%", x) }

    static func render(_ p: PlanOutput, state: ChainState) -> String {
        var out: [String] = []
        out.append("plan for \(p.network) (chain \(p.chainId)) at block \(p.block), from \(p.source), \(p.mode) mode")
        out.append("")
        var drift = Table([("token", .left), ("balance", .right), ("value \(p.quoteToken)", .right), ("weight", .right),
                           ("target", .right), ("drift pp", .right), ("", .left)])
        for row in p.drift.rows {
            drift.add([row.token, RouteText.amount(row.balance, row.token, state), String(format: "%.2f", row.value),
                       pct(row.weight), pct(row.target), String(format: "%+.2f", row.driftPoints), row.outsideBand ? "outside band" : ""])
        }
        out.append(drift.render())
        out.append("total \(String(format: "%.2f", p.drift.totalValue)) \(p.quoteToken)")
        out.append("")
        out.append("decision: \(p.decision.action.rawValue)")
        for r in p.decision.reasons { out.append("  reason: \(r)") }
        for n in p.decision.notes { out.append("  note: \(n)") }
        if let line = VaultText.line(p.vault, p.vaultCheck) { out.append("  vault: \(line)") }
        if !p.trades.isEmpty {
            out.append("")
            var t = Table([("#", .right), ("sell", .right), ("", .left), ("buy", .left), ("value \(p.quoteToken)", .right)])
            for (i, intent) in p.trades.enumerated() {
                t.add(["\(i + 1)", RouteText.amount(intent.amountIn, intent.sell, state), "→", intent.buy, String(format: "%.2f", intent.value)])
            }
            out.append("trades:")
            out.append(t.render())
        }
        if let e = p.routingError { out.append("routing failed: \(e)") }
        for (i, r) in p.routes.enumerated() {
            out.append("")
            out.append("route \(i + 1): \(r.sell) → \(r.buy)")
            out.append("  amountOut \(RouteText.amount(r.amountOut, r.buy, state)), minOut \(RouteText.amount(r.minOut, r.buy, state)), impact \(String(format: "%.1f", r.priceImpactBps)) bps, gas \(r.gas)")
            for leg in r.legs {
                out.append("  leg \(leg.path.joined(separator: "→")) via \(leg.pools.map { RouteText.poolName($0, state) }.joined(separator: ", ")): \(RouteText.amount(leg.amountIn, r.sell, state)) → \(RouteText.amount(leg.amountOut, r.buy, state))")
            }
        }
        if !p.routes.isEmpty {
            out.append("")
            var w = Table([("token", .left), ("now", .right), ("after", .right), ("target", .right)])
            for row in p.drift.rows {
                w.add([row.token, pct(row.weight), p.projectedWeights[row.token].map(pct) ?? "-", pct(row.target)])
            }
            out.append("expected weights after the trades:")
            out.append(w.render())
            if let f = p.feesPaid { out.append("pool fees: \(String(format: "%.4f", f)) \(p.quoteToken)") }
            if let m = p.maxPriceImpactBps { out.append("largest price impact: \(String(format: "%.1f", m)) bps") }
            if let g = p.estimatedGas {
                let cost = p.gasCostQuote.map { String(format: " ≈ %.4f \(p.quoteToken)", $0) } ?? ""
                out.append("gas (planned estimate): \(g)\(cost)")
            }
        }
        if !p.transactions.isEmpty {
            out.append("")
            out.append("transactions (deadline \(p.deadline.map(String.init) ?? "-")):")
            for (i, tx) in p.transactions.enumerated() {
                out.append("  \(i + 1). \(tx.label)  to \(tx.to.map(\.checksummed) ?? "(new contract)"), \((tx.data.count - 2) / 2) bytes of calldata")
            }
        }
        return out.joined(separator: "\n")
    }
}

/// One line on the vault's bounds for a plan: what it gives and receives at the vault's prices
/// against what the vault allows now.
enum VaultText {
    static func line(_ vault: VaultBounds?, _ check: VaultCheck?) -> String? {
        guard let vault else { return nil }
        var parts: [String] = []
        if let check {
            parts.append("gives \(VaultBounds.usd(check.given)), receives \(VaultBounds.usd(check.received)) at its prices "
                         + "(loss limit \(vault.maxLossBps) bps)")
        }
        if let left = vault.volumeLeft { parts.append("may give \(VaultBounds.usd(left)) in one call now") }
        if let loss = vault.lossLeft { parts.append("\(VaultBounds.usd(loss)) of today's loss budget left") }
        if let nav = vault.nav { parts.append("NAV \(VaultBounds.usd(nav))") }
        if let problem = vault.pricingProblem { parts.append("cannot price: \(problem)") }
        if vault.paused { parts.append("PAUSED") }
        return parts.joined(separator: "; ")
    }
}
