import EthCore
import Market
import Routing
import Strategy

/// Snapshot → strategy → routes → transactions, the computing half of `plan`, `dry-run` and `run`.
/// Pure: the same snapshot, portfolio and clock give the same plan.
public struct PlanningResult: Sendable {
    public var market: MarketView
    public var outcome: StrategyOutcome
    /// The routed trades (also on a skip, when the trade set routes: for the operator to see).
    public var trades: TradePlan?
    /// Why routing failed, if it did.
    public var routingError: PlanningError?
    /// The transactions; nil on a skip or when routing failed.
    public var plan: RebalancePlan?
    /// In vault mode: the routed trades measured by the vault's own rule (prices, loss bound, budget).
    public var vaultCheck: VaultCheck?
}

public enum PlanningPipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    case strategy(StrategyError)
    case build(PlanBuildError)

    public var description: String {
        switch self {
        case .strategy(let e): return "\(e)"
        case .build(let e): return "\(e)"
        }
    }
}

public enum PlanningPipeline {
    /// How long the swaps stay valid after the snapshot's block (20 minutes, Uniswap's interface default).
    public static let defaultDeadlineSeconds: UInt64 = 1200

    /// The strategy's view of a snapshot: base fee plus the snapshot's priority fee (or the network's
    /// cap when the snapshot has none) as the gas price.
    public static func market(state: ChainState, network: NetworkConfig) -> MarketView {
        MarketView(state: state, wrappedNative: network.wrappedNative, gas: network.gas)
    }

    /// The routes' net flows measured by the vault's rule, as the vault will measure the call.
    public static func vaultCheck(_ trades: TradePlan, state: ChainState) -> VaultCheck? {
        guard let vault = state.vault else { return nil }
        // The vault nets each token's balance change over the whole call (a token one route buys
        // and another sells counts once), then values decreases as given and increases as received.
        var inflow: [String: UInt256] = [:], outflow: [String: UInt256] = [:]
        for route in trades.routes {
            outflow[route.sell] = (outflow[route.sell] ?? .zero).adding(route.amountIn) ?? .max
            inflow[route.buy] = (inflow[route.buy] ?? .zero).adding(route.amountOut) ?? .max
        }
        var given: [(symbol: String, amount: UInt256, decimals: Int)] = []
        var received: [(symbol: String, amount: UInt256, decimals: Int)] = []
        for symbol in Set(inflow.keys).union(outflow.keys).sorted() {
            let decimals = state.token(symbol)?.decimals ?? 18
            let into = inflow[symbol] ?? .zero, out = outflow[symbol] ?? .zero
            if out > into { given.append((symbol, out - into, decimals)) } else if into > out { received.append((symbol, into - out, decimals)) }
        }
        return vault.check(given: given, received: received)
    }

    /// The market the router searches: routes avoid pools the holder cannot trade through (not on
    /// its vault's allowlist) and pools of a kind the custody mode cannot execute yet
    /// (`CustodyMode.executablePoolKinds`); the strategy's prices still came from every pool.
    public static func routableMarket(_ market: MarketView, state: ChainState, executable kinds: Set<PoolKind>) -> MarketView {
        let excluded = Set(state.excludedPools)
        let pools = market.pools.filter { !excluded.contains($0.address) && kinds.contains($0.kind) }
        guard pools.count < market.pools.count else { return market }
        var routable = MarketView(tokens: market.tokens, balances: market.balances, pools: pools,
                                  blockNumber: market.blockNumber, blockTimestamp: market.blockTimestamp, gasPriceWei: market.gasPriceWei,
                                  wrappedNative: market.wrappedNative, priceHistory: market.priceHistory)
        routable.vault = market.vault
        routable.lastRebalance = market.lastRebalance
        return routable
    }

    public static func run(
        state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, now: UInt64,
        deadlineSeconds: UInt64 = defaultDeadlineSeconds, lastRebalance: LastRebalance? = nil
    ) throws(PlanningPipelineError) -> PlanningResult {
        var market = market(state: state, network: network)
        market.lastRebalance = lastRebalance
        let outcome: StrategyOutcome
        do { outcome = try Strategist.evaluate(portfolio: portfolio, market: market, now: now) } catch { throw .strategy(error) }
        var result = PlanningResult(market: market, outcome: outcome, trades: nil, routingError: nil, plan: nil)
        guard !outcome.trades.intents.isEmpty else { return result }
        let routable = routableMarket(market, state: state, executable: portfolio.mode.executablePoolKinds)
        let spenders = portfolio.mode == .eoa ? PlanBuilder.spenders(state: state, network: network, portfolio: portfolio) : nil
        do {
            // The vault runs at most maxSteps swaps per call: a plan with more is reduced here, with
            // the reason, rather than built into a call the vault would revert.
            let maxSteps = portfolio.mode == .vault ? VaultRebalanceCall.maxSteps : nil
            var trades = try RebalancePlanner.plan(outcome: outcome, market: routable, policy: portfolio.policy, maxSteps: maxSteps,
                                                   eoaSpenders: spenders)
            trades.overheadGas = TradeSolver.overheadGas(mode: portfolio.mode, trades: trades.routes.count, market: routable)
            result.trades = trades
            result.outcome.decision.notes += trades.reductions ?? []
        } catch {
            result.routingError = error
            return result
        }
        // The vault values the call at its own prices and refuses a plan that breaks its bounds:
        // such a plan is a skip with the vault's reasons, never a transaction that reverts.
        if let trades = result.trades, let check = vaultCheck(trades, state: state) {
            result.vaultCheck = check
            if !check.accepted, result.outcome.decision.shouldRebalance {
                result.outcome.decision.action = .skip
                result.outcome.decision.reasons.append(.vaultWouldRefuse(check.problems))
            }
        }
        guard result.outcome.decision.shouldRebalance, let trades = result.trades else { return result }
        let deadline = state.block.timestamp.addingReportingOverflow(deadlineSeconds)
        do {
            var plan = try PlanBuilder.build(trades: trades, state: state, network: network, portfolio: portfolio,
                                             deadline: deadline.overflow ? .max : deadline.partialValue)
            if plan.mode == .eoa {
                // every approval and every swap (a leg, or a leg's run on one venue) is a transaction;
                // the approvals step routes priced in their own gas are not counted twice
                let swaps = plan.transactions.filter { $0.swap != nil }.count
                let priced = plan.trades.routes.indices.reduce(0) { $0 + plan.approvalsPricedInRoute($1) }
                plan.trades.overheadGas = GasModel.eoaOverhead(approvals: max(0, plan.transactions.count - swaps - priced), swaps: swaps)
                result.trades = plan.trades
            }
            result.plan = plan
        } catch {
            throw .build(error)
        }
        return result
    }
}
