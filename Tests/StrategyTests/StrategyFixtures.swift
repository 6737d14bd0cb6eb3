import EthCore
import Foundation
import Market
@testable import Strategy

/// A small market: WETH ≈ 3000 USDC, WBTC ≈ 60000 USDC, with a direct WBTC/WETH pool.
enum Fixture {
    static func addr(_ n: UInt8) -> Address { Address(bytes: [UInt8](repeating: 0, count: 19) + [n])! }
    static let tokens = [
        Token(symbol: "WETH", address: addr(1), decimals: 18),
        Token(symbol: "WBTC", address: addr(2), decimals: 8),
        Token(symbol: "USDC", address: addr(3), decimals: 6),
        Token(symbol: "LINK", address: addr(4), decimals: 18),
    ]
    static let e18 = UInt256(decimal: "1000000000000000000")!

    static func cp(_ n: UInt8, _ a: String, _ b: String, _ ra: UInt256, _ rb: UInt256) throws -> ConstantProductPool {
        try ConstantProductPool(address: addr(100 + n), tokens: [a, b], reserves: [ra, rb])
    }

    static var pools: [any Pool] {
        get throws {
        [try cp(1, "WETH", "USDC", 10_000 * e18, UInt256(30_000_000) * 1_000_000),
         try cp(2, "WBTC", "USDC", UInt256(500) * 100_000_000, UInt256(30_000_000) * 1_000_000),
         try cp(3, "WBTC", "WETH", UInt256(500) * 100_000_000, 10_000 * e18),
         try cp(4, "LINK", "WETH", 200_000 * e18, 1_000 * e18)]
        }
    }

    /// $100k: 62 % WETH, 8 % WBTC, 30 % USDC.
    static var balances: [String: UInt256] {
        ["WETH": UInt256(decimal: "20666666666666666666")!, "WBTC": UInt256(13_333_333), "USDC": UInt256(30_000) * 1_000_000]
    }

    static let now: UInt64 = 1_764_000_000

    static func market(pools: [any Pool]? = nil, balances: [String: UInt256] = balances, timestamp: UInt64 = now - 12,
                       gasPriceWei: UInt256 = 20_000_000_000, history: [PriceHistory.Sample] = []) throws -> MarketView {
        MarketView(tokens: tokens, balances: balances, pools: try pools ?? Self.pools, blockNumber: 100, blockTimestamp: timestamp,
                   gasPriceWei: gasPriceWei, wrappedNative: "WETH", priceHistory: history)
    }

    static func portfolio(_ policy: Policy = Policy(), targets: [(String, Double)] = [("WETH", 40), ("WBTC", 30), ("USDC", 30)]) -> PortfolioConfig {
        PortfolioConfig(network: "devnet", mode: .vault, operator: addr(9), vault: addr(10), quoteToken: "USDC",
                        targets: targets.map { TargetWeight(token: $0.0, percent: $0.1) }, policy: policy)
    }
}
