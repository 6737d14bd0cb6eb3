import Cycle
import EthCore
import Execution
import Foundation
import Market

/// What `run` prints: the transactions, predicted against actual per route, and the new weights.
enum RunText {
    static func render(runId: Int64, outcomes: [SendOutcome], transactions: [PlannedTransaction], routes: [RouteOutcome],
                       state: ChainState, allocation: [AllocationRow], cost: RebalanceCost? = nil) -> String {
        var out: [String] = []
        var t = Table([("transaction", .left), ("status", .left), ("block", .right), ("gas used", .right), ("estimated", .right),
                       ("sent via, inclusion", .left), ("hash", .left)])
        for (tx, o) in zip(transactions, outcomes) {
            t.add([tx.label, o.status.rawValue, o.blockNumber.map(String.init) ?? "-", o.gasUsed.map(String.init) ?? "-",
                   tx.gasEstimate.map(String.init) ?? "-", o.sendingText, o.hashHex])
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
        if let cost {
            out.append("")
            out.append("cost predicted \(RebalanceCost.line(cost.predicted, quote: cost.quoteToken))")
            if let actual = cost.actual { out.append("cost actual    \(RebalanceCost.line(actual, quote: cost.quoteToken))") }
        }
        out.append("")
        out.append("run \(runId): \(outcomes.allSatisfy { $0.status == .mined } ? "completed" : "FAILED") — see `rebalancer history` and `rebalancer report --html FILE`")
        return out.joined(separator: "\n")
    }
}

extension RunText {
    /// What `run` prints of a cycle: the skip and its reasons, or the transactions, routes and new
    /// weights (a dry-run disagreement and an unsettled state were said on stderr as they happened).
    static func print(_ result: CycleResult, json: Bool) throws {
        if let paper = result.paper {
            let summary = RunReport.PaperSummary(value: paper.value, holdValue: paper.holdValue, predictedCosts: paper.predictedCosts)
            let decision: RunDecision = result.status == .completed ? .rebalance : .skip
            if json {
                try JSONOutput.print(RunOutput(runId: paper.runId, decision: decision, reasons: result.reasons, routes: [], gasUsed: nil, timings: result.timings,
                                               paper: summary))
            } else {
                let what = decision == .rebalance ? "rebalanced on paper" : "skip — \(result.reasons.joined(separator: "; "))"
                Swift.print("paper run \(paper.runId): \(what)")
                Swift.print(String(format: "paper book %.2f %@ vs holding %.2f %@ (predicted costs so far %.2f %@)", paper.value, paper.quote,
                                   paper.holdValue, paper.quote, paper.predictedCosts, paper.quote))
            }
            return
        }
        switch result.status {
        case .skipped:
            let runId = result.runId ?? 0
            if json { try JSONOutput.print(RunOutput(runId: runId, decision: .skip, reasons: result.reasons, routes: [], gasUsed: nil,
                                                   timings: result.timings)) }
            else { Swift.print("run \(runId): skip — \(result.reasons.joined(separator: "; "))") }
        case .completed, .failed:
            guard let e = result.execution, let runId = result.runId else { return }
            if json {
                try JSONOutput.print(RunOutput(runId: runId, decision: .rebalance, reasons: [], routes: e.routes, gasUsed: e.summary.gasUsed,
                                               timings: result.timings, cost: e.summary.cost, sending: e.summary.sending))
            } else {
                Swift.print(render(runId: runId, outcomes: e.outcomes, transactions: e.transactions, routes: e.routes, state: e.state,
                                   allocation: e.allocation, cost: e.summary.cost))
            }
        case .disagreed, .unsettled:
            break
        }
    }
}
