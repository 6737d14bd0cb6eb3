import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import MarketLoading
import Routing
import Strategy
import Testing

/// Full dry runs against the devnet (DEVNET_RPC_URL; unreachable fails): plan from the loaded state,
/// build, simulate, and check the simulation agrees with the plan to the wei.
@Suite(.serialized) struct DryRunDevnetTests {
    static func load(_ client: EthClient, network: NetworkConfig, portfolio: PortfolioConfig) throws -> ChainState {
        let loader = StateLoader(client: client, network: network)
        let extra = portfolio.vault.map { $0 == portfolio.holder ? [] : [$0] } ?? []
        let request = StateRequest(holder: portfolio.holder, operator: portfolio.operator,
                                   spenders: StateRequest.spenders(of: network, extra: extra), block: .latest)
        return try loader.load(request).state
    }

    static func context(_ network: NetworkConfig, _ state: ChainState, _ result: PlanningResult, quote: String) -> DryRunContext {
        DryRunContext(quoteToken: quote,
                      nativePriceInQuote: network.wrappedNative.flatMap { result.outcome.prices.price($0) },
                      baseFeePerGas: state.block.baseFeePerGas,
                      priorityFeePerGas: state.priorityFeePerGas ?? network.gas.maxPriorityFeePerGas,
                      maxFeePerGas: network.gas.maxFeePerGas)
    }

    static func policy() -> Policy {
        var p = Policy()
        p.maxBlockAgeSeconds = 1e9          // the devnet's blocks are as old as its last transaction
        p.maxTradePercentPerRun = 100
        p.maxPoolDisagreementBps = 10_000   // other suites move the shared pools
        p.maxGasCostPercent = 100
        return p
    }

    /// The plan's gas (GasModel, measured from mainnet's bytecode) is within ±10 % of what the node
    /// estimates for its transactions.
    static func expectPlannedGasNearSimulated(_ plan: RebalancePlan, _ report: DryRunReport) {
        let simulated = report.transactions.compactMap(\.gasEstimate).reduce(0, +)
        let planned = plan.trades.plannedGas
        let error = Double(planned) / Double(max(simulated, 1)) - 1
        print("planned gas \(planned), simulated \(simulated): \(String(format: "%+.1f", error * 100)) %")
        #expect(simulated > 0 && abs(error) <= 0.10, "planned gas \(planned) against simulated \(simulated)")
    }

    @Test func vaultModeDryRunAgreesToTheWeiPerStep() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let owner = try DryRunDevnet.account3(), op = try DryRunDevnet.account4()
        let vault = try DryRunDevnet.deployVault(client, network: network, operator: op.address)
        // Fund it lopsided: 20 WETH and 5,000 USDC; targets want a third each in WETH, USDC, WBTC and DAI
        // shares, so WETH is sold into three tokens across pairs and the Balancer pools.
        let usdc = try #require(network.token("USDC"))
        try DryRunDevnet.fundWithWrappedEther(client, network: network, vault: vault, whole: 20)
        try DryRunDevnet.transfer(client, key: owner, token: usdc.address, to: vault, amount: UInt256(5_000) * usdc.token.unit)

        let portfolio = PortfolioConfig(network: "devnet", mode: .vault, operator: op.address, vault: vault, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "USDC", percent: 30),
                                                  TargetWeight(token: "WBTC", percent: 20), TargetWeight(token: "DAI", percent: 10)],
                                        policy: Self.policy())
        let state = try Self.load(client, network: network, portfolio: portfolio)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        #expect(result.outcome.decision.shouldRebalance, "\(result.outcome.decision.reasons)")
        let plan = try #require(result.plan)
        #expect(plan.transactions.count == 1)
        let call = try #require(plan.vaultCall)
        #expect(call.steps.count >= 3)

        let report = try Simulator(client: client).simulate(plan, context: Self.context(network, state, result, quote: "USDC"))
        #expect(report.method == .vaultExactnessProbes)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.complete)
        #expect(report.steps.count == call.steps.count)
        #expect(report.steps.allSatisfy { $0.verdict == .exact }, "\(report.steps)")
        #expect(report.routes.allSatisfy { $0.simulatedOut == $0.quotedOut })
        let gas = try #require(report.transactions.first?.gasEstimate)
        #expect(gas > 100_000 && gas < 2_000_000)
        #expect(report.gas.totalLimit == GasBudget.limit(forEstimate: gas))
        #expect(report.cost.atCurrentFees.wei > .zero && report.cost.atFeeCap.wei >= report.cost.atCurrentFees.wei)
        #expect(report.cost.atCurrentFees.quote != nil)
        print("vault dry run (vault \(vault)): \(call.steps.count) steps in \(plan.trades.routes.count) routes, eth_estimateGas \(gas), limit \(report.gas.totalLimit)")
        Self.expectPlannedGasNearSimulated(plan, report)

        // The same check catches a quote that is one wei off: the exact-bound call then reverts at that step.
        var wrong = plan
        wrong.vaultCall?.steps[0].quotedOut = call.steps[0].quotedOut + 1
        let bad = try Simulator(client: client).simulate(wrong, context: Self.context(network, state, result, quote: "USDC"))
        #expect(!bad.agrees)
        #expect(bad.steps.first?.verdict == .below)
        #expect(bad.routes.first?.agrees == false)
        var low = plan
        low.vaultCall?.steps[0].quotedOut = call.steps[0].quotedOut - 1
        let above = try Simulator(client: client).simulate(low, context: Self.context(network, state, result, quote: "USDC"))
        #expect(above.steps.first?.verdict == .above)
        #expect(!above.agrees)
    }

    @Test func eoaModeDryRunReplaysApprovalsAndSwapsOnASnapshot() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account5()
        // A short, non-zero USDT allowance for the uniswap-v2 router: the plan must reset it to 0 first.
        let usdt = try #require(network.token("USDT"))
        let router = try #require(network.dex(named: "uniswap-v2")?.router)
        // (USDT changes a non-zero allowance only to 0: reset first so that the test can run again.)
        try DryRunDevnet.approve(client, key: op, token: usdt.address, spender: router, amount: .zero)
        try DryRunDevnet.approve(client, key: op, token: usdt.address, spender: router, amount: UInt256(1))
        // The account holds the fixture tokens; targets sell USDT, WBTC, DAI and LINK into WETH and USDC.
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: op.address, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: Self.policy())
        let state = try Self.load(client, network: network, portfolio: portfolio)
        let before = try client.blockNumber()
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        #expect(result.outcome.decision.shouldRebalance, "\(result.outcome.decision.reasons)")
        let plan = try #require(result.plan)
        let labels = plan.transactions.map(\.label)
        #expect(labels.contains { $0.hasPrefix("approve ") })
        if let reset = labels.firstIndex(where: { $0.hasPrefix("reset USDT allowance") }) {
            #expect(labels[reset + 1].hasPrefix("approve USDT"))
        }
        #expect(labels.contains { $0.hasPrefix("swap 1: ") })

        let report = try Simulator(client: client).simulate(plan, context: Self.context(network, state, result, quote: "USDC"))
        #expect(report.method == .eoaSnapshotReplay)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.complete)
        #expect(report.transactions.allSatisfy { $0.status == .ok && $0.gasEstimate != nil })
        for (tx, sim) in zip(plan.transactions, report.transactions) where tx.swap != nil {
            #expect(sim.simulatedOut == tx.swap?.quotedOut, "\(tx.label)")
        }
        #expect(report.routes.allSatisfy { $0.simulatedOut == $0.quotedOut })
        let estimated = plan.withGasEstimates(from: report)
        #expect(estimated.transactions.map(\.gasEstimate) == report.transactions.map(\.gasEstimate))
        print("EOA dry run: \(plan.transactions.count) transactions, eth_estimateGas total \(report.gas.total): "
              + report.transactions.map { "\($0.label)=\($0.gasEstimate ?? 0)" }.joined(separator: ", "))
        Self.expectPlannedGasNearSimulated(plan, report)

        // The snapshot was rolled back: no block of the replay remains, the balances did not move.
        #expect(try client.blockNumber() == before)
        let usdtBalance = try DryRunDevnet.balance(client, token: usdt.address, of: op.address)
        #expect(usdtBalance == state.balance(of: "USDT"))
    }

    /// The real devnet seen through a transport that refuses the devnet-only methods, like a public
    /// node: the EOA dry run falls back to the approvals (and the first swap when it needs no approval).
    final class NoSnapshotTransport: RPCTransport, @unchecked Sendable {
        let inner: HTTPTransport
        init(_ inner: HTTPTransport) { self.inner = inner }
        var endpointDescription: String { inner.endpointDescription }

        func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
            let text = String(decoding: body, as: UTF8.self)
            if text.contains("\"evm_snapshot\""), case .object(let o)? = try? JSONValue.parse(body) {
                let id = o["id"] ?? .null
                let reply: JSONValue = .object(["jsonrpc": "2.0", "id": id,
                                                "error": .object(["code": -32601, "message": "the method evm_snapshot does not exist/is not available"])])
                return reply.serialized
            }
            return try inner.send(body)
        }
    }

    @Test func eoaModeWithoutSnapshotsSimulatesTheApprovalsAndSaysSo() throws {
        let (probe, _) = try Devnet.connect()
        let client = EthClient(rpc: JSONRPCClient(transport: NoSnapshotTransport(try HTTPTransport(.init(url: Devnet.url)))))
        let network = try Devnet.network()
        let op = try DryRunDevnet.account5()
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: op.address, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: Self.policy())
        let state = try Self.load(probe, network: network, portfolio: portfolio)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        let plan = try #require(result.plan)
        let report = try Simulator(client: client).simulate(plan, context: Self.context(network, state, result, quote: "USDC"))
        #expect(report.method == .eoaApprovalsAndFirstSwap)
        #expect(report.methodNote.contains("no evm_snapshot"))
        #expect(!report.complete)
        #expect(report.agrees, "\(report.problems)")
        for (tx, sim) in zip(plan.transactions, report.transactions) {
            if tx.approval != nil && sim.status != .notSimulated {
                #expect(sim.status == .ok && (sim.gasEstimate ?? 0) > 21_000, "\(tx.label)")
            }
            if tx.approval?.isReset == true {
                // The approval after a USDT reset cannot run at the pinned block before the reset is mined.
                let next = try #require(report.transactions.first { $0.label == tx.label.replacingOccurrences(of: "reset ", with: "approve ")
                    .replacingOccurrences(of: " allowance", with: "") })
                #expect(next.status == .notSimulated)
            }
        }
        #expect(report.transactions.contains { $0.status == .notSimulated })
        #expect(!report.gas.allEstimated)
        #expect(report.simulatedAtBlock == plan.blockNumber)
    }

    /// Hand-built routes (exact quotes from the loaded pools) that the strategy rarely picks: a leg
    /// through two Balancer pools (one `batchSwap`) and a mixed pair-then-Balancer leg (two swaps,
    /// the first bound to its exact quote). The replay must return every quote to the wei.
    @Test func eoaBatchSwapAndMixedLegsAgreeToTheWei() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account5()
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: op.address, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: Self.policy())
        let state = try Self.load(client, network: network, portfolio: portfolio)
        func weighted(_ tokens: [String]) throws -> WeightedPool {
            for case .weighted(let p) in state.pools where p.tokens == tokens { return p }
            throw DryRunDevnet.NoPool(tokens: tokens)
        }
        var wethDai = try weighted(["WETH", "DAI"])
        var tri = try weighted(["USDC", "WETH", "WBTC"])
        var uni = try #require(state.pools.compactMap { p -> ConstantProductPool? in
            if case .constantProduct(let c) = p, c.dex == "uniswap-v2", Set(c.tokens) == ["USDC", "WETH"] { return c }
            return nil
        }.first)
        func hop<P: Pool>(_ pool: inout P, _ a: String, _ b: String, _ amount: UInt256) throws -> RouteHop {
            let i = try #require(pool.index(of: a)), j = try #require(pool.index(of: b))
            let out = try #require(pool.amountOut(amount, from: i, to: j))
            pool = try #require(pool.applyingSwap(amountIn: amount, amountOut: out, from: i, to: j))
            return RouteHop(pool: pool.address, tokenIn: a, tokenOut: b, amountIn: amount, amountOut: out)
        }
        func route(_ hops: [RouteHop]) throws -> Route {
            let first = try #require(hops.first), last = try #require(hops.last)
            let leg = RouteLeg(path: [first.tokenIn] + hops.map(\.tokenOut), pools: hops.map(\.pool),
                               amountIn: first.amountIn, amountOut: last.amountOut, hops: hops)
            return Route(sell: first.tokenIn, buy: last.tokenOut, amountIn: first.amountIn, amountOut: last.amountOut,
                         minOut: PlanBuilder.lessSlippage(last.amountOut, bps: 50), priceImpactBps: 0, gas: 250_000, legs: [leg])
        }
        let dai = UInt256(1_000) * UInt256(1_000_000_000_000_000_000)
        let d1 = try hop(&wethDai, "DAI", "WETH", dai)
        let d2 = try hop(&tri, "WETH", "WBTC", d1.amountOut)
        let u1 = try hop(&uni, "USDC", "WETH", UInt256(2_000_000_000))
        let u2 = try hop(&tri, "WETH", "WBTC", u1.amountOut)
        let trades = TradePlan(routes: [try route([d1, d2]), try route([u1, u2])], routeGas: 500_000, feesPaid: 0, projectedWeights: [:])
        let deadline = state.block.timestamp + 1_200
        let plan = try PlanBuilder.build(trades: trades, state: state, network: network, portfolio: portfolio, deadline: deadline)
        #expect(plan.transactions.map(\.label) == [
            "approve DAI → balancer-v2 vault", "approve USDC → uniswap-v2 router", "approve WETH → balancer-v2 vault",
            "swap 1: DAI→WETH→WBTC via balancer-v2", "swap 2: USDC→WETH via uniswap-v2", "swap 3: WETH→WBTC via balancer-v2",
        ])
        #expect(plan.transactions[3].swap?.venue == .balancerBatchSwap)
        #expect(plan.transactions[4].swap?.minOut == u1.amountOut)     // exact: swap 3 spends exactly this

        let market = PlanningPipeline.market(state: state, network: network)
        let outcome = try Strategist.evaluate(portfolio: portfolio, market: market, now: state.block.timestamp)
        let context = DryRunContext(quoteToken: "USDC", nativePriceInQuote: outcome.prices.price("WETH"),
                                    baseFeePerGas: state.block.baseFeePerGas,
                                    priorityFeePerGas: state.priorityFeePerGas ?? network.gas.maxPriorityFeePerGas,
                                    maxFeePerGas: network.gas.maxFeePerGas)
        let report = try Simulator(client: client).simulate(plan, context: context)
        #expect(report.method == .eoaSnapshotReplay)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.routes.map(\.simulatedOut) == [d2.amountOut, u2.amountOut])
        print("EOA batchSwap/mixed dry run: " + report.transactions.map { "\($0.label)=\($0.gasEstimate ?? 0)" }.joined(separator: ", "))
    }
}
