import EthCore
import EthRPC
import Market

/// Uniswap V3 pools at a pinned block, outside a state read (the bench, the exactness tests): their
/// `slot0()` ticks in one request, then the pools through `ConcentratedLiquidityReads` with `radius`
/// bitmap words either side of those ticks in a second — the state loader's members and decoding.
public enum ConcentratedLiquidityReader {
    public static func read(_ entry: UniswapV3Deployment.PoolEntry, network: NetworkConfig, client: EthClient, block: UInt64,
                            radius: Int) throws(StateLoadError) -> ConcentratedLiquidityPool {
        guard let pool = try read([entry], network: network, client: client, block: block, radius: radius).first else {
            throw .mismatch(subject: ConcentratedLiquidityReads.subject(entry), detail: "not read")
        }
        return pool
    }

    public static func read(_ entries: [UniswapV3Deployment.PoolEntry], network: NetworkConfig, client: EthClient, block: UInt64,
                            radius: Int) throws(StateLoadError) -> [ConcentratedLiquidityPool] {
        guard let tickLens = network.uniswapV3?.tickLens else {
            throw .mismatch(subject: "Uniswap V3 of networks/\(network.name).json", detail: "no tickLens to read pools through")
        }
        func aggregate(_ calls: [Multicall3.Call]) throws(StateLoadError) -> [Multicall3.Result] {
            do { return try client.aggregate3(multicall: network.multicall3, calls: calls, block: .number(block)) } catch { throw .rpc(error) }
        }
        let ticks = try ConcentratedLiquidityReads.ticks(try aggregate(ConcentratedLiquidityReads.tickCalls(entries)), of: entries, block: block)
        let reads = ConcentratedLiquidityReads(
            network: network, tickLens: tickLens,
            targets: entries.map { .init(entry: $0, aroundTick: ticks[$0.address] ?? 0, radius: radius) })
        var pools: [ConcentratedLiquidityPool] = []
        for (entry, outcome) in zip(entries, try reads.decode(try aggregate(reads.calls), block: block)) {
            // Same block, so the same tick: a window centred on it cannot miss it.
            guard case .pool(let pool) = outcome else {
                throw .mismatch(subject: ConcentratedLiquidityReads.subject(entry), detail: "slot0() answered two different ticks at block \(block)")
            }
            pools.append(pool)
        }
        return pools
    }
}
