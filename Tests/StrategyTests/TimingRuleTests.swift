import EthCore
import Foundation
import Market
import Testing
@testable import Strategy

/// policy.minIntervalMinutes and policy.triggerPriceMovePercent, decided by the Strategist that
/// `plan`, `run` and `backtest` share.
struct TimingRuleTests {
    /// Drifted (62/8/30 against 40/30/30): a rebalance, unless the last one was too recent.
    @Test func theMinimumIntervalSkipsAndNamesTheTimeLeft() throws {
        var policy = Policy()
        policy.minIntervalMinutes = 60
        let portfolio = Fixture.portfolio(policy)
        var market = try Fixture.market()
        #expect(try Strategist.evaluate(portfolio: portfolio, market: market, now: Fixture.now).decision.action == .rebalance)

        market.lastRebalance = LastRebalance(time: Fixture.now - 25 * 60, prices: [:])
        let early = try Strategist.evaluate(portfolio: portfolio, market: market, now: Fixture.now)
        #expect(early.decision.action == .skip)
        #expect(early.decision.reasons == [.tooSoon(secondsLeft: 35 * 60, minIntervalMinutes: 60)])
        #expect(early.decision.reasons.first?.description
                == "the last rebalance was less than 60 min ago (policy.minIntervalMinutes): next one allowed in 35 min")

        market.lastRebalance = LastRebalance(time: Fixture.now - 61 * 60, prices: [:])
        #expect(try Strategist.evaluate(portfolio: portfolio, market: market, now: Fixture.now).decision.action == .rebalance)
    }

    /// Inside the bands (43/28/29), but WETH moved 20 % since the last rebalance: the trigger trades.
    @Test func aPriceMoveTriggersARebalanceInsideTheBands() throws {
        let balances: [String: UInt256] = ["WETH": UInt256(decimal: "14333333333333333333")!, "WBTC": UInt256(46_666_666),
                                           "USDC": UInt256(29_000) * 1_000_000]
        let market0 = try Fixture.market(balances: balances)
        var policy = Policy()
        let quiet = try Strategist.evaluate(portfolio: Fixture.portfolio(policy), market: market0, now: Fixture.now)
        #expect(quiet.decision.reasons == [.insideBands])

        policy.triggerPriceMovePercent = 15
        var market = market0
        market.lastRebalance = LastRebalance(time: Fixture.now - 86_400, prices: ["WETH": 2500, "WBTC": 60_000])
        let moved = try Strategist.evaluate(portfolio: Fixture.portfolio(policy), market: market, now: Fixture.now)
        #expect(moved.decision.action == .rebalance, "\(moved.decision.reasons)")
        #expect(moved.decision.notes.contains { $0.hasPrefix("WETH moved 20.") && $0.contains("policy.triggerPriceMovePercent 15.00%") })
        #expect(!moved.trades.intents.isEmpty)

        // A smaller move than the trigger changes nothing.
        market.lastRebalance = LastRebalance(time: Fixture.now - 86_400, prices: ["WETH": 2800, "WBTC": 60_000])
        #expect(try Strategist.evaluate(portfolio: Fixture.portfolio(policy), market: market, now: Fixture.now).decision.reasons == [.insideBands])
    }

    @Test func policyFieldsAreReadAndChecked() throws {
        let policy = try JSONDecoder().decode(Policy.self, from: Data(#"{"minIntervalMinutes": 240, "triggerPriceMovePercent": 12.5}"#.utf8))
        #expect(policy.minIntervalMinutes == 240 && policy.triggerPriceMovePercent == 12.5)
        #expect(Policy().minIntervalMinutes == nil && Policy().triggerPriceMovePercent == nil)
        var bad = Policy()
        bad.triggerPriceMovePercent = 0
        #expect(throws: PortfolioError.invalidField("policy.triggerPriceMovePercent", "must be greater than 0")) { try bad.validate() }
        bad = Policy()
        bad.minIntervalMinutes = -1
        #expect(throws: PortfolioError.self) { try bad.validate() }
    }
}
