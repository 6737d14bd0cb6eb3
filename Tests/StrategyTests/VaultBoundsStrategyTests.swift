import EthCore
import Foundation
import Market
import Testing
@testable import Strategy

/// The planner keeps a vault-mode trade set inside what the vault lets one call give, and skips
/// with the vault's reason when it is paused, cannot price, or has no budget left today.
@Suite struct VaultBoundsStrategyTests {
    static let usd = UInt256.tenTo(18)

    /// The fixture portfolio ($100k; the 22 % rebalance gives about $22k) with vault prices equal to
    /// the pools' ($3000 WETH, $60000 WBTC, $1 USDC).
    static func bounds(volumeLeft: UInt64, paused: Bool = false, pricingProblem: String? = nil) -> VaultBounds {
        VaultBounds(maxLossBps: 100, maxCallPercent: 10, maxDailyPercent: 30, maxDailyLossBps: 30, paused: paused,
                    nav: UInt256(100_000) * usd, volumeLeft: UInt256(volumeLeft) * usd, lossLeft: UInt256(300) * usd,
                    unitValues: ["WETH": UInt256(3_000) * usd, "WBTC": UInt256(60_000) * usd, "USDC": usd],
                    pricingProblem: pricingProblem)
    }

    func evaluate(_ vault: VaultBounds?) throws -> StrategyOutcome {
        var market = try Fixture.market()
        market.vault = vault
        return try Strategist.evaluate(portfolio: Fixture.portfolio(), market: market, now: Fixture.now)
    }

    @Test func aVaultWithRoomChangesNothing() throws {
        let free = try evaluate(nil)
        let roomy = try evaluate(Self.bounds(volumeLeft: 50_000))
        #expect(roomy.trades.scale == 1 && roomy.trades.scaledBy == nil)
        #expect(roomy.trades.intents.map(\.amountIn) == free.trades.intents.map(\.amountIn))
        #expect(roomy.decision.shouldRebalance)
    }

    @Test func theTradeSetShrinksToTheVaultsVolumeWithTheReasonShown() throws {
        let free = try evaluate(nil)
        let capped = try evaluate(Self.bounds(volumeLeft: 10_000))
        #expect(capped.trades.scaledBy == .vaultVolume)
        #expect(capped.decision.shouldRebalance)
        // Given at the vault's prices: at most 97 % of the $10,000 it allows (the margin), and near it.
        let given = capped.trades.intents.reduce(0.0) { sum, t in
            let decimals = Fixture.tokens.first { $0.symbol == t.sell }?.decimals ?? 18
            return sum + (Self.bounds(volumeLeft: 0).value(of: t.sell, amount: t.amountIn, decimals: decimals)?.doubleValue ?? 0) / 1e18
        }
        #expect(given <= 10_000 * 0.97 + 1 && given >= 10_000 * 0.96, "given \(given)")
        #expect(free.trades.totalValue > 20_000 && capped.trades.totalValue < free.trades.totalValue / 2)
        #expect(capped.decision.notes.contains { $0.contains("what the vault lets one call give") && $0.contains("$10,000.00") })
    }

    @Test func noBudgetLeftIsASkipThatSaysSo() throws {
        let spent = try evaluate(Self.bounds(volumeLeft: 20))
        #expect(!spent.decision.shouldRebalance)
        #expect(spent.decision.reasons.contains(.vaultBudgetUsed(left: "$20.00")), "\(spent.decision.reasons)")
    }

    @Test func aPausedOrUnpricedVaultIsASkip() throws {
        let paused = try evaluate(Self.bounds(volumeLeft: 10_000, paused: true))
        #expect(paused.decision.reasons.contains(.vaultPaused))
        let stale = try evaluate(Self.bounds(volumeLeft: 10_000, pricingProblem: "reverted: stale price: 0xabc"))
        #expect(stale.decision.reasons.contains(.vaultCannotPrice("reverted: stale price: 0xabc")))
        #expect(!stale.decision.shouldRebalance)
    }
}
