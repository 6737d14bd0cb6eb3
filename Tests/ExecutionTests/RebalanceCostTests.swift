import EthCore
import Execution
import Testing

/// The cost of a rebalance split into pool fees, price impact and gas at mid prices, against
/// numbers worked out by hand.
@Suite struct RebalanceCostTests {
    // Sell 2 WETH (3000 USDC each) for 5940 USDC predicted, 5930 actual; fees 18 USDC; gas 0.001 ETH
    // predicted, 0.0012 actual; portfolio 100 000 USDC.
    static func cost(actualOut: UInt256?, actualGas: UInt256?) -> RebalanceCost {
        RebalanceCost.measure(
            trades: [.init(sell: "WETH", buy: "USDC", amountIn: UInt256(decimal: "2000000000000000000")!,
                           predictedOut: UInt256(5_940_000_000), actualOut: actualOut)],
            decimals: ["WETH": 18, "USDC": 6], prices: ["WETH": 3000, "USDC": 1], poolFees: 18,
            predictedGasWei: UInt256(decimal: "1000000000000000")!, actualGasWei: actualGas, nativePrice: 3000,
            portfolioValue: 100_000, quoteToken: "USDC")
    }

    @Test func feesImpactAndGasAddUpToWhatTheTradesGaveUp() {
        let c = Self.cost(actualOut: UInt256(5_930_000_000), actualGas: UInt256(decimal: "1200000000000000")!)
        #expect(c.tradedValue == 6000)
        #expect(abs(c.predicted.poolFees - 18) < 1e-9 && abs(c.predicted.priceImpact - 42) < 1e-9 && abs(c.predicted.gas - 3) < 1e-9)
        #expect(abs(c.predicted.total - 63) < 1e-9)
        #expect(abs(c.predicted.percentOfTraded - 1.05) < 1e-9 && abs(c.predicted.percentOfPortfolio - 0.063) < 1e-9)
        let actual = try? #require(c.actual)
        #expect(abs((actual?.priceImpact ?? 0) - 52) < 1e-9 && abs((actual?.gas ?? 0) - 3.6) < 1e-9 && abs((actual?.total ?? 0) - 73.6) < 1e-9)
    }

    @Test func noActualSideUntilEveryTradeHasItsOutput() {
        #expect(Self.cost(actualOut: nil, actualGas: UInt256(1)).actual == nil)
        #expect(Self.cost(actualOut: UInt256(1), actualGas: nil).actual == nil)
    }
}
