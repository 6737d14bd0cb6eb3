import EthCore
import Execution
import Foundation
import Market
import Routing
import Strategy

extension RunReport {
    /// The report of a planned run before anything is sent: allocation against targets and bands,
    /// the routes, the decision.
    static func planned(state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, result: PlanningResult) -> RunReport {
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

    /// What the chain did: actual outputs per route, gas per transaction.
    mutating func record(execution transactions: [PlannedTransaction], outcomes: [SendOutcome], routes routeOutcomes: [RouteOutcome],
                         plan: TradePlan, network: NetworkConfig, context: DryRunContext) {
        mode = .live
        routes = zip(plan.routes, routeOutcomes).map { route, o in
            RouteSummary(route: route, poolLabels: Self.poolLabels(network), amountOutActual: o.actualOut)
        }
        gas = RunGasSummary(
            steps: zip(transactions, outcomes).map { tx, o in
                RunGasSummary.Step(label: tx.label, estimated: tx.gasEstimate, used: o.gasUsed, sending: SendingSummary(o))
            },
            estimatedGasPriceWei: context.baseFeePerGas.adding(context.priorityFeePerGas),
            effectiveGasPriceWei: outcomes.compactMap(\.effectiveGasPrice).first, nativePriceInQuote: context.nativePriceInQuote)
    }

    /// "uniswap-v2 WETH/USDC" for every pool of the network file.
    static func poolLabels(_ network: NetworkConfig) -> [Address: String] {
        Dictionary((network.pools ?? []).map { ($0.address, "\($0.dex) \($0.tokens.joined(separator: "/"))") }, uniquingKeysWith: { a, _ in a })
    }
}
