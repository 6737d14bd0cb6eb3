import ArgumentParser
import Cycle
import EthCore
import EthRPC
import Execution
import Foundation
import Market
import Routing
import Strategy

/// `rebalancer dry-run`: plan at the node's latest block and simulate every transaction there.
struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Plan at the latest block and simulate every transaction with eth_call and eth_estimateGas (no key needed).",
        discussion: """
            Uses the operator address from the portfolio file, never a key. Vault mode proves every step's simulated \
            output equals its quote to the wei; EOA mode replays the transactions on a devnet snapshot when the node \
            supports evm_snapshot and unlocked dev accounts, and otherwise simulates the approvals and the first swap. \
            On such a node the vault call is also mined once on a snapshot to measure the gas it uses after refunds. \
            The replay rolls the node back with evm_revert when done: transactions others mine on that node meanwhile \
            are rolled back too, so replay only on a private devnet. Gas limits are the estimates plus \
            \(GasBudget.defaultMarginPercent)%.

            Exit codes: 0 when the simulation agrees with the plan, and also when the decision is skip (the reasons \
            are printed: a skip is a decision, not a failure); \(DryRunCommand.disagreementExitCode) when the \
            simulation disagrees with the plan (one line on stderr says why); 1 for bad input or a node failure.
            """)

    static let disagreementExitCode: Int32 = 3

    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let inputs = try PlanInputs.load(portfolioPath: portfolioOption.portfolio, network: networkOption.network,
                                         stateFile: nil, rpc: rpc)
        let result = try PlanInputs.plan(inputs)
        let planOut = PlanOutput(inputs: inputs, result: result)
        var report: DryRunReport? = nil
        if let plan = result.plan, !plan.transactions.isEmpty {
            let session = try inputs.session ?? StateReading.session(network: inputs.network, rpc: rpc, deadline: rpc.commandDeadline)
            let context = DryRunContext(state: inputs.state, network: inputs.network, portfolio: inputs.portfolio,
                                        prices: result.outcome.prices)
            do {
                report = try Simulator(client: session.client).simulate(plan, context: context)
            } catch {
                throw CLIError("\(error)")
            }
        }
        if output.json {
            try JSONOutput.print(DryRunOutput(plan: planOut, report: report))
        } else {
            print(PlanText.render(planOut, state: inputs.state))
            if let report { print(""); print(DryRunText.render(report, state: inputs.state)) }
        }
        if planOut.decision.action == .skip {
            note("dry run: decision is skip (\(planOut.decision.reasons.map(\.description).joined(separator: "; "))); nothing to simulate")
            return
        }
        if let e = result.routingError { throw CLIError("dry run: routing failed: \(e)") }
        guard let report else {
            note("dry run: no transactions to simulate")
            return
        }
        if !report.agrees {
            note("dry run: the simulation disagrees with the plan: \(report.problems.first ?? "see the report")")
            throw ExitCode(Self.disagreementExitCode)
        }
        if !report.complete {
            note("dry run: partial simulation (\(report.method.rawValue)): \(report.methodNote)")
        }
    }
}

/// `dry-run --json`: the plan and the simulation report (null on a skip).
struct DryRunOutput: Encodable {
    var plan: PlanOutput
    var report: DryRunReport?
}

enum DryRunText {
    static func render(_ r: DryRunReport, state: ChainState) -> String {
        var out: [String] = []
        out.append("simulation (\(r.method.rawValue)) at block \(r.simulatedAtBlock)\(r.clientVersion.map { ", node \($0)" } ?? "")")
        out.append("  \(r.methodNote)")
        var t = Table([("#", .right), ("transaction", .left), ("status", .left), ("gas", .right), ("limit", .right), ("output", .right), ("", .left)])
        for (i, s) in r.transactions.enumerated() {
            let gas = s.gasEstimate.map(String.init) ?? s.plannedGas.map { "~\($0)" } ?? "-"
            let outText: String
            if let exp = s.expectedOut {
                outText = s.simulatedOut.map { $0 == exp ? "= quote" : "\($0) ≠ \(exp)" } ?? "-"
            } else {
                outText = ""
            }
            t.add(["\(i + 1)", s.label, s.status.rawValue, gas, s.gasLimit.map(String.init) ?? "-", outText, s.detail ?? ""])
        }
        out.append(t.render())
        if !r.steps.isEmpty {
            var st = Table([("step", .right), ("route", .right), ("hop", .left), ("quoted out", .right), ("minAmountOut", .right), ("verdict", .left)])
            for s in r.steps {
                st.add(["\(s.index)", "\(s.routeIndex + 1)", s.hop, "\(s.quotedOut)", "\(s.minAmountOut)",
                        s.verdict.rawValue + (s.detail.map { ": \($0)" } ?? "")])
            }
            out.append("")
            out.append(st.render())
        }
        out.append("")
        for route in r.routes {
            let sim = route.simulatedOut.map { $0 == route.quotedOut ? "simulated = quoted" : "simulated \($0)" } ?? "simulated: not known"
            out.append("route \(route.index + 1) \(route.sell)→\(route.buy): quoted \(RouteText.amount(route.quotedOut, route.buy, state)), \(sim), impact \(String(format: "%.1f", route.priceImpactBps)) bps: \(route.agrees ? "agrees" : "DISAGREES")")
            for p in route.problems { out.append("  \(p)") }
        }
        let c = r.cost
        func money(_ g: GasCost) -> String {
            let q = g.quote.map { String(format: " ≈ %.4f \(c.quoteToken)", $0) } ?? ""
            return String(format: "%.6f ETH", g.native) + q + " at \(Units.truncated(g.pricePerGas, decimals: 9, places: 3)) gwei"
        }
        out.append("")
        out.append("gas: \(r.gas.total) (limits \(r.gas.totalLimit), estimate + \(r.gas.marginPercent)%)\(r.gas.allEstimated ? "" : "; some planned, not estimated")")
        out.append("cost now:      \(money(c.atCurrentFees))")
        out.append("cost at cap:   \(money(c.atFeeCap))")
        out.append("most charged:  \(money(c.maxChargeAtFeeCap)) (every limit at the cap)")
        out.append(String(format: "pool fees: %.4f \(c.quoteToken)", r.feesPaid))
        let weights = r.projectedWeights.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))%" }
        out.append("weights after: \(weights.joined(separator: ", "))")
        out.append(r.agrees ? (r.complete ? "result: the simulation agrees with the plan to the wei"
                                          : "result: what was simulated agrees (partial simulation)")
                            : "result: the simulation DISAGREES with the plan")
        for p in r.problems { out.append("  \(p)") }
        return out.joined(separator: "\n")
    }
}
