/// One strategy's path through the candles.
public struct StrategyRun: Sendable, Encodable {
    public enum Kind: String, Sendable, Codable {
        /// The portfolio's own policy: drift bands, guards, caps, timing rules.
        case rebalanced
        /// Left alone from the start.
        case hold
        /// Back to the targets at every step, whatever the drift (the same guards otherwise).
        case calendar
    }

    /// The portfolio at one step.
    public struct Point: Sendable, Hashable {
        public var time: UInt64
        /// Holdings at the candle's prices less the gas paid so far, quote units.
        public var value: Double
        /// Percent of the holdings' value, by token.
        public var weights: [String: Double]
        /// Costs paid up to and including this step.
        public var costs: Costs
    }

    /// One rebalance: when and what it cost.
    public struct Trade: Sendable, Hashable, Codable {
        public var time: UInt64
        public var routes: Int
        /// Value sold, quote units at mid prices.
        public var traded: Double
        public var costs: Costs
    }

    public var kind: Kind
    public var finalValue: Double
    /// Percent.
    public var totalReturn: Double
    public var metrics: Metrics
    public var rebalanceCount: Int
    public var traded: Double
    public var costs: Costs
    /// Why steps that were outside the bands did not trade, by reason, with counts.
    public var skips: [String: Int]
    public var trades: [Trade]
    public var points: [Point]

    enum CodingKeys: String, CodingKey {
        case kind, finalValue, totalReturn, metrics, rebalanceCount, traded, costs, skips
    }
}

/// A backtest: the portfolio's policy against holding and calendar rebalancing over one stretch of candles.
public struct BacktestResult: Sendable, Encodable {
    /// "files" or "synthetic, seed 7".
    public var data: String
    public var quote: String
    public var from: UInt64
    public var to: UInt64
    public var every: UInt64
    public var steps: Int
    public var capital: Double
    public var poolModel: String
    public var gasGwei: Double
    public var rebalanced: StrategyRun
    public var hold: StrategyRun
    public var calendar: StrategyRun
    public var rebalanceCount: Int { rebalanced.rebalanceCount }
    public var costs: Costs { rebalanced.costs }
    /// The portfolio's targets and bands, for the weights chart.
    public var targets: [String: Double]
    public var bandPoints: Double
    public var bandRelativePercent: Double

    enum CodingKeys: String, CodingKey {
        case data, quote, from, to, every, steps, capital, poolModel, gasGwei, rebalanced, hold, calendar,
             rebalanceCount, costs, targets, bandPoints, bandRelativePercent
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(quote, forKey: .quote)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(every, forKey: .every)
        try c.encode(steps, forKey: .steps)
        try c.encode(capital, forKey: .capital)
        try c.encode(poolModel, forKey: .poolModel)
        try c.encode(gasGwei, forKey: .gasGwei)
        try c.encode(rebalanced, forKey: .rebalanced)
        try c.encode(hold, forKey: .hold)
        try c.encode(calendar, forKey: .calendar)
        try c.encode(rebalanceCount, forKey: .rebalanceCount)
        try c.encode(costs, forKey: .costs)
        try c.encode(targets, forKey: .targets)
        try c.encode(bandPoints, forKey: .bandPoints)
        try c.encode(bandRelativePercent, forKey: .bandRelativePercent)
    }
}
