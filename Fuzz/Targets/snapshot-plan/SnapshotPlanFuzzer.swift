import EthCore
import Execution
import Foundation
import Market
import Strategy

// `rebalancer plan --state FILE` with a hand-written snapshot: whatever the snapshot validation
// accepts (any reserves, balances, weights, fees, prices) goes through valuation, drift, guards,
// the trade solver, the router and the plan builder, which must answer with a plan, a skip or a
// typed error, never a trap (overflow in pool math, a float that does not convert, an index).

private let network: NetworkConfig = {
    let json = """
        {"name": "fuzz", "chainId": 31337, "mainnet": false, "rpcUrlEnv": "DEVNET_RPC_URL", "defaultRpcUrl": "http://127.0.0.1:8545",
         "multicall3": "0xcA11bde05977b3631167028862bE2a173976CA11", "wrappedNative": "WETH",
         "tokens": [
           {"symbol": "WETH", "address": "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "decimals": 18},
           {"symbol": "USDC", "address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "decimals": 6},
           {"symbol": "WBTC", "address": "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", "decimals": 8}],
         "dexes": [
           {"name": "uniswap-v2", "kind": "constant-product", "factory": "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f",
            "router": "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D", "feeBps": 30},
           {"name": "balancer-v2", "kind": "weighted", "vault": "0xBA12222222228d8Ba445958a75a0704d566BF2C8"}],
         "gas": {"maxFeePerGas": "300000000000", "maxPriorityFeePerGas": "5000000000"},
         "confirmations": 1, "replaceAfterBlocks": 3}
        """
    do { return try NetworkConfig.decode(Data(json.utf8), file: "fuzz-network.json") } catch { fatalError("\(error)") }
}()

private let portfolios: [PortfolioConfig] = {
    let operatorAddress = try! Address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
    let vault = try! Address("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
    let targets = [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "WBTC", percent: 30),
                   TargetWeight(token: "USDC", percent: 30)]
    var policy = Policy()
    policy.driftBandPoints = 1
    policy.minTradeValue = 0
    policy.maxGasCostPercent = 100
    policy.maxTradePercentPerRun = 50
    return [
        PortfolioConfig(network: "fuzz", mode: .vault, operator: operatorAddress, vault: vault, quoteToken: "USDC",
                        targets: targets, policy: policy),
        PortfolioConfig(network: "fuzz", mode: .eoa, operator: operatorAddress, quoteToken: "WETH",
                        targets: targets, policy: Policy()),
    ]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func snapshotPlanFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeBufferPointer(start: data, count: size))
    guard let state = try? ChainState.decode(json) else { return 0 }
    let known = Set(state.tokens.map(\.symbol))
    for portfolio in portfolios where (try? portfolio.validate(knownTokens: known)) != nil {
        do {
            _ = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        } catch {
            _ = error.description
        }
    }
    return 0
}
