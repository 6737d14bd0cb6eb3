import EthCore
import Foundation
import Market

/// Why a run does not trade. Each reason is printed in the report and journaled.
public enum SkipReason: Sendable, Hashable, Codable, CustomStringConvertible {
    case insideBands
    case staleBlock(ageSeconds: Double, maxSeconds: Double)
    case priceOffMovingAverage(token: String, price: Double, average: Double, deviationPercent: Double, maxPercent: Double)
    case poolsDisagree(pair: String, pools: [Address], spreadBps: Double, maxBps: Double)
    case gasTooExpensive(gasCost: Double, traded: Double, percent: Double, maxPercent: Double, quote: String)
    case onlyDust(minTradeValue: Double, quote: String)
    case vaultPaused
    /// The vault cannot price a token (a stale or missing feed): it refuses every rebalance.
    case vaultCannotPrice(String)
    /// What the vault lets one call give now is below the dust threshold (the rolling day is used up).
    case vaultBudgetUsed(left: String)
    /// The routed plan breaks a vault limit (loss bound, volume, daily loss).
    case vaultWouldRefuse([String])
    /// `policy.minIntervalMinutes` has not passed since the last rebalance.
    case tooSoon(secondsLeft: Double, minIntervalMinutes: Double)

    public var description: String {
        switch self {
        case .insideBands:
            return "every token is inside its drift bands"
        case .staleBlock(let age, let max):
            return "block is \(Int(age)) s old (max \(Int(max)) s): the node may be behind"
        case .priceOffMovingAverage(let t, let p, let avg, let dev, let max):
            return "\(t) price \(fmt(p)) is \(fmt(dev))% from its moving average \(fmt(avg)) (max \(fmt(max))%): possible manipulation or a falling knife"
        case .poolsDisagree(let pair, let pools, let spread, let max):
            return "pools on \(pair) disagree by \(fmt(spread)) bps (max \(fmt(max))), pools \(pools.map(\.checksummed).joined(separator: ", ")): possible manipulation"
        case .gasTooExpensive(let gas, let traded, let pct, let max, let q):
            return "gas would cost \(fmt(gas)) \(q), \(fmt(pct))% of the \(fmt(traded)) \(q) traded (max \(fmt(max))%)"
        case .onlyDust(let min, let q):
            return "every trade is below the dust threshold of \(fmt(min)) \(q)"
        case .vaultPaused:
            return "the vault is paused (its guardian or owner stopped the operator)"
        case .vaultCannotPrice(let why):
            return "the vault cannot price its tokens, so it refuses every rebalance: \(why)"
        case .vaultBudgetUsed(let left):
            return "the vault's rolling-day budget is used up (\(left) left for one call); it refills over 24 hours"
        case .vaultWouldRefuse(let problems):
            return "the vault would refuse this plan: " + problems.joined(separator: "; ")
        case .tooSoon(let left, let minutes):
            let interval = minutes == minutes.rounded() && minutes < 1e9 ? String(Int(minutes)) : fmt(minutes)
            return "the last rebalance was less than \(interval) min ago (policy.minIntervalMinutes): next one allowed in \(duration(left))"
        }
    }
}

/// 2 h 05 min, 45 min, 30 s: a wait as a person reads it.
func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    if s >= 3600 { return "\(s / 3600) h \(String(format: "%02d", (s % 3600 + 59) / 60 % 60)) min" }
    if s >= 60 { return "\((s + 59) / 60) min" }
    return "\(s) s"
}

func fmt(_ x: Double) -> String {
    if abs(x) >= 1000 { return String(format: "%.0f", x) }
    if abs(x) >= 1 { return String(format: "%.2f", x) }
    return String(format: "%.4g", x)
}

/// The checks that stop a run before routing: data too old, prices that look manipulated.
public enum Guards {
    /// `judged`: the tokens the plan values and trades (the portfolio's tokens and those on their
    /// price paths). Prices and pools of other tokens (a thin WETH/LINK pool next to a WETH/USDC
    /// portfolio) say nothing about this rebalance and must not block it.
    public static func check(market: MarketView, prices: PriceTable, policy: Policy, now: UInt64,
                             judged: Set<String>? = nil) -> [SkipReason] {
        var reasons: [SkipReason] = []
        let age = Double(now) - Double(market.blockTimestamp)
        if age > policy.maxBlockAgeSeconds {
            reasons.append(.staleBlock(ageSeconds: age, maxSeconds: policy.maxBlockAgeSeconds))
        }
        reasons += movingAverage(prices: prices, history: market.priceHistory, policy: policy, judged: judged)
        reasons += poolsDisagree(market: market, policy: policy, judged: judged)
        return reasons
    }

    /// The tokens a portfolio's plan depends on: its targets, its quote token, and every token on
    /// the price paths that value them.
    public static func judgedTokens(portfolio: PortfolioConfig, prices: PriceTable) -> Set<String> {
        var tokens = Set(portfolio.targets.map(\.token)).union([portfolio.quoteToken])
        for token in Array(tokens) { tokens.formUnion(prices.paths[token]?.tokens ?? []) }
        return tokens
    }

    /// A price far from its recent average: a manipulated pool or a crash in progress. Either way,
    /// rebalancing into it now is the falling-knife trade the runbook warns about.
    static func movingAverage(prices: PriceTable, history: [PriceHistory.Sample], policy: Policy,
                              judged: Set<String>? = nil) -> [SkipReason] {
        // Journals and backtests hand the history over in order already; sort only when it is not.
        let ordered = zip(history, history.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }
            ? history : history.sorted { $0.timestamp < $1.timestamp }
        let recent = ordered.suffix(policy.movingAverageWindow)
        var reasons: [SkipReason] = []
        for (token, price) in prices.prices.sorted(by: { $0.key < $1.key }) where token != prices.quote {
            if let judged, !judged.contains(token) { continue }
            let observed = recent.compactMap { $0.prices[token] }.filter { $0 > 0 && $0.isFinite }
            let seen = PriceQuarantine.admitted(observed, current: price, policy: policy)
            guard !seen.isEmpty else { continue }
            let average = seen.reduce(0, +) / Double(seen.count)
            let deviation = abs(price - average) / average * 100
            if deviation > policy.maxPriceDeviationPercent {
                reasons.append(.priceOffMovingAverage(token: token, price: price, average: average,
                                                      deviationPercent: deviation, maxPercent: policy.maxPriceDeviationPercent))
            }
        }
        return reasons
    }

    /// Pools quoting the same pair at prices further apart than arbitrage would allow.
    static func poolsDisagree(market: MarketView, policy: Policy, judged: Set<String>? = nil) -> [SkipReason] {
        var byPair: [String: [(Address, Double)]] = [:]
        for pool in market.pools {
            for i in pool.tokens.indices {
                for j in pool.tokens.indices where pool.tokens[i] < pool.tokens[j] {
                    if let judged, !judged.contains(pool.tokens[i]) || !judged.contains(pool.tokens[j]) { continue }
                    let rate = pool.midRate(from: i, to: j)
                    guard rate > 0, rate.isFinite else { continue }
                    byPair["\(pool.tokens[i])/\(pool.tokens[j])", default: []].append((pool.address, rate))
                }
            }
        }
        var reasons: [SkipReason] = []
        for (pair, quotes) in byPair.sorted(by: { $0.key < $1.key }) where quotes.count > 1 {
            let lo = quotes.min { $0.1 < $1.1 }!, hi = quotes.max { $0.1 < $1.1 }!
            let spread = (hi.1 / lo.1 - 1) * 10_000
            if spread > policy.maxPoolDisagreementBps {
                reasons.append(.poolsDisagree(pair: pair, pools: [lo.0, hi.0], spreadBps: spread, maxBps: policy.maxPoolDisagreementBps))
            }
        }
        return reasons
    }

    /// Gas in whole quote tokens: gas × price per gas, valued through the wrapped native token.
    public static func gasCost(gas: UInt64, market: MarketView, prices: PriceTable) -> Double? {
        guard let native = market.wrappedNative, let nativePrice = prices.price(native) else { return nil }
        return Double(gas) * market.gasPriceWei.doubleValue / 1e18 * nativePrice
    }
}
