import EthCore
import Foundation
import Market
import Routing
import Strategy
import Testing
@testable import Execution

/// Routes go only through pool kinds the custody mode can execute (a pool of another kind in the
/// snapshot prices the portfolio but carries no swap); both modes execute Uniswap V3 pools.
@Suite struct ExecutablePoolKindsTests {
    static let v3Pool = PlanFixtures.addr("0x00000000000000000000000000000000000b3b3b")

    /// The fixture's market plus a deep USDC/WETH 0.05 % V3 pool paying about 1 % more USDC per
    /// WETH than the V2 pairs: the best venue for the fixture's WETH sale by far.
    static func stateWithV3() throws -> ChainState {
        var state = try PlanFixtures.state()
        // token0 = USDC (the lower address), so the price is WETH-wei per USDC unit: 1e12 / 3030.
        let tick = Int((log(1e12 / 3030) / log(1.0001)).rounded(.down)) / 10 * 10
        let sqrtPrice = try #require(TickMath.sqrtRatio(atTick: tick))
        let liquidity = UInt256(decimal: "200000000000000000")!
        let net = Int256(bitPattern: liquidity)
        let pool = try ConcentratedLiquidityPool(
            address: v3Pool, tokens: ["USDC", "WETH"], fee: 500, tickSpacing: 10, sqrtPriceX96: sqrtPrice, tick: tick,
            liquidity: liquidity, ticks: [.init(index: tick - 6_000, liquidityNet: net), .init(index: tick + 6_000, liquidityNet: Int256(bitPattern: UInt256.zero &- liquidity))],
            window: .words(around: tick, spacing: 10, radius: 3), dex: "uniswap-v3")
        state.pools.append(.concentratedLiquidity(pool))
        return state
    }

    static func touched(_ trades: TradePlan?) -> Set<Address> {
        Set((trades?.routes ?? []).flatMap { $0.swaps.map(\.pool) })
    }

    @Test func bothModesRouteThroughConcentratedLiquidity() {
        #expect(CustodyMode.vault.executablePoolKinds == Set(PoolKind.allCases))
        #expect(CustodyMode.eoa.executablePoolKinds == Set(PoolKind.allCases))
    }

    @Test func aV3PoolIsPricedButNotRoutedWhileNotExecutable() throws {
        let state = try Self.stateWithV3()
        let network = try PlanFixtures.network()
        let portfolio = PlanFixtures.portfolio(.eoa)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        #expect(result.market.pools.contains { $0.address == Self.v3Pool }, "valuation sees every pool")
        let without = PlanningPipeline.routableMarket(result.market, state: state, executable: [.constantProduct, .weighted])
        #expect(!without.pools.contains { $0.address == Self.v3Pool })
        #expect(without.pools.count == result.market.pools.count - 1)
        let trades = try RebalancePlanner.plan(outcome: result.outcome, market: without, policy: portfolio.policy)
        #expect(!trades.routes.isEmpty)
        #expect(!Self.touched(trades).contains(Self.v3Pool))

        // The same market with V3 executable: the router takes the better pool.
        let all = PlanningPipeline.routableMarket(result.market, state: state, executable: Set(PoolKind.allCases))
        #expect(all.pools.count == result.market.pools.count)
        let withV3 = try RebalancePlanner.plan(outcome: result.outcome, market: all, policy: portfolio.policy)
        #expect(Self.touched(withV3).contains(Self.v3Pool))
    }

    @Test func anEOAPlanTakesTheBetterV3PoolThroughSwapRouter02() throws {
        let state = try Self.stateWithV3()
        let network = try PlanFixtures.network()
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: PlanFixtures.portfolio(.eoa),
                                              now: state.block.timestamp)
        let trades = try #require(result.trades, "\(String(describing: result.routingError))")
        #expect(Self.touched(trades).contains(Self.v3Pool))
        let plan = try #require(result.plan)
        let v3Swap = try #require(plan.transactions.first { $0.swap?.pools.contains(Self.v3Pool) == true })
        #expect(v3Swap.swap?.venue == .swapRouter02 && v3Swap.to == network.uniswapV3?.swapRouter02)
        #expect(v3Swap.swap?.hopsGas != nil)
    }

    @Test func aVaultPlanTakesTheBetterV3PoolAndBuildsItsStep() throws {
        let state = try Self.stateWithV3()
        let network = try PlanFixtures.network()
        let portfolio = PlanFixtures.portfolio(.vault)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        let trades = try #require(result.trades, "\(String(describing: result.routingError))")
        #expect(Self.touched(trades).contains(Self.v3Pool))
        #expect(result.outcome.decision.shouldRebalance)
        let plan = try #require(result.plan)
        #expect(plan.transactions.count == 1, "one vault call")
    }
}
