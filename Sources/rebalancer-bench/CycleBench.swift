import EthCore
import EthSigning
import Execution
import Foundation
import Market
import Routing
import Strategy
import TestOracles

/// From the pinned block to the broadcast, without the node: a 10-token vault rebalance (the
/// routing bench's 200-pool market as a snapshot) is decided, routed, built into its one vault
/// call, signed and encoded, ready for eth_sendRawTransaction. What the node does in between (the
/// state read, the dry run's eth_estimateGas, the broadcast itself) is its own time and is not
/// here. The reference is the planning row alone, measured in the same run.
enum CycleBench {
    static func run(seconds: Double, targets: inout [Target]) -> [Row] {
        var rows: [Row] = []
        var rng = RoutingBench.Rng(seed: 0x5EED_0016)
        guard var (portfolio, market) = must(try? RoutingBench.tenTokenMarket(&rng), "ten-token market"),
              let (state, network) = must(snapshot(market: market, vault: portfolio.vault ?? RoutingBench.addr(2)), "bench snapshot"),
              let key = must(try? PrivateKey(bytes: SigningBench.keyBytes), "bench key") else { return rows }
        // Direct pools only keep the call within the vault's 32 steps (paths of two and three pools need 35 and 37 here).
        portfolio.policy.maxHops = 1
        var nonce: UInt64 = 0
        func pinnedToBroadcast() -> [UInt8]? {
            let result: PlanningResult
            do { result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp) } catch {
                failures.append("pipeline: \(error)")
                return nil
            }
            guard let plan = result.plan else {
                failures.append("no plan: \(result.routingError.map { "\($0)" } ?? "\(result.outcome.decision.reasons)")")
                return nil
            }
            guard let call = plan.transactions.first, let to = call.to else {
                failures.append("no vault call")
                return nil
            }
            nonce &+= 1
            let gas = plan.trades.routeGas + plan.trades.routeGas / 2 + 21_000
            let tx = DynamicFeeTransaction(chainId: state.chainId, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                           maxFeePerGas: UInt256(40_000_000_000), gasLimit: gas, to: to, value: .zero, data: call.data)
            return tx.sign(with: key).raw
        }
        guard let first = pinnedToBroadcast() else { return rows }
        fold(first)
        let total = bestSeconds(repeats: 5) { if let raw = pinnedToBroadcast() { fold(raw) } }
        let planOnly = bestSeconds(repeats: 5) {
            if let outcome = must(try? Strategist.evaluate(portfolio: portfolio, market: market, now: market.blockTimestamp), "strategy"),
               let plan = must(try? RebalancePlanner.plan(outcome: outcome, market: market, policy: portfolio.policy), "plan") {
                fold(plan.routes.count)
            }
        }
        rows.append(Row(name: "pinned block → signed vault call, 10 tokens, node time out (ms, \(first.count) B)",
                        value: String(format: "%.2f", total * 1000), reference: String(format: "planning alone %.2f ms", planOnly * 1000),
                        ratio: String(format: "%.2f×", total / planOnly)))
        targets.append(Target(name: "pinned block to broadcast, 10-token vault rebalance, node time out", measured: String(format: "%.2f ms", total * 1000),
                              goal: "< 50 ms", met: total < 50e-3))
        _ = seconds
        return rows
    }

    /// The market as the snapshot a node read would give (pools tagged with their DEX) and a local
    /// network file naming the same tokens and DEXes.
    static func snapshot(market: MarketView, vault: Address) -> (ChainState, NetworkConfig)? {
        let pools: [PoolState] = market.pools.compactMap { pool in
            if let p = pool as? ConstantProductPool {
                return (try? ConstantProductPool(address: p.address, tokens: p.tokens, reserves: p.reserves, feeBps: p.feeBps,
                                                 dex: "uniswap-v2")).map { .constantProduct($0) }
            }
            return (pool as? WeightedPool).map { .weighted($0) }
        }
        let state = ChainState(chainId: 31337, block: .init(number: market.blockNumber, timestamp: market.blockTimestamp,
                                                            baseFeePerGas: UInt256(10_000_000_000)),
                               tokens: market.tokens, balances: market.balances, pools: pools, owner: vault,
                               priorityFeePerGas: UInt256(1_000_000_000))
        let tokens = market.tokens.map { "{\"symbol\": \"\($0.symbol)\", \"address\": \"\($0.address.checksummed)\", \"decimals\": \($0.decimals)}" }
        let json = """
            {"name": "bench", "chainId": 31337, "mainnet": false, "rpcUrlEnv": "BENCH_RPC_URL", "defaultRpcUrl": "http://127.0.0.1:8545",
             "multicall3": "\(RoutingBench.addr(3).checksummed)", "wrappedNative": "WETH", "tokens": [\(tokens.joined(separator: ", "))],
             "dexes": [{"name": "uniswap-v2", "kind": "constant-product", "factory": "\(RoutingBench.addr(4).checksummed)",
                        "router": "\(RoutingBench.addr(5).checksummed)", "feeBps": 30},
                       {"name": "balancer-v2", "kind": "weighted", "vault": "\(RoutingBench.addr(6).checksummed)"}],
             "gas": {"maxFeePerGas": "300000000000", "maxPriorityFeePerGas": "5000000000"}, "confirmations": 1, "replaceAfterBlocks": 3}
            """
        do { return (state, try NetworkConfig.decode(Data(json.utf8), file: "bench network")) } catch {
            failures.append("\(error)")
            return nil
        }
    }
}
