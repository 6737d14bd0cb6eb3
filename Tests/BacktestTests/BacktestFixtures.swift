import Backtest
import EthCore
import Market
import Strategy

/// A two- or three-token portfolio and candle sets built from plain price lists.
enum Fixture {
    static let tokens = [
        Token(symbol: "WETH", address: address(1), decimals: 18),
        Token(symbol: "USDC", address: address(2), decimals: 6),
        Token(symbol: "WBTC", address: address(3), decimals: 8),
    ]

    static func address(_ k: UInt8) -> Address {
        Address(bytes: [UInt8](repeating: 0, count: 19) + [k]) ?? .zero
    }

    /// WETH/USDC 50/50 (or with WBTC, 40/30/30); guards loosened where a test says so.
    static func portfolio(withBTC: Bool = false, policy: (inout Policy) -> Void = { _ in }) -> PortfolioConfig {
        var p = Policy()
        policy(&p)
        let targets = withBTC
            ? [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "WBTC", percent: 30), TargetWeight(token: "USDC", percent: 30)]
            : [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)]
        return PortfolioConfig(network: "devnet", mode: .vault, operator: address(9), vault: address(8), quoteToken: "USDC",
                               targets: targets, policy: p)
    }

    /// One candle per hour at each close.
    static func candles(_ closes: [String: [Double]], interval: UInt64 = 3600) -> CandleSet {
        let start: UInt64 = 1_700_000_000
        return CandleSet(series: closes.mapValues { list in
            list.enumerated().map { k, c in Candle(time: start + UInt64(k) * interval, open: c, high: c, low: c, close: c) }
        }, interval: interval)
    }

    /// Fees, impact and gas all zero: a pool so deep nothing moves it.
    static let costFree = PoolCostModel(.constantProduct(feeBps: 0, depth: 1e15))

    static func setup(_ portfolio: PortfolioConfig, _ candles: CandleSet, pools: PoolCostModel = costFree, gasGwei: Double = 0,
                      withBTC: Bool = false) -> BacktestSetup {
        BacktestSetup(portfolio: portfolio, tokens: withBTC ? tokens : Array(tokens.prefix(2)), wrappedNative: "WETH", candles: candles,
                      every: candles.interval, capital: 100_000, pools: pools, gasGwei: gasGwei)
    }
}
