import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import MarketLoading
import Routing
import Strategy
import TestSupport
import Testing

/// A vault rebalance through Uniswap V3 pools on the devnet (mainnet's V3 bytecode): the vault is
/// deployed and allowlisted through the `vault` commands, one call carries a single V3 hop, a
/// V2→V3 chain and a V3→V3 chain; the dry run proves every step exact to the wei, and the sent
/// call buys exactly the quotes. Dev accounts 3 (owner) and 4 (operator): public devnet keys.
@Suite(.serialized) struct VaultUniswapV3DevnetTests {
    static let ownerKey = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"  // account 3, public devnet key

    @Test func vaultRebalanceThroughV3StepsIsExactToTheWei() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let v3 = try #require(network.uniswapV3)
        let op = try DryRunDevnet.account4()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vault-v3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let ownerFile = dir.appendingPathComponent("owner.key").path
        FileManager.default.createFile(atPath: ownerFile, contents: Data((Self.ownerKey + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
        func cli(_ args: [String]) throws -> String {
            let r = try CLIRunner.run(args, environment: env)
            #expect(r.status == 0, "rebalancer \(args.joined(separator: " ")): \(r.stderr)")
            return r.out
        }

        // deployed and allowlisted by the owner's commands: the V3 factory and every V3 pool too
        let vaultText = try cli(["vault", "deploy", "--network", "devnet", "--key-file", ownerFile, "--operator", op.address.checksummed, "--quiet"])
        let vault = try Address(vaultText)
        let allowed = try cli(["vault", "allow", "--network", "devnet", "--vault", vaultText, "--key-file", ownerFile])
        let listedPools = (network.pools?.count ?? 0) + v3.pools.count
        #expect(allowed.contains("allowed 3 factories") && allowed.contains("and \(listedPools) pools"), "\(allowed)")
        let wide = VaultCalls.Limits(maxLossBps: 500, maxCallPercent: 100, maxDailyPercent: 100, maxDailyLossBps: 500)
        #expect(try Devnet.send(client, key: try DryRunDevnet.account3(), to: vault, data: VaultCalls.setLimits(wide)).status)
        try DryRunDevnet.fundWithWrappedEther(client, network: network, vault: vault, whole: 5)

        let portfolio = PortfolioConfig(network: "devnet", mode: .vault, operator: op.address, vault: vault, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: DryRunDevnetTests.policy())
        let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
        for entry in v3.pools {
            #expect(state.pools.contains { $0.address == entry.address }, "the loader reads V3 pool \(entry.address)")
        }
        func pools(_ addresses: [Address]) -> [any Pool] { state.pools.filter { addresses.contains($0.address) }.map(\.model) }
        func v3Pool(_ a: String, _ b: String, _ fee: UInt32) throws -> Address { try #require(v3.pool(a, b, fee: fee)).address }
        let v2WethUsdc = try #require(network.pools?.first { $0.dex == "uniswap-v2" && Set($0.tokens) == ["WETH", "USDC"] }).address
        let weth = try #require(network.token("WETH")).token.unit

        // one V3 hop; a pair then a V3 pool; two V3 pools (the paths are forced by the pools offered)
        let routes = [
            try Router.route(sell: "WETH", buy: "USDC", amountIn: 2 * weth, pools: pools([try v3Pool("WETH", "USDC", 500)])),
            try Router.route(sell: "WETH", buy: "WBTC", amountIn: weth, pools: pools([v2WethUsdc, try v3Pool("USDC", "WBTC", 500)])),
            try Router.route(sell: "WETH", buy: "USDT", amountIn: weth,
                             pools: pools([try v3Pool("WETH", "USDC", 3000), try v3Pool("USDC", "USDT", 100)])),
        ]
        let trades = TradePlan(routes: routes, routeGas: routes.reduce(0) { $0 + $1.gas }, feesPaid: 0, projectedWeights: [:])
        let plan = try PlanBuilder.build(trades: trades, state: state, network: network, portfolio: portfolio,
                                         deadline: state.block.timestamp + 600)
        let call = try #require(plan.vaultCall)
        #expect(call.steps.map(\.poolKind) == [.concentratedLiquidity, .constantProduct, .concentratedLiquidity,
                                               .concentratedLiquidity, .concentratedLiquidity])
        #expect(call.steps.map(\.amountIn.isZero) == [false, false, true, false, true])  // chains spend the previous output

        let context = StepRouteDevnetTests.context(network, state)
        let report = try Simulator(client: client).simulate(plan, context: context)
        #expect(report.method == .vaultExactnessProbes)
        #expect(report.agrees, "\(report.problems)")
        #expect(report.steps.count == call.steps.count)
        #expect(report.steps.allSatisfy { $0.verdict == .exact }, "\(report.steps)")
        #expect(report.routes.map(\.simulatedOut) == routes.map(\.amountOut))
        // a V3 quote one wei high is caught at its step
        var wrong = plan
        wrong.vaultCall?.steps[4].quotedOut = call.steps[4].quotedOut + 1
        let caught = try Simulator(client: client).simulate(wrong, context: context)
        #expect(caught.steps[4].verdict == .below && !caught.agrees)

        let symbols = ["WETH", "USDC", "WBTC", "USDT"]
        func holdings() throws -> [UInt256] {
            try symbols.map { try DryRunDevnet.balance(client, token: try #require(network.token($0)).address, of: vault) }
        }
        let before = try holdings()
        let gas = try #require(report.transactions.first?.gasLimit)
        let receipt = try Devnet.send(client, key: op, to: vault, data: try #require(plan.transactions.first).data, gasLimit: gas)
        #expect(receipt.status)
        let after = try holdings()
        #expect(before[0] - after[0] == 4 * weth)
        // bought exactly the quotes; the USDC the chains passed through was spent to the wei
        #expect(zip(after.dropFirst(), before.dropFirst()).map { $0 - $1 } == routes.map(\.amountOut))
        print("vault V3 rebalance: \(call.steps.count) steps, gas used \(receipt.gasUsed) (estimate \(report.transactions.first?.gasEstimate ?? 0)), "
              + "bought \(routes.map(\.amountOut)) USDC/WBTC/USDT")
    }
}
