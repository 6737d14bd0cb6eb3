import EthCore
import Market
import Routing
import Testing
@testable import Execution

/// Vault plans through Uniswap V3 pools: each V3 hop is a vault step of its own kind, chained like
/// any other (a later hop spends the previous output), with the leg's bound on its last hop.
@Suite struct PlanBuilderVaultV3Tests {
    typealias F = PlanFixtures
    static let v3WethUsdc = F.addr("0x2222222222222222222222222222222222222222")

    static func state() throws -> ChainState {
        var state = try F.state()
        let tick = -200_700
        let pool = try ConcentratedLiquidityPool(
            address: v3WethUsdc, tokens: ["WETH", "USDC"], fee: 500, tickSpacing: 10,
            sqrtPriceX96: try #require(TickMath.sqrtRatio(atTick: tick)), tick: tick, liquidity: F.e(2, 18), ticks: [],
            window: .words(around: tick, spacing: 10, radius: 2), dex: "uniswap-v3")
        state.pools.append(.concentratedLiquidity(pool))
        return state
    }

    @Test func aV3HopIsAVaultStepChainedLikeThePairs() throws {
        let route = F.route([F.leg([
            (Self.v3WethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000)),
            (F.uniUsdcWbtc, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
        ])])
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: try Self.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault, slippageBps: 50), deadline: 1_764_000_600)
        let call = try #require(plan.vaultCall)
        #expect(call.steps.map(\.poolKind) == [.concentratedLiquidity, .constantProduct])
        #expect(call.steps.map(\.pool) == [Self.v3WethUsdc, F.uniUsdcWbtc])
        #expect(call.steps.map(\.amountIn) == [F.e(1, 18), .zero])
        #expect(call.steps.map(\.minAmountOut) == [.zero, UInt256(4_875_500)])
        #expect(call.steps.map(\.quotedOut) == [UInt256(2_990_000_000), UInt256(4_900_000)])
        // the dry run proves a V3 step's quote with the vault's own "min out" revert, as for a pair
        #expect(Simulator.expectedProbeReason(step: 0, kind: .concentratedLiquidity) == "min out: step 0")
        let tx = try #require(plan.transactions.first)
        #expect(tx.label == "rebalance: 1 route, 2 steps")
        #expect(tx.to == F.vaultAddress)
    }
}
