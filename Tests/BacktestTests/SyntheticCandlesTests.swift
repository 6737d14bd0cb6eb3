import Backtest
import Foundation
import Testing

struct SyntheticCandlesTests {
    func make(_ seed: UInt64) -> (candles: CandleSet, regimes: [SyntheticCandles.Regime]) {
        SyntheticCandles(seed: seed, tokens: SyntheticCandles.defaultTokens, start: 1_700_000_000, interval: 3600, count: 24 * 365).generate()
    }

    @Test func aSeedNamesOneDataSet() {
        let a = make(7), b = make(7), c = make(8)
        #expect(a.candles.series["WETH"] == b.candles.series["WETH"])
        #expect(a.candles.series["WETH"] != c.candles.series["WETH"])
        #expect(a.candles.syntheticLabel == "synthetic, seed 7")
    }

    /// A year of hours passes through every regime, and the tokens move together.
    @Test func walksThroughBullBearAndCrashWithCorrelatedTokens() throws {
        let (candles, regimes) = make(7)
        #expect(Set(regimes) == Set(SyntheticCandles.Regime.allCases))
        let weth = try #require(candles.series["WETH"]).map(\.close)
        let wbtc = try #require(candles.series["WBTC"]).map(\.close)
        func returns(_ p: [Double]) -> [Double] { (1..<p.count).map { log(p[$0] / p[$0 - 1]) } }
        let x = returns(weth), y = returns(wbtc)
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in x.indices { sxy += (x[k] - mx) * (y[k] - my); sxx += (x[k] - mx) * (x[k] - mx); syy += (y[k] - my) * (y[k] - my) }
        let correlation = sxy / (sxx * syy).squareRoot()
        #expect(correlation > 0.4 && correlation < 0.95)
        for candle in try #require(candles.series["LINK"]) {
            #expect(candle.low <= min(candle.open, candle.close) && candle.high >= max(candle.open, candle.close) && candle.low > 0)
        }
    }
}
