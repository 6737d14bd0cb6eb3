import EthCore
import Execution
import Foundation
import Market
import MarketLoading
import Strategy

extension RebalanceCycle {
    /// Paper trading: the live read and decision (the journal's price history and the paper runs'
    /// timing feeding the guards), without a key. The portfolio trades a paper book: the on-chain
    /// balances at the first paper run, then each route's exact quoted output credited as if it
    /// had been mined. Every run is journaled (kind `paper`) with the book, its value and the
    /// value of holding the start balances; nothing is signed or sent.
    public func runPaper() throws(CycleError) -> CycleResult {
        do { try session.verifyChain() } catch { throw .node("\(error)") }
        let loaded = try readState()
        var state = loaded.state
        let book = (try? journal.lastPaper(network: network.name, portfolio: portfolioFile)) ?? nil
        let start = book?.startBalances ?? state.balances
        if let book { state.balances = book.balances }
        let result = try decide(&state, node: loaded.node, paper: true)
        let outcome = result.outcome
        var report = RunReport.planned(state: state, network: network, portfolio: portfolio, result: result)

        var balances = state.balances
        var costs = book?.predictedCosts ?? 0
        var gasPaid = book?.gasPaid ?? 0
        var reasons = outcome.decision.reasons.map(\.description) + (result.routingError.map { ["routing failed: \($0)"] } ?? [])
        var planJSON: String?
        let trades = outcome.decision.shouldRebalance ? result.trades.flatMap { $0.isEmpty ? nil : $0 } : nil
        if let trades {
            balances = PaperFill.apply(trades, to: balances)
            let gas = Guards.gasCost(gas: trades.plannedGas, market: result.market, prices: outcome.prices) ?? 0
            costs += PaperFill.cost(trades, tokens: state.tokens, prices: outcome.prices, gasCost: gas)
            gasPaid += gas
            planJSON = JournalJSON.encode(PlanRecord(trades: trades, transactions: [], deadline: result.plan?.deadline ?? 0))
            reasons = []
        }
        let status: RunStatus = trades == nil ? .skipped : .completed
        let runId = try journaled { () throws(JournalError) in
            try journal.beginRun(network: network.name, portfolio: portfolioFile, mode: .paper, blockNumber: state.block.number,
                                 decision: trades == nil ? .skip : .rebalance, reasons: reasons, plan: planJSON, status: status)
        }
        let record = PaperRecord(
            runId: runId, portfolio: portfolioFile, quote: portfolio.quoteToken, balances: balances, startBalances: start,
            value: PaperFill.value(balances, tokens: state.tokens, prices: outcome.prices) - gasPaid,
            holdValue: PaperFill.value(start, tokens: state.tokens, prices: outcome.prices), predictedCosts: costs, gasPaid: gasPaid)
        _ = try journaled { () throws(JournalError) in try journal.recordPaper(record) }
        report.runId = runId
        report.mode = .paper
        report.paper = RunReport.PaperSummary(value: record.value, holdValue: record.holdValue, predictedCosts: record.predictedCosts)
        try? journal.finishRun(runId, status: status, outcome: JournalJSON.encode(report))
        return CycleResult(status: trades == nil ? .skipped : .completed, runId: runId, decision: outcome.decision,
                           reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "), reasons: reasons, paper: record)
    }
}
