import Backtest
import Strategy
import Testing

/// Answers known without running the code: what any correct backtest must say.
struct KnownAnswerTests {
    @Test func constantPricesNeverRebalanceAndKeepTheCapital() throws {
        let candles = Fixture.candles(["WETH": Array(repeating: 3000, count: 200)])
        let result = try Backtester.run(Fixture.setup(Fixture.portfolio(), candles, pools: .default, gasGwei: 20))
        #expect(result.rebalanceCount == 0)
        #expect(result.calendar.rebalanceCount == 0)
        #expect(abs(result.rebalanced.finalValue - 100_000) < 1e-6)
        #expect(abs(result.hold.finalValue - 100_000) < 1e-6)
        #expect(result.costs.total == 0)
        #expect(result.rebalanced.metrics.maxDrawdown == 0)
    }

    /// Up 50 %, back, down 50 %, back, again and again: rebalancing sells high and buys low, holding
    /// ends where it started.
    @Test func swingsThatReturnMakeRebalancingBeatHoldingAtZeroFees() throws {
        var closes: [Double] = []
        for _ in 0..<10 { closes += [3000, 4500, 3000, 1500] }
        closes.append(3000)
        let portfolio = Fixture.portfolio { $0.maxPriceDeviationPercent = 1000 }
        let result = try Backtester.run(Fixture.setup(portfolio, Fixture.candles(["WETH": closes])))
        #expect(abs(result.hold.finalValue - 100_000) < 1e-6)
        #expect(result.rebalanceCount > 10)
        #expect(result.rebalanced.finalValue > result.hold.finalValue * 1.2)
        // Only the impact of trades a billionth of the pool's depth: under a cent.
        #expect(result.costs.total.magnitude < 0.01)
    }

    /// A steady climb: every rebalance sells the winner, so holding it wins.
    @Test func aSteadyTrendMakesHoldingWin() throws {
        let closes = (0..<300).map { 1000 * pow(1.01, Double($0)) }
        let portfolio = Fixture.portfolio { $0.maxPriceDeviationPercent = 1000 }
        let result = try Backtester.run(Fixture.setup(portfolio, Fixture.candles(["WETH": closes])))
        #expect(result.rebalanceCount > 3)
        #expect(result.hold.finalValue > result.rebalanced.finalValue)
        #expect(result.rebalanced.finalValue > result.calendar.finalValue)
    }

    /// One jump, one rebalance, then still prices: the costed run ends below the cost-free one by
    /// exactly the fees, impact and gas it reports.
    @Test func reportedCostsAddUpToTheDifferenceAgainstACostFreeRun() throws {
        let closes = [3000.0, 4500] + Array(repeating: 4500.0, count: 20)
        let portfolio = Fixture.portfolio { $0.maxPriceDeviationPercent = 1000 }
        let candles = Fixture.candles(["WETH": closes])
        let thin = PoolCostModel(.constantProduct(feeBps: 30, depth: 2_000_000))
        let costed = try Backtester.run(Fixture.setup(portfolio, candles, pools: thin, gasGwei: 30))
        let free = try Backtester.run(Fixture.setup(portfolio, candles))
        #expect(costed.rebalanceCount == 1)
        #expect(free.rebalanceCount == 1)
        #expect(costed.costs.fees > 10)
        #expect(costed.costs.priceImpact > 10)
        #expect(costed.costs.gas > 1)
        let difference = free.rebalanced.finalValue - costed.rebalanced.finalValue
        #expect(abs(difference - costed.costs.total) < 0.01, "difference \(difference), costs \(costed.costs.total)")
    }

    /// Three tokens, crossing trades through the quote token's pools: still exact bookkeeping.
    @Test func threeTokensTradeAcrossPoolsAndKeepTheirValue() throws {
        let weth = (0..<100).map { 3000 + 800 * sin(Double($0) / 6) }
        let wbtc = (0..<100).map { 60000 - 15000 * sin(Double($0) / 6) }
        let portfolio = Fixture.portfolio(withBTC: true) { $0.maxPriceDeviationPercent = 1000 }
        let result = try Backtester.run(Fixture.setup(portfolio, Fixture.candles(["WETH": weth, "WBTC": wbtc]), withBTC: true))
        #expect(result.rebalanceCount > 2)
        #expect(result.rebalanced.finalValue > result.hold.finalValue)
    }

    /// The article's timer: with policy.minIntervalMinutes the same swings trade less often, never
    /// closer together than the interval, and the skips say why.
    @Test func theMinimumIntervalSpacesRebalances() throws {
        var closes: [Double] = []
        for _ in 0..<10 { closes += [3000, 4500, 3000, 1500] }
        let free = try Backtester.run(Fixture.setup(Fixture.portfolio { $0.maxPriceDeviationPercent = 1000 }, Fixture.candles(["WETH": closes])))
        let timed = try Backtester.run(Fixture.setup(Fixture.portfolio {
            $0.maxPriceDeviationPercent = 1000
            $0.minIntervalMinutes = 150
        }, Fixture.candles(["WETH": closes])))
        #expect(timed.rebalanceCount < free.rebalanceCount)
        let times = timed.rebalanced.trades.map(\.time)
        for k in times.indices.dropFirst() { #expect(times[k] - times[k - 1] >= 150 * 60) }
        #expect((timed.rebalanced.skips["too soon after the last rebalance"] ?? 0) > 0)
    }

    @Test func theMovingAverageGuardStopsTradesIntoACrash() throws {
        let closes = Array(repeating: 3000.0, count: 30) + Array(repeating: 1500.0, count: 3)
        let result = try Backtester.run(Fixture.setup(Fixture.portfolio(), Fixture.candles(["WETH": closes])))
        #expect(result.rebalanceCount == 0)
        #expect((result.rebalanced.skips["price off its moving average"] ?? 0) > 0)
    }
}

import Foundation
