import EthCore
import Foundation
import Market

/// Rebalance or skip, with every reason.
public struct Decision: Sendable, Codable {
    public enum Action: String, Sendable, Codable { case rebalance, skip }

    public var action: Action
    public var reasons: [SkipReason]
    /// Things the operator should know that do not stop the run (the cap scaled the trades down…).
    public var notes: [String]

    public var shouldRebalance: Bool { action == .rebalance }
}

/// Valuation → drift → guards → trade set → decision, for one portfolio and one market view.
public struct StrategyOutcome: Sendable {
    public var prices: PriceTable
    public var drift: DriftReport
    public var trades: TradeSet
    public var decision: Decision
    /// Expected gas cost of the trade set in whole quote tokens (nil when gas cannot be priced).
    public var gasCost: Double?
}

public enum Strategist {
    /// Everything the strategy decides from one snapshot. `now` is the wall clock (seconds since
    /// 1970) for the staleness guard; passing it in keeps this code free of I/O and testable.
    public static func evaluate(portfolio: PortfolioConfig, market: MarketView, now: UInt64) throws(StrategyError) -> StrategyOutcome {
        var symbols = portfolio.targets.map(\.token)
        for t in market.tokens where !symbols.contains(t.symbol) { symbols.append(t.symbol) }
        // Tokens without any pool path are only an error if the portfolio needs them.
        var table = try Valuation.prices(of: portfolio.targets.map(\.token), quote: portfolio.quoteToken, market: market)
        for s in symbols where table.prices[s] == nil {
            if let extra = try? Valuation.prices(of: [s], quote: portfolio.quoteToken, market: market) {
                table.prices[s] = extra.prices[s]
                table.paths[s] = extra.paths[s]
            }
        }
        let drift = try DriftReport.measure(portfolio: portfolio, market: market, prices: table)
        let trades = TradeSolver.solve(drift: drift, portfolio: portfolio, market: market, prices: table)
        let gasCost = Guards.gasCost(gas: trades.estimatedGas, market: market, prices: table)
        var reasons = Guards.check(market: market, prices: table, policy: portfolio.policy, now: now,
                                   judged: Guards.judgedTokens(portfolio: portfolio, prices: table))
        var notes: [String] = []

        if let vault = market.vault {
            if vault.paused { reasons.append(.vaultPaused) }
            if let problem = vault.pricingProblem { reasons.append(.vaultCannotPrice(problem)) }
        }
        let vaultExhausted = trades.scaledBy == .vaultVolume && trades.intents.isEmpty
        let trigger = drift.needsRebalance ? nil
            : TimingRules.priceTrigger(policy: portfolio.policy, targets: portfolio.targets.map(\.token), prices: table,
                                       last: market.lastRebalance)
        if let trigger {
            notes.append("\(trigger.token) moved \(fmt(trigger.movePercent))% since the last rebalance "
                         + "(policy.triggerPriceMovePercent \(fmt(portfolio.policy.triggerPriceMovePercent ?? 0))%): rebalancing inside the bands")
        }
        if drift.needsRebalance || trigger != nil,
           let left = TimingRules.secondsLeft(policy: portfolio.policy, last: market.lastRebalance, now: now) {
            reasons.append(.tooSoon(secondsLeft: left, minIntervalMinutes: portfolio.policy.minIntervalMinutes ?? 0))
        }
        if !drift.needsRebalance && trigger == nil {
            reasons.insert(.insideBands, at: 0)
        } else if vaultExhausted, let left = market.vault?.volumeLeft {
            reasons.append(.vaultBudgetUsed(left: VaultBounds.usd(left)))
        } else if trades.intents.isEmpty {
            reasons.append(.onlyDust(minTradeValue: portfolio.policy.minTradeValue, quote: portfolio.quoteToken))
        } else if let cost = gasCost, trades.totalValue > 0 {
            let percent = cost / trades.totalValue * 100
            if percent > portfolio.policy.maxGasCostPercent {
                reasons.append(.gasTooExpensive(gasCost: cost, traded: trades.totalValue, percent: percent,
                                                maxPercent: portfolio.policy.maxGasCostPercent, quote: portfolio.quoteToken))
            }
        }
        if trades.scale < 1, !trades.intents.isEmpty {
            switch trades.scaledBy {
            case .vaultVolume:
                let vault = market.vault
                notes.append("trade set scaled to \(fmt(trades.scale * 100))% to stay within what the vault lets one call give now "
                             + "(\(vault?.volumeLeft.map(VaultBounds.usd) ?? "?"): \(vault?.maxCallPercent ?? 0) % of NAV per call, "
                             + "\(vault?.maxDailyPercent ?? 0) % per rolling day); the rest follows in later runs")
            case .perRunCap, nil:
                notes.append("trade set scaled to \(fmt(trades.scale * 100))% to stay within the per-run cap of \(fmt(portfolio.policy.maxTradePercentPerRun ?? 100))% of the portfolio")
            }
        }
        if !trades.dust.isEmpty {
            notes.append("\(trades.dust.count) trade(s) below \(fmt(portfolio.policy.minTradeValue)) \(portfolio.quoteToken) dropped as dust")
        }
        if drift.needsRebalance && !trades.intents.isEmpty && !trades.landsInsideBands && trades.scale >= 1 {
            notes.append("after costs \(trades.outsideAfter.joined(separator: ", ")) would still be outside the band")
        }
        let decision = Decision(action: reasons.isEmpty ? .rebalance : .skip, reasons: reasons, notes: notes)
        return StrategyOutcome(prices: table, drift: drift, trades: trades, decision: decision, gasCost: gasCost)
    }
}
