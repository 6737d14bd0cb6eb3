import EthCore
import Foundation
@testable import Execution
@testable import Operations

/// A realistic report: three tokens 62/8/30 → 40/30/30, two routes (one split over two pools,
/// one through an intermediate token), vault custody.
enum ReportSamples {
    static func address(_ last: UInt8) -> Address {
        Address(bytes: [0x5a, 0x1f, 0x00, 0x42, 0x9c, 0x3e, 0x77, 0x10, 0x88, 0x21, 0x6d, 0x0b, 0xee, 0x14, 0x93, 0x50, 0x2a, 0xc4, 0x07, last]) ?? .zero
    }

    static let uniWethWbtc = PoolRef(label: "Uniswap V2 WETH/WBTC", address: address(0x01))
    static let balancer = PoolRef(label: "Balancer WETH/WBTC/USDC 40/30/30", address: address(0x02))
    static let uniWethUsdc = PoolRef(label: "Uniswap V2 WETH/USDC", address: address(0x03))
    static let uniWbtcUsdc = PoolRef(label: "Uniswap V2 WBTC/USDC", address: address(0x04))

    static func u(_ decimal: String) -> UInt256 { UInt256(decimal: decimal) ?? .zero }

    static func dryRun() -> RunReport {
        RunReport(
            network: "mainnet", runId: 1284, blockNumber: 21_456_789, time: Date(timeIntervalSince1970: 1_764_110_400),
            quoteToken: "USDC", nativeSymbol: "ETH", custody: "vault", mode: .dryRun,
            tokens: [.init(symbol: "WETH", decimals: 18), .init(symbol: "WBTC", decimals: 8), .init(symbol: "USDC", decimals: 6)],
            totalValue: 250_118.42,
            allocation: [
                AllocationRow(token: "WETH", weightBefore: 61.97, weightAfter: 40.12, target: 40, bandLower: 35, bandUpper: 45),
                AllocationRow(token: "WBTC", weightBefore: 8.04, weightAfter: 29.85, target: 30, bandLower: 25, bandUpper: 35),
                AllocationRow(token: "USDC", weightBefore: 29.99, weightAfter: 30.03, target: 30, bandLower: 25, bandUpper: 35),
            ],
            routes: [
                RouteSummary(
                    sell: "WETH", buy: "WBTC", amountIn: u("10000000000000000000"), amountOutPredicted: u("33246555"),
                    minOut: u("33080322"), priceImpactBps: 18.4, gasEstimated: 231_000,
                    legs: [
                        .init(path: ["WETH", "WBTC"], pools: [uniWethWbtc], amountIn: u("6500000000000000000"),
                              amountOut: u("21612345"), amounts: [u("6500000000000000000"), u("21612345")]),
                        .init(path: ["WETH", "WBTC"], pools: [balancer], amountIn: u("3500000000000000000"),
                              amountOut: u("11634210"), amounts: [u("3500000000000000000"), u("11634210")]),
                    ]),
                RouteSummary(
                    sell: "WETH", buy: "WBTC", amountIn: u("8333333333333333333"), amountOutPredicted: u("27612345"),
                    minOut: u("27474283"), priceImpactBps: 22.9, gasEstimated: 181_345,
                    legs: [
                        .init(path: ["WETH", "USDC", "WBTC"], pools: [uniWethUsdc, uniWbtcUsdc], amountIn: u("8333333333333333333"),
                              amountOut: u("27612345"), amounts: [u("8333333333333333333"), u("24912345678"), u("27612345")]),
                    ]),
            ],
            gas: RunGasSummary(
                steps: [RunGasSummary.Step(label: "rebalance() on the vault: 2 routes, 4 swaps", estimated: 412_345)],
                estimatedGasPriceWei: u("14200000000"), nativePriceInQuote: 3_000.5),
            decision: DecisionSummary(
                action: "rebalance", reasons: [],
                notes: ["WETH is 21.97 points over its target; WBTC 21.96 points under"]))
    }

    /// The same run after execution: actual outputs, gas used, the price paid.
    static func executed() -> RunReport {
        var report = dryRun()
        report.mode = .live
        report.routes[0].amountOutActual = u("33201234")
        report.routes[1].amountOutActual = u("27630001")
        report.gas.steps[0].used = 398_765
        report.gas.effectiveGasPriceWei = u("13900000000")
        return report
    }

    /// A mainnet run stopped by guards: no routes, reasons shown.
    static func skipped() -> RunReport {
        var report = dryRun()
        report.mode = .live
        report.routes = []
        for i in report.allocation.indices { report.allocation[i].weightAfter = nil }
        report.gas = RunGasSummary(steps: [], estimatedGasPriceWei: u("31000000000"), nativePriceInQuote: 3_000.5)
        report.decision = DecisionSummary(action: "skip", reasons: [
            "block is 912 s old (max 300 s): the node may be behind",
            "WETH price 2712.40 is 11.20% from its moving average 3054.50 (max 10.00%): possible manipulation or a falling knife",
        ])
        return report
    }

    /// A route split three ways, one leg three hops long, and a token with a long symbol: the
    /// diagram's hardest layout.
    static func complex() -> RunReport {
        var report = executed()
        report.tokens.append(.init(symbol: "stETH-LONGNAME", decimals: 18))
        report.routes.insert(RouteSummary(
            sell: "USDC", buy: "WBTC", amountIn: u("150000000000"), amountOutPredicted: u("166554321"),
            minOut: u("165721549"), amountOutActual: nil, priceImpactBps: 35.2, gasEstimated: 402_000,
            legs: [
                .init(path: ["USDC", "WBTC"], pools: [uniWbtcUsdc], amountIn: u("90000000000"), amountOut: u("99954321"),
                      amounts: [u("90000000000"), u("99954321")]),
                .init(path: ["USDC", "WETH", "WBTC"], pools: [uniWethUsdc, uniWethWbtc], amountIn: u("45000000000"),
                      amountOut: u("49950000"), amounts: [u("45000000000"), u("14995000000000000000"), u("49950000")]),
                .init(path: ["USDC", "WETH", "stETH-LONGNAME", "WBTC"], pools: [uniWethUsdc, balancer, PoolRef(label: "Curve-like stETH/WBTC pool with a very long name", address: nil)],
                      amountIn: u("15000000000"), amountOut: u("16650000"),
                      amounts: [u("15000000000"), u("4998000000000000000"), u("4990000000000000000"), u("16650000")]),
            ]), at: 0)
        return report
    }
}
