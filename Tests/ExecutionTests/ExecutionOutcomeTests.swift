import EthCore
import EthRPC
import Routing
import Testing
@testable import Execution

@Suite struct ExecutionOutcomeTests {
    static func addr(_ n: UInt8) -> Address { Address(bytes: [UInt8](repeating: 0, count: 19) + [n])! }
    let vault = addr(99)

    func swapped(_ pool: UInt8, _ a: UInt8, _ b: UInt8, _ amountIn: UInt256, _ amountOut: UInt256, emitter: Address? = nil) -> Log {
        Log(address: emitter ?? vault, topics: [ExecutionOutcome.swappedTopic, Self.addr(pool).word, Self.addr(a).word, Self.addr(b).word],
            data: amountIn.bigEndianBytes + amountOut.bigEndianBytes)
    }

    func route(_ sell: String, _ buy: String, legs: [[(UInt8, UInt256, UInt256)]]) -> Route {
        let routeLegs = legs.map { hops in
            RouteLeg(path: [], pools: hops.map { Self.addr($0.0) }, amountIn: hops[0].1, amountOut: hops.last!.2,
                     hops: hops.map { RouteHop(pool: Self.addr($0.0), tokenIn: "", tokenOut: "", amountIn: $0.1, amountOut: $0.2) })
        }
        let out = routeLegs.reduce(UInt256.zero) { $0 + $1.amountOut }
        return Route(sell: sell, buy: buy, amountIn: routeLegs.reduce(UInt256.zero) { $0 + $1.amountIn }, amountOut: out,
                     minOut: out * 995 / 1000, priceImpactBps: 0, gas: 0, legs: routeLegs)
    }

    @Test func vaultRoutesSumTheLastHopOfEachLeg() {
        // Route 1: a split over two pools; route 2: two hops.
        let plan = TradePlan(routes: [route("WETH", "USDC", legs: [[(1, 600, 1800)], [(2, 400, 1190)]]),
                                      route("WBTC", "DAI", legs: [[(3, 10, 5000), (4, 5000, 4990)]])],
                             routeGas: 0, feesPaid: 0, projectedWeights: [:])
        let logs = [swapped(1, 10, 11, 600, 1800), swapped(2, 10, 11, 400, 1189), swapped(3, 12, 11, 10, 5000),
                    swapped(4, 11, 13, 5000, 4990), swapped(5, 1, 2, 1, 1, emitter: Self.addr(7))]
        let outcomes = ExecutionOutcome.vaultRoutes(plan: plan, logs: logs, vault: vault)
        #expect(outcomes.map(\.actualOut) == [2989, 4990])
        #expect(outcomes[0].predictedOut == 2990)
        #expect(abs((outcomes[0].slippageBps ?? 0) - 10_000.0 / 2990) < 1e-9)
        #expect(outcomes[1].slippageBps == 0)
    }

    @Test func missingLogsMeanNoActualOutput() {
        let plan = TradePlan(routes: [route("WETH", "USDC", legs: [[(1, 600, 1800)]])], routeGas: 0, feesPaid: 0, projectedWeights: [:])
        #expect(ExecutionOutcome.vaultRoutes(plan: plan, logs: [], vault: vault).first?.actualOut == nil)
    }

    @Test func walletRoutesCountTransfersToTheOperator() {
        let plan = TradePlan(routes: [route("WETH", "USDC", legs: [[(1, 600, 1800)]])], routeGas: 0, feesPaid: 0, projectedWeights: [:])
        let usdc = Self.addr(11), operatorAddress = Self.addr(50)
        func transfer(_ token: Address, to: Address, _ v: UInt256) -> Log {
            Log(address: token, topics: [ExecutionOutcome.transferTopic, Self.addr(1).word, to.word], data: v.bigEndianBytes)
        }
        let logs = [transfer(usdc, to: operatorAddress, 1799), transfer(usdc, to: Self.addr(2), 5), transfer(Self.addr(10), to: operatorAddress, 3)]
        let outcomes = ExecutionOutcome.walletRoutes(plan: plan, receiptsByRoute: [0: logs], buyTokens: ["USDC": usdc], recipient: operatorAddress)
        #expect(outcomes.first?.actualOut == 1799)
    }
}
