import EthCore
import EthRPC
import Execution
import Foundation
import Market
import Routing
import Strategy
import Testing

/// A route whose paths share pools (the devnet's two WETH/USDC pools feed one USDC/WBTC pool)
/// executes as steps: in the vault the dry run probes every step on chain, in EOA mode it replays
/// the approvals and one swap per step on a snapshot; each must be exact to the wei, the route's
/// output the sum of its steps into WBTC.
@Suite(.serialized) struct StepRouteDevnetTests {
    static func context(_ network: NetworkConfig, _ state: ChainState) -> DryRunContext {
        DryRunContext(quoteToken: "USDC", nativePriceInQuote: nil, baseFeePerGas: state.block.baseFeePerGas,
                      priorityFeePerGas: state.priorityFeePerGas ?? network.gas.maxPriorityFeePerGas,
                      maxFeePerGas: network.gas.maxFeePerGas)
    }

    /// The EOA dry run of `plan` (one `route`) replayed on a snapshot: complete, and every swap
    /// returned its quote to the wei.
    static func replayEOA(_ plan: RebalancePlan, _ route: Route, _ client: EthClient, _ network: NetworkConfig,
                          _ state: ChainState) throws -> DryRunReport {
        let report = try Simulator(client: client).simulate(plan, context: context(network, state))
        #expect(report.method == .eoaSnapshotReplay)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.complete)
        for (tx, sim) in zip(plan.transactions, report.transactions) where tx.swap != nil {
            #expect(sim.simulatedOut == tx.swap?.quotedOut, "\(tx.label)")
        }
        #expect(report.routes.first?.simulatedOut == route.amountOut)
        return report
    }

    /// The first of a few WETH→WBTC sizes (up to `limit`) that routes as steps on the pools' current
    /// state, through the pools `mode` can execute (as the planning pipeline routes).
    static func stepRoute(_ state: ChainState, mode: CustodyMode, unit: UInt256, limit: UInt256) throws -> Route? {
        let pools = state.poolModels.filter { mode.executablePoolKinds.contains($0.kind) }
        for whole: UInt64 in [2, 4, 6, 8, 10] where UInt256(whole) * unit <= limit {
            let route = try Router.route(sell: "WETH", buy: "WBTC", amountIn: UInt256(whole) * unit, pools: pools)
            if route.steps != nil { return route }
        }
        return nil
    }

    @Test func vaultStepRouteIsExactToTheWeiPerStep() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account4()
        let vault = try DryRunDevnet.deployVault(client, network: network, operator: op.address)
        let weth = try #require(network.token("WETH"))
        try DryRunDevnet.fundWithWrappedEther(client, network: network, vault: vault, whole: 10)

        let portfolio = PortfolioConfig(network: "devnet", mode: .vault, operator: op.address, vault: vault, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "WBTC", percent: 50)],
                                        policy: DryRunDevnetTests.policy())
        let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
        let route = try #require(try Self.stepRoute(state, mode: .vault, unit: weth.token.unit, limit: UInt256(10) * weth.token.unit),
                                 "no WETH→WBTC amount up to 10 WETH routes as steps on this devnet")
        let steps = try #require(route.steps)
        let intoBuy = steps.filter { $0.tokenOut == "WBTC" }.reduce(UInt256.zero) { $0 + $1.amountOut }
        #expect(intoBuy == route.amountOut)

        let trades = TradePlan(routes: [route], routeGas: route.gas, feesPaid: 0, projectedWeights: [:])
        let plan = try PlanBuilder.build(trades: trades, state: state, network: network, portfolio: portfolio,
                                         deadline: state.block.timestamp + 600)
        let call = try #require(plan.vaultCall)
        #expect(call.steps.count == steps.count)
        #expect(call.steps.map(\.amountIn) == steps.map(\.amountIn))
        let report = try Simulator(client: client).simulate(plan, context: Self.context(network, state))
        #expect(report.method == .vaultExactnessProbes)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.steps.count == steps.count)
        #expect(report.steps.allSatisfy { $0.verdict == .exact }, "\(report.steps)")
        #expect(report.routes.first?.simulatedOut == route.amountOut)
    }

    @Test func eoaStepRouteSwapsOncePerStepExactToTheWei() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account5()
        let weth = try #require(network.token("WETH"))
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: op.address, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "WBTC", percent: 50)],
                                        policy: DryRunDevnetTests.policy())
        let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
        let route = try #require(try Self.stepRoute(state, mode: .eoa, unit: weth.token.unit, limit: state.balance(of: "WETH")),
                                 "no WETH→WBTC amount within account 5's WETH routes as steps on this devnet")
        let steps = try #require(route.steps)
        let trades = TradePlan(routes: [route], routeGas: route.gas, feesPaid: 0, projectedWeights: [:])
        let plan = try PlanBuilder.build(trades: trades, state: state, network: network, portfolio: portfolio,
                                         deadline: state.block.timestamp + 600)
        let swaps = plan.transactions.filter { $0.swap != nil }
        #expect(swaps.count == steps.count)
        #expect(swaps.map { $0.swap?.amountIn } == steps.map(\.amountIn))
        _ = try Self.replayEOA(plan, route, client, network, state)
    }
}
