import EthCore
import Foundation
import Market
import Testing
@testable import Strategy

/// Guards block for the plan's own prices and pools, and one wild observation does not poison the
/// moving average for a whole window.
@Suite struct GuardScopeTests {
    func hourly(_ prices: [[String: Double]]) -> [PriceHistory.Sample] {
        prices.enumerated().map { k, p in PriceHistory.Sample(timestamp: Fixture.now - UInt64(3600 * (prices.count - k)), prices: p) }
    }

    @Test func oneWildObservationDoesNotBlockTheNextRuns() throws {
        // 23 correct hourly prices, then one run whose wrong decimals stored prices 10^6 off.
        var samples = [[String: Double]](repeating: ["WETH": 3000, "WBTC": 60000], count: 23)
        samples.append(["WETH": 3000e6, "WBTC": 60000e6])
        let outcome = try Strategist.evaluate(portfolio: Fixture.portfolio(), market: Fixture.market(history: hourly(samples)), now: Fixture.now)
        #expect(outcome.decision.action == .rebalance, "\(outcome.decision.reasons)")
        // …also while it is still in the middle of the window.
        samples += [[String: Double]](repeating: ["WETH": 3000, "WBTC": 60000], count: 5)
        let later = try Strategist.evaluate(portfolio: Fixture.portfolio(), market: Fixture.market(history: hourly(samples)), now: Fixture.now)
        #expect(later.decision.action == .rebalance, "\(later.decision.reasons)")
    }

    @Test func aConfirmedMoveCountsAndStillBlocks() throws {
        var policy = Policy()
        policy.maxPriceDeviationPercent = 10
        let steady = [Double](repeating: 3000, count: 10)
        // A lone outlier is left out; confirmed by the next observation (or the current price) it counts.
        #expect(PriceQuarantine.admitted(steady + [9000], current: 3000, policy: policy) == steady)
        #expect(PriceQuarantine.admitted(steady + [9000], current: 9100, policy: policy) == steady + [9000])
        #expect(PriceQuarantine.admitted(steady + [9000, 9050], current: 9100, policy: policy) == steady + [9000, 9050])
        // A move inside the outlier factor (2× at 10 %) is never quarantined: the guard judges it.
        #expect(PriceQuarantine.admitted(steady + [4000], current: 3000, policy: policy) == steady + [4000])
        // The current price far off the (clean) average still blocks.
        let history = hourly([[String: Double]](repeating: ["WETH": 2000, "WBTC": 60000], count: 23) + [["WETH": 2e9, "WBTC": 60000]])
        let outcome = try? Strategist.evaluate(portfolio: Fixture.portfolio(), market: Fixture.market(history: history), now: Fixture.now)
        #expect(outcome?.decision.reasons.contains {
            if case .priceOffMovingAverage("WETH", _, 2000, _, _) = $0 { return true } else { return false }
        } == true, "\(outcome?.decision.reasons ?? [])")
    }

    @Test func aSkewedThinPoolOfAnotherTokenDoesNotBlock() throws {
        // A thin LINK/WETH pool 3 % off the deep one: LINK is not in the WETH/WBTC/USDC portfolio.
        var pools = try Fixture.pools
        pools.append(try Fixture.cp(8, "LINK", "WETH", 2_000 * Fixture.e18, UInt256(103) * Fixture.e18 / 10))
        let outcome = try Strategist.evaluate(portfolio: Fixture.portfolio(), market: Fixture.market(pools: pools), now: Fixture.now)
        #expect(outcome.decision.action == .rebalance, "\(outcome.decision.reasons)")
        // A portfolio that holds LINK is judged on that pool.
        let withLink = Fixture.portfolio(targets: [("WETH", 40), ("WBTC", 20), ("LINK", 10), ("USDC", 30)])
        let blocked = try Strategist.evaluate(portfolio: withLink, market: Fixture.market(pools: pools), now: Fixture.now)
        #expect(blocked.decision.reasons.contains { if case .poolsDisagree("LINK/WETH", _, _, _) = $0 { return true } else { return false } },
                "\(blocked.decision.reasons)")
    }

    @Test func anOddPriceOfAnotherTokenDoesNotBlock() throws {
        // LINK's history says 30, the market 15: nothing in this portfolio depends on LINK.
        let history = hourly([[String: Double]](repeating: ["WETH": 3000, "WBTC": 60000, "LINK": 30], count: 5))
        let outcome = try Strategist.evaluate(portfolio: Fixture.portfolio(), market: Fixture.market(history: history), now: Fixture.now)
        #expect(outcome.decision.action == .rebalance, "\(outcome.decision.reasons)")
    }
}
