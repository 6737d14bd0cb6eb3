import EthCore
import EthRPC
import Foundation
import Market
import MarketLoading

/// Uniswap V3 exact quotes per second crossing 0, 5 and 20 initialized ticks on the devnet's
/// WETH/USDC 0.05 % pool, against QuoterV2 answering the same quote by eth_call on that devnet in
/// the same run (DEVNET_RPC_URL; the row says so when it is not set). Ours is CPU time of this
/// process, the reference the wall time of one eth_call round trip, which is what a quote costs a
/// router that asks the node instead.
enum ConcentratedLiquidityBench {
    static func rows(seconds: Double, calls: Int) -> [Row] {
        guard let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] else {
            return [Row(name: "Uniswap V3 quotes", value: "skipped", reference: "set DEVNET_RPC_URL (scripts/devnet-start)")]
        }
        do {
            let network = try NetworkConfig.load(name: "devnet")
            guard let v3 = network.uniswapV3, let entry = v3.pool("WETH", "USDC", fee: 500),
                  let weth = network.token("WETH")?.address, let usdc = network.token("USDC")?.address else {
                failures.append("V3 bench: networks/devnet.json has no Uniswap V3 WETH/USDC 500 pool")
                return []
            }
            let client = EthClient(rpc: JSONRPCClient(transport: try HTTPTransport(HTTPTransport.Configuration(url: url))))
            let block = try client.blockNumber()
            let pool = try ConcentratedLiquidityReader.read(entry, network: network, client: client, block: block, radius: 4)
            let quoter = try ABIFunction(signature: "quoteExactInputSingle((address,address,uint256,uint24,uint160))(uint256,uint160,uint32,uint256)")
            let i = pool.tokens.firstIndex(of: "WETH") ?? 0
            var rows: [Row] = []
            for target in [0, 5, 20] {
                // the smallest WETH amount (growing by 10 %) whose swap crosses `target` initialized ticks
                var amount = UInt256(1_000_000_000_000)
                var crossed = 0
                while let r = try? pool.fullSwap(zeroForOne: i == 0, .exactIn(amount)), r.ticksCrossed < target {
                    amount = amount + amount / 10
                    crossed = r.ticksCrossed
                }
                guard let exact = try? pool.fullSwap(zeroForOne: i == 0, .exactIn(amount)) else {
                    failures.append("V3 bench: no amount crosses \(target) ticks (reached \(crossed))")
                    continue
                }
                let ours = opsPerSecond(minSeconds: seconds) {
                    if let out = must(pool.amountOut(amount, from: i, to: 1 - i), "V3 quote") { fold(out) }
                }
                let data = try quoter.encodeCall([.tuple([.address(weth), .address(usdc), .uint(amount), .uint(UInt256(UInt64(entry.fee))), .uint(.zero)])])
                var onChain = UInt256.zero
                let start = Date()
                for _ in 0..<calls {
                    onChain = try quoter.decodeOutput(try client.call(to: v3.quoterV2, data: data, block: .number(block)))[0].asUInt256
                }
                let perSecond = Double(calls) / Date().timeIntervalSince(start)
                if onChain != exact.amountOut { failures.append("V3 bench: QuoterV2 says \(onChain), Swift \(exact.amountOut) for \(amount)") }
                rows.append(Row(name: "V3 exact-in quote, \(exact.ticksCrossed) ticks crossed (quotes/s)", value: count(ours),
                                reference: "QuoterV2 eth_call " + fmt(perSecond), ratio: fmt(ours / perSecond, 0) + "×"))
            }
            return rows
        } catch {
            failures.append("V3 bench: \(error)")
            return []
        }
    }
}
