import Backtest
import EthCore
import Execution
import Foundation
import Market
import Strategy

/// A one-year hourly backtest of five tokens and a 3×3 sweep over the same candles. Reference: one
/// decision and plan of the same portfolio (Strategist + RebalancePlanner at one candle), timed in
/// the same run, so the ratio says how many live-style decisions one backtest costs.
enum BacktestBench {
    static func setup() -> BacktestSetup {
        let specs = SyntheticCandles.defaultTokens + [SyntheticCandles.TokenSpec(symbol: "UNI", startPrice: 8, volatility: 0.9, correlation: 0.7)]
        let (candles, _) = SyntheticCandles(seed: 42, tokens: specs, start: 1_735_689_600, interval: 3600, count: 24 * 365).generate()
        func address(_ k: UInt8) -> Address { Address(bytes: [UInt8](repeating: 0, count: 19) + [k]) ?? .zero }
        let tokens = [Token(symbol: "USDC", address: address(1), decimals: 6), Token(symbol: "WETH", address: address(2), decimals: 18),
                      Token(symbol: "WBTC", address: address(3), decimals: 8), Token(symbol: "LINK", address: address(4), decimals: 18),
                      Token(symbol: "UNI", address: address(5), decimals: 18)]
        let portfolio = PortfolioConfig(
            network: "devnet", mode: .vault, operator: address(9), vault: address(8), quoteToken: "USDC",
            targets: [TargetWeight(token: "WETH", percent: 30), TargetWeight(token: "WBTC", percent: 25),
                      TargetWeight(token: "LINK", percent: 15), TargetWeight(token: "UNI", percent: 10), TargetWeight(token: "USDC", percent: 20)])
        return BacktestSetup(portfolio: portfolio, tokens: tokens, wrappedNative: "WETH", candles: candles, every: 3600)
    }

    static func run(quick: Bool, targets: inout [Target]) -> [Row] {
        var rows: [Row] = []
        let base = setup()
        // Reference: one decision that trades (weights pushed off target), planned exactly.
        let prices = Dictionary(uniqueKeysWithValues: base.tokens.map { ($0.symbol, base.candles.close($0.symbol, at: 1_735_689_600) ?? 1) })
        let quote = base.tokens[0]
        let pools = base.pools.pools(prices: prices, tokens: base.tokens, quote: quote)
        var balances: [String: UInt256] = [:]
        for token in base.tokens {
            let value = token.symbol == "WETH" ? 60_000.0 : 10_000
            balances[token.symbol] = UInt256(truncating: value / (prices[token.symbol] ?? 1) * pow10(token.decimals)) ?? .zero
        }
        let market = MarketView(tokens: base.tokens, balances: balances, pools: pools, blockTimestamp: 1_735_689_600,
                                gasPriceWei: UInt256(20_000_000_000), wrappedNative: "WETH")
        let decide = bestSeconds(repeats: 200) {
            guard let outcome = must(try? Strategist.evaluate(portfolio: base.portfolio, market: market, now: 1_735_689_600), "backtest reference decision"),
                  let plan = must(try? RebalancePlanner.plan(outcome: outcome, market: market, policy: base.portfolio.policy), "backtest reference plan")
            else { return }
            fold(plan.routes.count)
        }

        var result: BacktestResult?
        let year = bestSeconds(rounds: quick ? 1 : 3, repeats: 1) { result = must(try? Backtester.run(base), "one-year backtest") }
        fold(result?.rebalanceCount ?? 0)
        let steps = result?.steps ?? 8760
        rows.append(Row(name: "backtest 1 y hourly, 5 tokens, 3 strategies (s)", value: fmt(year, 3),
                        reference: "\(steps)×3 decisions \(fmt(decide * Double(steps) * 3, 3)) s",
                        ratio: percent(year / (decide * Double(steps) * 3))))
        targets.append(Target(name: "one-year hourly backtest of 5 tokens", measured: fmt(year, 3) + " s", goal: "< 1 s", met: year < 1))

        var sweep: SweepResult?
        let grid = bestSeconds(rounds: 1, repeats: 1) {
            sweep = must(try? Sweep.run(base, bands: [2, 5, 10], everies: [3600, 86_400, 7 * 86_400]), "3×3 sweep")
        }
        fold(sweep?.cells.count ?? 0)
        rows.append(Row(name: "sweep 3 bands × 1h/1d/7d over the same year (s)", value: fmt(grid, 3),
                        reference: "one backtest \(fmt(year, 3)) s", ratio: percent(grid / year)))
        targets.append(Target(name: "3×3 backtest sweep", measured: fmt(grid, 3) + " s", goal: "< 5 s", met: grid < 5))

        let chainInput = chainWeek()
        var chainCandles: ChainCandles.Result?
        let chain = bestSeconds(rounds: quick ? 1 : 3, repeats: 1) { chainCandles = must(try? ChainCandles.build(chainInput), "chain candles") }
        fold(chainCandles?.candles.series.count ?? 0)
        rows.append(Row(name: "chain candles: a week of blocks, one Sync each, 4 pairs (s)", value: fmt(chain, 3),
                        reference: "one backtest \(fmt(year, 3)) s", ratio: percent(chain / year)))
        return rows
    }

    /// 50,400 twelve-second blocks, each with one Sync on one of four pairs (USDC/WETH, WETH/WBTC,
    /// USDC/WBTC, WETH/LINK) nudging its reserves, bucketed hourly.
    static func chainWeek() -> ChainCandles.Input {
        func address(_ k: UInt8) -> Address { Address(bytes: [UInt8](repeating: 0, count: 19) + [k]) ?? .zero }
        let tokens = [Token(symbol: "USDC", address: address(1), decimals: 6), Token(symbol: "WETH", address: address(2), decimals: 18),
                      Token(symbol: "WBTC", address: address(3), decimals: 8), Token(symbol: "LINK", address: address(4), decimals: 18)]
        let e18 = UInt256(1_000_000_000_000_000_000)
        let pools = [ChainCandles.PoolEntry(address: address(20), tokens: ["USDC", "WETH"], feeBps: 30),
                     ChainCandles.PoolEntry(address: address(21), tokens: ["WETH", "WBTC"], feeBps: 30),
                     ChainCandles.PoolEntry(address: address(22), tokens: ["USDC", "WBTC"], feeBps: 30),
                     ChainCandles.PoolEntry(address: address(23), tokens: ["WETH", "LINK"], feeBps: 30)]
        let start: [Address: [UInt256]] = [
            address(20): [UInt256(10_000_000_000_000), UInt256(3333) * e18], address(21): [UInt256(1000) * e18, UInt256(5_000_000_000)],
            address(22): [UInt256(4_000_000_000_000), UInt256(6_666_666_666)], address(23): [UInt256(200) * e18, UInt256(40_000) * e18],
        ]
        var syncs: [ReserveSync] = [], times: [UInt64: UInt64] = [:]
        let t0: UInt64 = 1_735_689_600, blocks: UInt64 = 50_400
        for b in 1...blocks {
            let pool = pools[Int(b % 4)].address
            var r = start[pool] ?? []
            // A deterministic wobble of up to ±1 % on the first reserve.
            r[0] = r[0] / UInt256(1000) * UInt256(990 + (b * 7919) % 21)
            syncs.append(ReserveSync(pool: pool, block: b, logIndex: 0, reserves: r))
            times[b] = t0 + 12 * b
        }
        return ChainCandles.Input(pools: pools, tokens: tokens, quote: "USDC", symbols: ["WETH", "WBTC", "LINK"], startReserves: start,
                                  startTime: t0, syncs: syncs, blockTimes: times, endTime: t0 + 12 * blocks, every: 3600)
    }
}
