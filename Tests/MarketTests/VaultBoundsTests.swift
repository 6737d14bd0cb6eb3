import EthCore
import Testing
@testable import Market

/// The vault's rule, as the planner applies it before sending: values at the vault's prices, the
/// loss bound exactly at its edge, the volume and daily-loss budgets.
@Suite struct VaultBoundsTests {
    static let usd = UInt256.tenTo(18)
    static let bounds = VaultBounds(
        maxLossBps: 100, maxCallPercent: 10, maxDailyPercent: 30, maxDailyLossBps: 30, paused: false,
        nav: UInt256(100_000) * usd, volumeLeft: UInt256(10_000) * usd, lossLeft: UInt256(300) * usd,
        unitValues: ["WETH": UInt256(3_000) * usd, "USDC": usd, "WBTC": UInt256(60_000) * usd], pricingProblem: nil)

    static func weth(_ whole: UInt64) -> (symbol: String, amount: UInt256, decimals: Int) { ("WETH", UInt256(whole) * usd, 18) }
    static func usdc(_ whole: UInt64) -> (symbol: String, amount: UInt256, decimals: Int) { ("USDC", UInt256(whole) * 1_000_000, 6) }

    @Test func valuesAtTheVaultsPrices() {
        #expect(Self.bounds.value(of: "WBTC", amount: UInt256(50_000_000), decimals: 8) == UInt256(30_000) * Self.usd)
        #expect(Self.bounds.value(of: "LINK", amount: UInt256(1), decimals: 18) == nil)
        #expect(VaultBounds.usd(UInt256(decimal: "1234567890000000000000")!) == "$1,234.56")
    }

    @Test func theLossBoundHoldsToTheWei() {
        // 2 WETH ($6,000) for $5,940: exactly 100 bps, accepted; one micro-USDC less, refused.
        let edge = Self.bounds.check(given: [Self.weth(2)], received: [Self.usdc(5_940)])
        #expect(edge.accepted && edge.given == UInt256(6_000) * Self.usd && edge.received == UInt256(5_940) * Self.usd)
        var less = Self.usdc(5_940)
        less.amount = less.amount - UInt256(1)
        let refused = Self.bounds.check(given: [Self.weth(2)], received: [less])
        #expect(refused.problems.count == 1 && refused.problems[0].hasPrefix("loss bound:"), "\(refused.problems)")
    }

    @Test func volumeDailyLossPauseAndMissingPrices() {
        let big = Self.bounds.check(given: [Self.weth(4)], received: [Self.usdc(11_990)])
        #expect(big.problems.count == 1 && big.problems[0].hasPrefix("volume:"), "\(big.problems)")
        var tight = Self.bounds
        tight.lossLeft = UInt256(50) * Self.usd
        let lossy = tight.check(given: [Self.weth(3)], received: [Self.usdc(8_930)])
        #expect(lossy.problems.count == 1 && lossy.problems[0].hasPrefix("daily loss:"), "\(lossy.problems)")
        var paused = Self.bounds
        paused.paused = true
        #expect(paused.check(given: [Self.weth(1)], received: [Self.usdc(3_000)]).problems == ["the vault is paused"])
        let unpriced = Self.bounds.check(given: [("LINK", UInt256(10) * Self.usd, 18)], received: [Self.usdc(100)])
        #expect(unpriced.problems.contains("no vault price for LINK"))
    }
}
