import EthCore
import Foundation
import Market
import Routing
import Strategy
import Testing
@testable import Execution

/// Routes go only through pool kinds the custody mode can execute: a Uniswap V3 pool in the
/// snapshot prices the portfolio but carries no swap until PlanBuilder can build one through it.
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

    @Test func theVaultRoutesThroughConcentratedLiquidityAndTheEOAPathNotYet() {
        #expect(CustodyMode.vault.executablePoolKinds == Set(PoolKind.allCases))
        #expect(CustodyMode.eoa.executablePoolKinds == [.constantProduct, .weighted])
    }

    @Test func aV3PoolIsPricedButNotRoutedWhileNotExecutable() throws {
        let state = try Self.stateWithV3()
        let network = try PlanFixtures.network()
        let portfolio = PlanFixtures.portfolio(.eoa)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        #expect(result.market.pools.contains { $0.address == Self.v3Pool }, "valuation sees every pool")
        let trades = try #require(result.trades, "\(String(describing: result.routingError))")
        #expect(!trades.routes.isEmpty)
        #expect(!Self.touched(trades).contains(Self.v3Pool))
        #expect(result.plan != nil, "the plan builds: no V3 hop reaches PlanBuilder")

        // The same market with V3 executable: the router takes the better pool.
        let all = PlanningPipeline.routableMarket(result.market, state: state, executable: Set(PoolKind.allCases))
        #expect(all.pools.count == result.market.pools.count)
        let withV3 = try RebalancePlanner.plan(outcome: result.outcome, market: all, policy: portfolio.policy)
        #expect(Self.touched(withV3).contains(Self.v3Pool))
        let eoa = PlanningPipeline.routableMarket(result.market, state: state, executable: CustodyMode.eoa.executablePoolKinds)
        #expect(!eoa.pools.contains { $0.address == Self.v3Pool })
        #expect(eoa.pools.count == result.market.pools.count - 1)
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
