/// The portfolio's previous rebalance, for the timing rules: when it happened and the prices it
/// traded at (live runs read it from the journal; a backtest keeps it as it goes).
public struct LastRebalance: Sendable, Hashable, Codable {
    /// Seconds since 1970 (the block's time).
    public var time: UInt64
    /// Whole quote tokens per whole token, by symbol.
    public var prices: [String: Double]

    public init(time: UInt64, prices: [String: Double]) {
        self.time = time
        self.prices = prices
    }
}

/// `policy.minIntervalMinutes` and `policy.triggerPriceMovePercent`: the article's timer between
/// rebalances and a price-move trigger beside the drift bands.
public enum TimingRules {
    /// The largest move of a target token's price since the last rebalance, when it reaches the trigger.
    public static func priceTrigger(policy: Policy, targets: [String], prices: PriceTable, last: LastRebalance?)
        -> (token: String, movePercent: Double)? {
        guard let trigger = policy.triggerPriceMovePercent, let last else { return nil }
        var best: (token: String, movePercent: Double)?
        for token in targets.sorted() where token != prices.quote {
            guard let now = prices.price(token), let before = last.prices[token], before > 0, now > 0 else { continue }
            let move = abs(now / before - 1) * 100
            if move >= trigger, move > best?.movePercent ?? -1 { best = (token, move) }
        }
        return best
    }

    /// Seconds until the minimum interval since the last rebalance has passed (nil: not waiting).
    public static func secondsLeft(policy: Policy, last: LastRebalance?, now: UInt64) -> Double? {
        guard let minutes = policy.minIntervalMinutes, let last else { return nil }
        let left = Double(last.time) + minutes * 60 - Double(now)
        return left > 0 ? left : nil
    }
}
