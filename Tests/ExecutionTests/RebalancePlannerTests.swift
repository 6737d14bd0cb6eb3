import EthCore
import Foundation
import Market
@testable import Execution
import Routing
import Strategy
import Testing

/// The trades of one rebalance that share a pool are planned against each other's effect: WETH→USDC
/// and WETH→WBTC both sell WETH into the one WETH/USDC pool (the only way to WBTC is via USDC).
struct RebalancePlannerTests {
    static let wethUsdc = PlanFixtures.uniWethUsdc
    static let usdcWbtc = PlanFixtures.uniUsdcWbtc

    /// 100 WETH against 40/35/25 WETH/USDC/WBTC targets: a $105k WETH→USDC trade and a $75k WETH→WBTC
    /// trade, on a WETH/USDC pool where each moves the price by a few percent.
    static func state() throws -> ChainState {
        let e = PlanFixtures.e
        let tokens = [Token(symbol: "WETH", address: PlanFixtures.weth, decimals: 18),
                      Token(symbol: "USDC", address: PlanFixtures.usdc, decimals: 6),
                      Token(symbol: "WBTC", address: PlanFixtures.wbtc, decimals: 8)]
        let pools: [PoolState] = [
            .constantProduct(try ConstantProductPool(address: wethUsdc, tokens: ["USDC", "WETH"], reserves: [e(3_000_000, 6), e(1_000, 18)],
                                                     dex: "uniswap-v2")),
            .constantProduct(try ConstantProductPool(address: usdcWbtc, tokens: ["USDC", "WBTC"], reserves: [e(30_000_000, 6), e(500, 8)],
                                                     dex: "uniswap-v2")),
        ]
        return ChainState(chainId: 31337, block: .init(number: 1204, timestamp: 1_764_000_000, baseFeePerGas: UInt256(875_000_000)),
                          tokens: tokens, balances: ["WETH": e(100, 18)], pools: pools, owner: PlanFixtures.operatorAddress)
    }

    static func portfolio() -> PortfolioConfig {
        var p = PlanFixtures.portfolio(.vault)
        p.targets = [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "USDC", percent: 35), TargetWeight(token: "WBTC", percent: 25)]
        p.policy.maxPoolDisagreementBps = 10_000
        return p
    }

    /// Executes `routes` as the vault does, on `pools` with each pool's own integer math: each
    /// execution leg spends its input, and its later hops what the hop before actually returned.
    /// Returns each swap's output.
    static func replay(_ routes: [Route], on pools: [any Pool]) throws -> [[UInt256]] {
        var pools = pools
        var outs: [[UInt256]] = []
        for route in routes {
            var routeOuts: [UInt256] = []
            for leg in route.executionLegs {
                var amount = leg.amountIn
                for hop in leg.hops {
                    let k = try #require(pools.firstIndex { $0.address == hop.pool })
                    let i = try #require(pools[k].index(of: hop.tokenIn)), j = try #require(pools[k].index(of: hop.tokenOut))
                    let out = try #require(pools[k].amountOut(amount, from: i, to: j))
                    pools[k] = try #require(pools[k].applyingSwapErased(amountIn: amount, amountOut: out, from: i, to: j))
                    routeOuts.append(out)
                    amount = out
                }
            }
            outs.append(routeOuts)
        }
        return outs
    }

    @Test func tradesSharingAPoolArePlannedOnEachOthersEffectAndExecuteExactly() throws {
        let state = try Self.state()
        let network = try PlanFixtures.network()
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: Self.portfolio(), now: state.block.timestamp)
        let trades = try #require(result.trades, "\(String(describing: result.routingError))")
        #expect(result.outcome.trades.intents.count == 2)
        // Largest first: the $105k WETH→USDC trade executes before the $75k WETH→WBTC one.
        #expect(trades.routes.map(\.buy) == ["USDC", "WBTC"])
        #expect(trades.routes.allSatisfy { $0.swaps.contains { $0.pool == Self.wethUsdc } })

        // Executed in plan order, every swap returns exactly its quote.
        let executed = try Self.replay(trades.routes, on: state.poolModels)
        for (route, outs) in zip(trades.routes, executed) {
            #expect(outs == route.swaps.map(\.amountOut), "\(route.sell)→\(route.buy)")
        }

        // Each trade routed alone on the untouched pools over-promises the second one: after the
        // first trade it cannot get what it was quoted.
        let pools = state.poolModels
        let alone = try trades.routes.map { r in try Router.route(sell: r.sell, buy: r.buy, amountIn: r.amountIn, pools: pools) }
        #expect(alone[0].amountOut == trades.routes[0].amountOut)
        #expect(alone[1].amountOut > trades.routes[1].amountOut)
        let aloneExecuted = try Self.replay(alone, on: pools)
        let aloneOut = try #require(aloneExecuted[1].last)
        #expect(aloneOut < alone[1].amountOut)
        #expect(aloneOut == trades.routes[1].amountOut)
    }

    @Test func executionOrderIsLargestFirstAndStableOnTies() throws {
        func intent(_ buy: String, _ value: Double) throws -> TradeIntent {
            let json = #"{"sell": "WETH", "buy": "\#(buy)", "amountIn": "1", "value": \#(value), "hops": 1, "expectedOut": "1"}"#
            return try JSONDecoder().decode(TradeIntent.self, from: Data(json.utf8))
        }
        let order = RebalancePlanner.executionOrder([try intent("A", 10), try intent("B", 30), try intent("C", 10), try intent("D", 20)])
        #expect(order.map(\.buy) == ["B", "D", "A", "C"])
    }

    /// 1000 WETH to rebalance 50/50 into USDC over 40 equal WETH/USDC pools: the best split uses all
    /// 40, more swaps than the vault's 32 steps per call. The plan is reduced (at most 16 legs) with
    /// the reason in the decision's notes, and built, instead of failing or reverting.
    @Test func aVaultPlanOverThirtyTwoStepsIsReducedWithTheReason() throws {
        let e = PlanFixtures.e
        let pools: [PoolState] = try (1...40).map { k in
            let address = try #require(Address(bytes: [UInt8](repeating: 0x22, count: 19) + [UInt8(k)]))
            return .constantProduct(try ConstantProductPool(address: address, tokens: ["USDC", "WETH"],
                                                            reserves: [e(300_000, 6), e(100, 18)], dex: "uniswap-v2"))
        }
        let state = ChainState(chainId: 31337, block: .init(number: 1204, timestamp: 1_764_000_000, baseFeePerGas: UInt256(875_000_000)),
                               tokens: [Token(symbol: "WETH", address: PlanFixtures.weth, decimals: 18),
                                        Token(symbol: "USDC", address: PlanFixtures.usdc, decimals: 6)],
                               balances: ["WETH": e(1_000, 18)], pools: pools, owner: PlanFixtures.operatorAddress)
        var portfolio = PlanFixtures.portfolio(.vault)
        portfolio.policy.maxPoolDisagreementBps = 10_000
        let network = try PlanFixtures.network()

        // Unreduced, the router splits over every pool.
        let outcome = try Strategist.evaluate(portfolio: portfolio, market: PlanningPipeline.market(state: state, network: network),
                                              now: state.block.timestamp)
        let full = try RebalancePlanner.plan(outcome: outcome, market: PlanningPipeline.market(state: state, network: network),
                                             policy: portfolio.policy)
        #expect(full.stepCount > VaultRebalanceCall.maxSteps)
        #expect(full.reductions == nil)

        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        let trades = try #require(result.trades)
        let call = try #require(result.plan?.vaultCall, "no vault call: \(String(describing: result.routingError))")
        #expect(call.steps.count <= VaultRebalanceCall.maxSteps && call.steps.count == trades.stepCount)
        #expect(trades.routes.first?.legs.count == 16)
        #expect(trades.routes.first?.amountIn == full.routes.first?.amountIn)
        let note = try #require(result.outcome.decision.notes.first { $0.contains("exceed the vault's 32 steps per call") })
        #expect(note.contains("\(full.stepCount) swaps") && note.contains("at most 16 pool-disjoint paths"), "\(note)")
    }

    /// EOA mode on a market where WETH→WBTC is a step route (into USDC directly and via DAI, merged
    /// into one USDC/WBTC pool): the step route's gas carries its approvals of USDC and DAI, and the
    /// plan counts them once, whether summed per transaction (the dry run's planned gas) or as a whole.
    @Test func eoaStepRouteApprovalsAreCountedOnce() throws {
        let e = PlanFixtures.e
        func pair(_ n: UInt8, _ a: String, _ ra: UInt256, _ b: String, _ rb: UInt256) throws -> PoolState {
            let address = try #require(Address(bytes: [UInt8](repeating: 0x33, count: 19) + [n]))
            return .constantProduct(try ConstantProductPool(address: address, tokens: [a, b], reserves: [ra, rb], dex: "uniswap-v2"))
        }
        let pools: [PoolState] = [
            try pair(1, "WETH", e(30, 18), "USDC", e(90_000, 6)), try pair(2, "WETH", e(30, 18), "DAI", e(90_000, 18)),
            try pair(3, "DAI", e(300_000, 18), "USDC", e(300_000, 6)), try pair(4, "USDC", e(600_000, 6), "WBTC", e(10, 8)),
        ]
        let tokens = [Token(symbol: "WETH", address: PlanFixtures.weth, decimals: 18), Token(symbol: "USDC", address: PlanFixtures.usdc, decimals: 6),
                      Token(symbol: "WBTC", address: PlanFixtures.wbtc, decimals: 8), Token(symbol: "DAI", address: PlanFixtures.dai, decimals: 18)]
        let state = ChainState(chainId: 31337, block: .init(number: 1204, timestamp: 1_764_000_000, baseFeePerGas: UInt256(875_000_000)),
                               tokens: tokens, balances: ["WETH": UInt256(decimal: "1033333333333333333")!, "WBTC": UInt256(666_666),
                                                          "USDC": e(1_500, 6)],
                               pools: pools, owner: PlanFixtures.operatorAddress)
        var portfolio = PlanFixtures.portfolio(.eoa)
        portfolio.targets = [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "WBTC", percent: 30), TargetWeight(token: "USDC", percent: 30)]
        let result = try PlanningPipeline.run(state: state, network: try PlanFixtures.network(), portfolio: portfolio, now: state.block.timestamp)
        let plan = try #require(result.plan, "\(String(describing: result.routingError)) \(result.outcome.decision.reasons)")
        let route = try #require(plan.trades.routes.first)
        let steps = try #require(route.steps)
        #expect(steps.contains { $0.tokenIn == "DAI" })
        // USDC and DAI, each approved for the router.
        #expect(plan.approvalsPricedInRoute(0) == 2)
        let approvals = plan.transactions.filter { $0.approval != nil }
        #expect(Set(approvals.compactMap { $0.approval?.token }) == ["WETH", "USDC", "DAI"])
        let perTransaction = plan.transactions.reduce(UInt64(0)) { $0 + Simulator.plannedGas($1, in: plan) }
        let swaps = UInt64(plan.transactions.filter { $0.swap != nil }.count)
        #expect(perTransaction <= plan.trades.plannedGas && plan.trades.plannedGas - perTransaction < swaps,
                "per transaction \(perTransaction), planned \(plan.trades.plannedGas)")
    }
}
