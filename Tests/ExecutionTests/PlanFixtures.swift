import EthCore
import Foundation
import Market
@testable import Routing
@testable import Execution
import Strategy

/// The devnet's network file and a snapshot over its addresses, for plan-builder tests.
enum PlanFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func network() throws -> NetworkConfig {
        try NetworkConfig.load(path: repoRoot.appendingPathComponent("networks/devnet.json").path)
    }

    static func addr(_ s: String) -> Address { (try? Address(s)) ?? .zero }

    // Devnet addresses (networks/devnet.json).
    static let weth = addr("0x6a924DB34661d3a3AD449C8C5eb4427906950513")
    static let usdc = addr("0x5A42F032Bf0431ff012ff6e04C221f66Bebd2EEf")
    static let usdt = addr("0x78B6f359597A5c23186A4980592190A97D0FE833")
    static let wbtc = addr("0x8119BE89549C43E267190e5dE141BD16A8dA83B0")
    static let dai = addr("0x780eAEeCD5B1928782f1eaD4b62EdcEb74024B6e")
    static let uniRouter = addr("0x09825209C1de99d550EA51b06be7afbEF3d12c24")
    static let sushiRouter = addr("0x4f82B36bE4aa43100A9aa4F0159a6F88C71c62Bb")
    static let balancerVault = addr("0xe7375Cb115588fe909419d417f618F13780cA905")
    static let uniWethUsdc = addr("0x454e27dD927d08606478D81690Fc72a124fcC1C1")
    static let uniWethUsdt = addr("0x61821052dE0C9bed9274dbf6494F4d0e361e2a34")
    static let uniUsdcWbtc = addr("0x1877505576D4E8f5489A5191B735B66B7a954081")
    static let sushiUsdcWeth = addr("0xaad7C24FEf87720ea739f8eeA3D57580B81cbeCC")
    static let balWethDai = addr("0x60C79c65432Ab2bF48221988607FFE4CDBE48FFA")
    static let balWethDaiId = (try? Hex.decode("0x60c79c65432ab2bf48221988607ffe4cdbe48ffa000200000000000000000000")) ?? []
    static let balTri = addr("0x9833f59693A72AE9F841C7D4647E562e23FC7820")
    static let balTriId = (try? Hex.decode("0x9833f59693a72ae9f841c7d4647e562e23fc7820000100000000000000000001")) ?? []
    // Anvil dev accounts 4 and 5 (public devnet keys, not secrets) and an arbitrary vault address.
    static let operatorAddress = addr("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")
    static let vaultAddress = addr("0x1111111111111111111111111111111111111111")

    static func e(_ whole: UInt64, _ decimals: Int) -> UInt256 {
        var v = UInt256(whole)
        for _ in 0..<decimals { v = v * 10 }
        return v
    }

    static func state(allowances: [String: [Address: UInt256]] = [:]) throws -> ChainState {
        let tokens = [
            Token(symbol: "WETH", address: weth, decimals: 18), Token(symbol: "USDC", address: usdc, decimals: 6),
            Token(symbol: "USDT", address: usdt, decimals: 6), Token(symbol: "WBTC", address: wbtc, decimals: 8),
            Token(symbol: "DAI", address: dai, decimals: 18),
        ]
        let w = UInt256(decimal: "1000000000000000000")! / 10
        let pools: [PoolState] = [
            .constantProduct(try ConstantProductPool(address: uniWethUsdc, tokens: ["USDC", "WETH"],
                                                 reserves: [e(3_000_000, 6), e(1_000, 18)], dex: "uniswap-v2")),
            .constantProduct(try ConstantProductPool(address: uniWethUsdt, tokens: ["WETH", "USDT"],
                                                 reserves: [e(1_000, 18), e(3_000_000, 6)], dex: "uniswap-v2")),
            .constantProduct(try ConstantProductPool(address: uniUsdcWbtc, tokens: ["USDC", "WBTC"],
                                                 reserves: [e(3_000_000, 6), e(50, 8)], dex: "uniswap-v2")),
            .constantProduct(try ConstantProductPool(address: sushiUsdcWeth, tokens: ["USDC", "WETH"],
                                                 reserves: [e(1_500_000, 6), e(500, 18)], dex: "sushiswap")),
            .weighted(try WeightedPool(address: balWethDai, poolId: balWethDaiId, tokens: ["WETH", "DAI"], decimals: [18, 18],
                                   balances: [e(800, 18), e(600_000, 18)], weights: [w * 8, w * 2],
                                   swapFee: UInt256(3_000_000_000_000_000), dex: "balancer-v2")),
            .weighted(try WeightedPool(address: balTri, poolId: balTriId, tokens: ["USDC", "WETH", "WBTC"], decimals: [6, 18, 8],
                                   balances: [e(900_000, 6), e(400, 18), e(15, 8)], weights: [w * 3, w * 4, w * 3],
                                   swapFee: UInt256(2_500_000_000_000_000), dex: "balancer-v2")),
        ]
        return ChainState(chainId: 31337, block: .init(number: 1204, timestamp: 1_764_000_000, baseFeePerGas: UInt256(875_000_000)),
                          tokens: tokens, balances: ["WETH": e(10, 18)], pools: pools, owner: operatorAddress,
                          allowances: allowances)
    }

    static func portfolio(_ mode: CustodyMode, slippageBps: Double = 50) -> PortfolioConfig {
        var policy = Policy()
        policy.maxSlippageBps = slippageBps
        return PortfolioConfig(network: "devnet", mode: mode, operator: operatorAddress,
                               vault: mode == .vault ? vaultAddress : nil, quoteToken: "USDC",
                               targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                               policy: policy)
    }

    /// A leg along `hops` of (pool, tokenIn, tokenOut, amountIn, amountOut).
    static func leg(_ hops: [(Address, String, String, UInt256, UInt256)]) -> RouteLeg {
        let rh = hops.map { RouteHop(pool: $0.0, tokenIn: $0.1, tokenOut: $0.2, amountIn: $0.3, amountOut: $0.4) }
        return RouteLeg(path: [hops[0].1] + hops.map(\.2), pools: hops.map(\.0), amountIn: hops[0].3,
                        amountOut: hops[hops.count - 1].4, hops: rh)
    }

    static func route(_ legs: [RouteLeg], slippageBps: UInt64 = 50) -> Route {
        var amountIn = UInt256.zero, amountOut = UInt256.zero
        for l in legs { amountIn = amountIn + l.amountIn; amountOut = amountOut + l.amountOut }
        let minOut = UInt256.mulDiv(amountOut, UInt256(10_000 - slippageBps), 10_000) ?? .zero
        return Route(sell: legs[0].path.first ?? "", buy: legs[0].path.last ?? "", amountIn: amountIn, amountOut: amountOut,
                     minOut: minOut, priceImpactBps: 1, gas: 100_000, legs: legs)
    }

    static func trades(_ routes: [Route]) -> TradePlan {
        TradePlan(routes: routes, routeGas: routes.reduce(0) { $0 + $1.gas }, feesPaid: 1.5, projectedWeights: ["WETH": 50, "USDC": 50])
    }
}
