/// The same backtest over a grid of drift bands and decision intervals: where tight bands stop
/// paying for their fees.
public struct SweepResult: Sendable, Encodable {
    public struct Cell: Sendable, Encodable {
        public var bandPoints: Double
        public var every: UInt64
        public var finalValue: Double
        public var rebalanceCount: Int
        public var costs: Costs
        public var metrics: Metrics
    }

    public var data: String
    public var quote: String
    public var capital: Double
    public var bandRelativePercent: Double
    public var cells: [Cell]
    /// Buy-and-hold over the same range (the finest interval's steps).
    public var holdFinalValue: Double
    /// Calendar rebalancing at each interval.
    public var calendarFinalValue: [String: Double]

    /// The cell that ends with the most.
    public var best: Cell? { cells.max { $0.finalValue < $1.finalValue } }
}

public enum Sweep {
    public static func run(_ setup: BacktestSetup, bands: [Double], everies: [UInt64]) throws(BacktestError) -> SweepResult {
        var cells: [SweepResult.Cell] = []
        var hold: Double?
        var calendar: [String: Double] = [:]
        for every in everies {
            var timed = setup
            timed.every = every
            let steps = try Backtester.steps(timed)
            if hold == nil || every == everies.min() {
                hold = try Backtester.simulate(timed, kind: .hold, steps: steps).finalValue
            }
            calendar[String(every)] = try Backtester.simulate(timed, kind: .calendar, steps: steps).finalValue
            for band in bands {
                var banded = timed
                banded.portfolio.policy.driftBandPoints = band
                let run = try Backtester.simulate(banded, kind: .rebalanced, steps: steps)
                cells.append(SweepResult.Cell(bandPoints: band, every: every, finalValue: run.finalValue,
                                              rebalanceCount: run.rebalanceCount, costs: run.costs, metrics: run.metrics))
            }
        }
        return SweepResult(data: setup.candles.dataLabel, quote: setup.portfolio.quoteToken,
                           capital: setup.capital, bandRelativePercent: setup.portfolio.policy.driftBandRelativePercent,
                           cells: cells, holdFinalValue: hold ?? setup.capital, calendarFinalValue: calendar)
    }
}
