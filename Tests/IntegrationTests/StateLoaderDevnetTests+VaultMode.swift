import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import MarketLoading
import Strategy
import Testing

/// Vault mode end to end on the devnet: the rebalancing vault deployed through the Swift signer,
/// funded by transfers, then read as the portfolio's holder and valued like `status` does.
/// Part of the serialized loader suite: it sends from the same dev account 7.
extension StateLoaderDevnetTests {
    @Test func vaultModeTheVaultIsTheHolderAndTheOperatorPaysGas() throws {
        let (client, counter) = try Devnet.connect()
        let network = try Devnet.network()
        let owner = try Devnet.account7()
        let operatorAddress = Devnet.dev0
        let deployment = try Devnet.send(client, key: owner, to: nil,
                                         data: try VaultCalls.deployCode(owner: owner.address, operator: operatorAddress,
                                                                           balancerVault: VaultCalls.balancerVault(of: network)),
                                         gasLimit: 6_000_000)
        #expect(deployment.status)
        let vault = try #require(deployment.contractAddress)
        #expect(try !client.getCode(vault, block: .latest).isEmpty)

        // The owner funds the vault: 2 WETH and 3000 USDC.
        let weth = try #require(network.token("WETH")), usdc = try #require(network.token("USDC"))
        let transfer = try ABIFunction(signature: "transfer(address,uint256)")
        let twoWETH = UInt256(2) * UInt256(1_000_000_000_000_000_000)
        let usdcAmount = UInt256(3_000_000_000)
        for (token, amount) in [(weth.address, twoWETH), (usdc.address, usdcAmount)] {
            let r = try Devnet.send(client, key: owner, to: token, data: try transfer.encodeCall([.address(vault), .uint(amount)]))
            #expect(r.status)
        }

        let before = counter.count
        let loaded = try StateLoader(client: client, network: network).load(StateRequest(
            holder: vault, operator: operatorAddress, spenders: StateRequest.spenders(of: network)))
        #expect(counter.count - before == 2)
        let state = loaded.state
        #expect(state.owner == vault)
        #expect(state.balance(of: "WETH") == twoWETH)
        #expect(state.balance(of: "USDC") == usdcAmount)
        for symbol in ["USDT", "WBTC", "DAI", "LINK"] { #expect(state.balance(of: symbol).isZero) }
        #expect(state.nativeBalance == UInt256.zero)
        #expect(try loaded.operatorNativeBalance == client.getBalance(operatorAddress, block: .number(state.block.number)))
        #expect(loaded.operatorNativeBalance != state.nativeBalance)
        #expect(state.allowances.values.allSatisfy { $0.values.allSatisfy(\.isZero) }, "the vault approved nobody")

        // Valued like `status`: WETH at the pools' price, USDC at 1.
        let portfolio = PortfolioConfig(network: "devnet", mode: .vault, operator: operatorAddress, vault: vault, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)])
        #expect(portfolio.holder == vault)
        let market = MarketView(state: state, wrappedNative: network.wrappedNative)
        #expect(market.gasPriceWei == state.block.baseFeePerGas + (state.priorityFeePerGas ?? .zero))
        let prices = try Valuation.prices(of: ["WETH", "USDC"], quote: "USDC", market: market)
        let drift = try DriftReport.measure(portfolio: portfolio, market: market, prices: prices)
        let wethPrice = try #require(prices.price("WETH"))
        #expect(wethPrice > 1_000 && wethPrice < 10_000)
        #expect(abs(drift.totalValue - (2 * wethPrice + 3_000)) < 1e-6)
        #expect(drift.rows.map(\.token) == ["WETH", "USDC"])
    }
}
