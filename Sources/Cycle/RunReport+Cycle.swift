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
        var report = RunReport(
            network: network.name, blockNumber: state.block.number, time: Date(), quoteToken: portfolio.quoteToken,
            nativeSymbol: "ETH", custody: portfolio.mode.rawValue, mode: .dryRun,
            tokens: state.tokens.map { RunReport.Token(symbol: $0.symbol, decimals: $0.decimals) },
            totalValue: outcome.drift.totalValue,
            allocation: AllocationRow.rows(drift: outcome.drift, weightsAfter: result.trades?.projectedWeights, policy: portfolio.policy),
            routes: routes,
            gas: RunGasSummary(steps: [], estimatedGasPriceWei: nil, nativePriceInQuote: network.wrappedNative.flatMap { outcome.prices.price($0) }),
            decision: DecisionSummary(outcome.decision))
        report.cost = result.trades.map { trades in
            cost(state: state, network: network, portfolio: portfolio, result: result,
                 trades: trades.routes.map { RebalanceCost.Trade(sell: $0.sell, buy: $0.buy, amountIn: $0.amountIn, predictedOut: $0.amountOut,
                                                                 actualOut: nil) },
                 predictedGasWei: UInt256(trades.routeGas).multiplied(by: result.market.gasPriceWei) ?? .zero, actualGasWei: nil)
        }
        return report
    }

    /// The rebalance's cost at the decision's mid prices; `actualGasWei` and the outcomes' actual
    /// outputs give the actual side.
    static func cost(state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, result: PlanningResult,
                     trades: [RebalanceCost.Trade], predictedGasWei: UInt256, actualGasWei: UInt256?) -> RebalanceCost {
        let prices = result.outcome.prices
        return RebalanceCost.measure(
            trades: trades,
            decimals: Dictionary(state.tokens.map { ($0.symbol, $0.decimals) }, uniquingKeysWith: { a, _ in a }),
            prices: prices.prices, poolFees: result.trades?.feesPaid ?? 0, predictedGasWei: predictedGasWei, actualGasWei: actualGasWei,
            nativePrice: network.wrappedNative.flatMap { prices.price($0) }, portfolioValue: result.outcome.drift.totalValue,
            quoteToken: portfolio.quoteToken)
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
