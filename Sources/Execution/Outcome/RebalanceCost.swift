import EthCore

/// What a rebalance cost, in the quote token at the decision's mid prices: pool fees, price impact
/// (the rest of what the trades gave up against mid prices) and gas, as a share of the value traded
/// and of the portfolio; predicted from the plan, and actual from what the chain paid. Floats are
/// for display: the amounts they come from are exact.
public struct RebalanceCost: Sendable, Codable, Hashable {
    public struct Breakdown: Sendable, Codable, Hashable {
        public var poolFees: Double
        public var priceImpact: Double
        public var gas: Double
        public var total: Double
        /// Percent of the value traded.
        public var percentOfTraded: Double
        /// Percent of the portfolio's value.
        public var percentOfPortfolio: Double
    }

    /// One route's amounts, exact.
    public struct Trade: Sendable {
        public var sell: String
        public var buy: String
        public var amountIn: UInt256
        public var predictedOut: UInt256
        public var actualOut: UInt256?

        public init(sell: String, buy: String, amountIn: UInt256, predictedOut: UInt256, actualOut: UInt256?) {
            self.sell = sell
            self.buy = buy
            self.amountIn = amountIn
            self.predictedOut = predictedOut
            self.actualOut = actualOut
        }
    }

    public var quoteToken: String
    /// What the trades sold, at mid prices.
    public var tradedValue: Double
    public var portfolioValue: Double
    public var predicted: Breakdown
    /// Set once the chain has executed every trade.
    public var actual: Breakdown?

    /// `prices`: whole quote tokens per whole token; `nativePrice`: of the gas token. Gas in wei.
    public static func measure(trades: [Trade], decimals: [String: Int], prices: [String: Double], poolFees: Double,
                               predictedGasWei: UInt256, actualGasWei: UInt256?, nativePrice: Double?, portfolioValue: Double,
                               quoteToken: String) -> RebalanceCost {
        func value(_ symbol: String, _ amount: UInt256) -> Double {
            guard let price = prices[symbol] else { return 0 }
            return amount.doubleValue / pow10(decimals[symbol] ?? 18) * price
        }
        func gasValue(_ wei: UInt256) -> Double { wei.doubleValue / 1e18 * (nativePrice ?? 0) }
        let traded = trades.reduce(0) { $0 + value($1.sell, $1.amountIn) }
        func breakdown(out: [UInt256], gasWei: UInt256) -> Breakdown {
            let received = zip(trades, out).reduce(0) { $0 + value($1.0.buy, $1.1) }
            let lost = traded - received
            let gas = gasValue(gasWei)
            let total = lost + gas
            return Breakdown(poolFees: poolFees, priceImpact: lost - poolFees, gas: gas, total: total,
                             percentOfTraded: traded > 0 ? total / traded * 100 : 0,
                             percentOfPortfolio: portfolioValue > 0 ? total / portfolioValue * 100 : 0)
        }
        let predicted = breakdown(out: trades.map(\.predictedOut), gasWei: predictedGasWei)
        var actual: Breakdown?
        let actualOuts = trades.compactMap(\.actualOut)
        if let actualGasWei, actualOuts.count == trades.count { actual = breakdown(out: actualOuts, gasWei: actualGasWei) }
        return RebalanceCost(quoteToken: quoteToken, tradedValue: traded, portfolioValue: portfolioValue, predicted: predicted, actual: actual)
    }

    static func pow10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<max(0, n) { x *= 10 }
        return x
    }

    /// "12.31 USDC (0.41 % of traded, 0.04 % of the portfolio): fees 9.00, impact 1.31, gas 2.00"
    public static func line(_ b: Breakdown, quote: String) -> String {
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return "\(f(b.total)) \(quote) (\(String(format: "%.3f", b.percentOfTraded)) % of traded, "
            + "\(String(format: "%.3f", b.percentOfPortfolio)) % of the portfolio): fees \(f(b.poolFees)), impact \(f(b.priceImpact)), gas \(f(b.gas))"
    }
}
