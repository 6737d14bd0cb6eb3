import Backtest
import EthCore
import Foundation
import Market
import Strategy
import Testing

/// `--state SNAPSHOT`: the snapshot's pools moved to each candle's prices as arbitrage would.
struct SnapshotPoolModelTests {
    static let e18 = UInt256(decimal: "1000000000000000000")!

    static var pools: [any Pool] {
        get throws { try [ConstantProductPool(address: Fixture.address(21), tokens: ["WETH", "USDC"], reserves: [1000 * e18, UInt256(3_000_000) * 1_000_000]),
         ConstantProductPool(address: Fixture.address(22), tokens: ["WBTC", "WETH"], reserves: [UInt256(50) * 100_000_000, 1000 * e18]),
         WeightedPool(address: Fixture.address(23), poolId: [UInt8](repeating: 1, count: 32), tokens: ["WETH", "WBTC", "USDC"],
                      decimals: [18, 8, 6], balances: [400 * e18, UInt256(15) * 100_000_000, UInt256(900_000) * 1_000_000],
                      weights: [UInt256(decimal: "400000000000000000")!, UInt256(decimal: "300000000000000000")!,
                                UInt256(decimal: "300000000000000000")!], swapFee: UInt256(decimal: "3000000000000000")!)] }
    }

    @Test func poolsMoveToTheCandlePricesKeepingTheirInvariants() throws {
        let model = PoolCostModel(.snapshot(try Self.pools))
        let prices = ["WETH": 3600.0, "WBTC": 54_000.0, "USDC": 1]
        let moved = model.pools(prices: prices, tokens: Fixture.tokens, quote: Fixture.tokens[1])
        #expect(moved.count == 3)
        let decimals = ["WETH": 18, "WBTC": 8, "USDC": 6]
        for (before, after) in zip(try Self.pools, moved) {
            for i in after.tokens.indices {
                for j in after.tokens.indices where i != j {
                    let expected = prices[after.tokens[i]]! / prices[after.tokens[j]]! * pow10(decimals[after.tokens[j]]!) / pow10(decimals[after.tokens[i]]!)
                    #expect(abs(after.midRate(from: i, to: j) / expected - 1) < 1e-9, "\(after.tokens[i])→\(after.tokens[j])")
                }
            }
            if let a = before as? ConstantProductPool, let b = after as? ConstantProductPool {
                let k0 = a.reserves[0].doubleValue * a.reserves[1].doubleValue, k1 = b.reserves[0].doubleValue * b.reserves[1].doubleValue
                #expect(abs(k1 / k0 - 1) < 1e-9)
            }
            if let a = before as? WeightedPool, let b = after as? WeightedPool {
                func invariant(_ p: WeightedPool) -> Double {
                    zip(zip(p.balances, p.weights), p.decimals).reduce(0) { $0 + $1.0.1.doubleValue / 1e18 * log($1.0.0.doubleValue / pow10($1.1)) }
                }
                #expect(abs(invariant(b) - invariant(a)) < 1e-9)
            }
        }
        // A token without a candle takes its pools out.
        #expect(model.pools(prices: ["WETH": 3600, "USDC": 1], tokens: Fixture.tokens, quote: Fixture.tokens[1]).count == 1)
    }

    @Test func aBacktestTradesThroughTheSnapshotPools() throws {
        var closes: [Double] = []
        for _ in 0..<6 { closes += [3000, 4500, 3000, 1500] }
        let portfolio = Fixture.portfolio(withBTC: true) { $0.maxPriceDeviationPercent = 1000 }
        let candles = Fixture.candles(["WETH": closes, "WBTC": Array(repeating: 60_000, count: closes.count)])
        let result = try Backtester.run(Fixture.setup(portfolio, candles, pools: PoolCostModel(.snapshot(try Self.pools)), withBTC: true))
        #expect(result.rebalanceCount > 5)
        #expect(result.costs.fees > 0 && result.costs.priceImpact > 0)
        #expect(result.poolModel == "the snapshot's 3 pool(s), moved to each candle's prices")
    }
}
