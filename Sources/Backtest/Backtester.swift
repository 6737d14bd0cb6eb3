import EthCore
import Execution
import Market
import Strategy

/// What a backtest runs on.
public struct BacktestSetup: Sendable {
    public var portfolio: PortfolioConfig
    /// Every token the market knows: the portfolio's, its quote token and the wrapped native token
    /// (for pricing gas) when candles price it.
    public var tokens: [Token]
    public var wrappedNative: String?
    public var candles: CandleSet
    public var from: UInt64?
    public var to: UInt64?
    /// Seconds between two decisions.
    public var every: UInt64
    /// Starting value in quote units, split at the targets.
    public var capital: Double
    public var pools: PoolCostModel
    public var gasGwei: Double

    public init(portfolio: PortfolioConfig, tokens: [Token], wrappedNative: String?, candles: CandleSet, from: UInt64? = nil,
                to: UInt64? = nil, every: UInt64 = 3600, capital: Double = 100_000, pools: PoolCostModel = .default,
                gasGwei: Double = 20) {
        self.portfolio = portfolio
        self.tokens = tokens
        self.wrappedNative = wrappedNative
        self.candles = candles
        self.from = from
        self.to = to
        self.every = every
        self.capital = capital
        self.pools = pools
        self.gasGwei = gasGwei
    }
}

/// Replays candles through the same decision `plan` and `run` make (Strategist: bands, dust, caps,
/// moving-average guard, gas rule; RebalancePlanner: the exact routes) and costs every rebalance
/// through the pool model. Computing only: the candles come in as values.
public enum Backtester {
    public static func run(_ setup: BacktestSetup) throws(BacktestError) -> BacktestResult {
        let steps = try steps(setup)
        let rebalanced = try simulate(setup, kind: .rebalanced, steps: steps)
        let hold = try simulate(setup, kind: .hold, steps: steps)
        let calendar = try simulate(setup, kind: .calendar, steps: steps)
        let policy = setup.portfolio.policy
        return BacktestResult(
            data: setup.candles.dataLabel, quote: setup.portfolio.quoteToken,
            from: steps.first ?? 0, to: steps.last ?? 0, every: setup.every, steps: steps.count, capital: setup.capital,
            poolModel: setup.pools.summary, gasGwei: setup.gasGwei, rebalanced: rebalanced, hold: hold, calendar: calendar,
            targets: Dictionary(uniqueKeysWithValues: setup.portfolio.targets.map { ($0.token, $0.percent) }),
            bandPoints: policy.driftBandPoints, bandRelativePercent: policy.driftBandRelativePercent)
    }

    /// The decision times: every `every` seconds across the range all priced tokens share.
    static func steps(_ setup: BacktestSetup) throws(BacktestError) -> [UInt64] {
        let priced = setup.tokens.map(\.symbol).filter { $0 != setup.portfolio.quoteToken }
        let range: ClosedRange<UInt64>
        do { range = try setup.candles.commonRange(of: priced) } catch { throw .candles(error) }
        let start = max(range.lowerBound, setup.from ?? 0)
        let end = min(range.upperBound, setup.to ?? .max)
        var steps: [UInt64] = []
        if start <= end, setup.every > 0 {
            steps.reserveCapacity(Int((end - start) / setup.every) + 1)
            var t = start
            while t <= end {
                steps.append(t)
                let (next, overflow) = t.addingReportingOverflow(setup.every)
                if overflow { break }
                t = next
            }
        }
        guard steps.count >= 2 else { throw .tooShort(steps: steps.count) }
        return steps
    }

    static func simulate(_ setup: BacktestSetup, kind: StrategyRun.Kind, steps: [UInt64]) throws(BacktestError) -> StrategyRun {
        var portfolio = setup.portfolio
        if kind == .calendar {
            // No bands: any drift at all is a reason to trade; dust, gas and the guards still apply.
            portfolio.policy.driftBandPoints = 1e-9
            portfolio.policy.driftBandRelativePercent = 1e-9
        }
        let quoteSymbol = portfolio.quoteToken
        guard let quote = setup.tokens.first(where: { $0.symbol == quoteSymbol }) else { throw .unknownToken(quoteSymbol) }
        let gasPrice = UInt256(truncating: max(0, setup.gasGwei) * 1e9) ?? .zero

        var balances: [String: UInt256] = [:]
        var history: [PriceHistory.Sample] = []
        let window = max(1, portfolio.policy.movingAverageWindow)
        var costs = Costs()
        var traded = 0.0
        var trades: [StrategyRun.Trade] = []
        var skips: [String: Int] = [:]
        var points: [StrategyRun.Point] = []
        points.reserveCapacity(steps.count)
        var last: LastRebalance?

        for (n, time) in steps.enumerated() {
            var prices: [String: Double] = [quoteSymbol: 1]
            for token in setup.tokens where token.symbol != quoteSymbol {
                guard let close = setup.candles.close(token.symbol, at: time) else {
                    if portfolio.targets.contains(where: { $0.token == token.symbol }) { throw .noPrice(token: token.symbol, time: time) }
                    continue
                }
                prices[token.symbol] = close
            }
            if n == 0 {
                for target in portfolio.targets {
                    guard let token = setup.tokens.first(where: { $0.symbol == target.token }) else { throw .unknownToken(target.token) }
                    guard let price = prices[target.token] else { throw .noPrice(token: target.token, time: time) }
                    balances[target.token] = UInt256(truncating: setup.capital * target.percent / 100 / price * pow10(token.decimals)) ?? .zero
                }
            }
            if kind != .hold {
                let pools = setup.pools.pools(prices: prices, tokens: setup.tokens, quote: quote)
                var market = MarketView(tokens: setup.tokens, balances: balances, pools: pools, blockNumber: UInt64(n),
                                        blockTimestamp: time, gasPriceWei: gasPrice, wrappedNative: setup.wrappedNative,
                                        priceHistory: history)
                market.lastRebalance = last
                let outcome: StrategyOutcome
                do { outcome = try Strategist.evaluate(portfolio: portfolio, market: market, now: time) } catch {
                    throw .strategy(time: time, error)
                }
                if outcome.decision.shouldRebalance {
                    do {
                        var plan = try RebalancePlanner.plan(outcome: outcome, market: market, policy: portfolio.policy)
                        plan.overheadGas = TradeSolver.overheadGas(mode: portfolio.mode, trades: plan.routes.count, market: market)
                        let trade = apply(plan, to: &balances, market: market, prices: outcome.prices, time: time)
                        costs = costs + trade.costs
                        traded += trade.traded
                        trades.append(trade)
                        last = LastRebalance(time: time, prices: outcome.prices.prices)
                    } catch {
                        skips["routing failed", default: 0] += 1
                    }
                } else if outcome.drift.needsRebalance || !outcome.decision.reasons.contains(.insideBands) {
                    for reason in outcome.decision.reasons { skips[Self.kind(of: reason), default: 0] += 1 }
                }
                history.append(PriceHistory.Sample(timestamp: time, prices: prices))
                if history.count > window { history.removeFirst(history.count - window) }
            }
            var holdings: [String: Double] = [:]
            for (symbol, balance) in balances {
                guard let token = setup.tokens.first(where: { $0.symbol == symbol }), let price = prices[symbol] else { continue }
                holdings[symbol] = token.displayAmount(balance) * price
            }
            let total = holdings.values.reduce(0, +)
            let weights = total > 0 ? holdings.mapValues { $0 / total * 100 } : [:]
            points.append(StrategyRun.Point(time: time, value: total - costs.gas, weights: weights, costs: costs))
        }
        let values = points.map(\.value)
        let final = values.last ?? 0
        return StrategyRun(
            kind: kind, finalValue: final, totalReturn: setup.capital > 0 ? (final / setup.capital - 1) * 100 : 0,
            metrics: Metrics.measure(values: values, stepSeconds: setup.every, traded: traded),
            rebalanceCount: trades.count, traded: traded, costs: costs, skips: skips, trades: trades, points: points)
    }

    /// The routes' exact outputs applied to the balances, with what they cost.
    static func apply(_ plan: TradePlan, to balances: inout [String: UInt256], market: MarketView,
                      prices: PriceTable, time: UInt64) -> StrategyRun.Trade {
        balances = PaperFill.apply(plan, to: balances)
        var valueIn = 0.0, valueOut = 0.0
        for route in plan.routes {
            if let sell = market.token(route.sell), let price = prices.price(route.sell) { valueIn += sell.displayAmount(route.amountIn) * price }
            if let buy = market.token(route.buy), let price = prices.price(route.buy) { valueOut += buy.displayAmount(route.amountOut) * price }
        }
        // The gas the live run plans: the routes' own gas plus the custody mode's overhead.
        let gasCost = Guards.gasCost(gas: plan.plannedGas, market: market, prices: prices) ?? 0
        let impact = valueIn - valueOut - plan.feesPaid
        return StrategyRun.Trade(time: time, routes: plan.routes.count, traded: valueIn,
                                 costs: Costs(fees: plan.feesPaid, priceImpact: impact, gas: gasCost))
    }

    /// A short name for a skip reason, to count them.
    static func kind(of reason: SkipReason) -> String {
        switch reason {
        case .insideBands: return "inside bands"
        case .staleBlock: return "stale block"
        case .priceOffMovingAverage: return "price off its moving average"
        case .poolsDisagree: return "pools disagree"
        case .gasTooExpensive: return "gas too expensive"
        case .onlyDust: return "only dust"
        case .vaultPaused: return "vault paused"
        case .vaultCannotPrice: return "vault cannot price"
        case .vaultBudgetUsed: return "vault budget used"
        case .vaultWouldRefuse: return "vault would refuse"
        case .tooSoon: return "too soon after the last rebalance"
        }
    }
}
