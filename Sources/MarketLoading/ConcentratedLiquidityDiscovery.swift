import EthCore
import EthRPC
import Market

/// Finding a network's Uniswap V3 pools: `factory.getPool(a, b, fee)` for each pair and fee tier the
/// network file's `uniswapV3.discover` lists (a pool listed by address is not asked for again).
/// Pure planning and decoding; the loader sends the calls with its first request and keeps the answer.
struct ConcentratedLiquidityDiscovery {
    struct Query: Equatable {
        var a: NetworkConfig.TokenEntry
        var b: NetworkConfig.TokenEntry
        var fee: UInt32
    }

    let factory: Address
    let queries: [Query]

    init(network: NetworkConfig) {
        guard let v3 = network.uniswapV3, v3.tickLens != nil else {
            factory = .zero
            queries = []
            return
        }
        factory = v3.factory
        var queries: [Query] = []
        for pair in v3.discover {
            guard let a = network.token(pair.tokens[0]), let b = network.token(pair.tokens[1]) else { continue }
            for fee in pair.fees where v3.pool(a.symbol, b.symbol, fee: fee) == nil {
                queries.append(Query(a: a, b: b, fee: fee))
            }
        }
        self.queries = queries
    }

    var calls: [Multicall3.Call] {
        queries.map { q in
            Multicall3.Call(target: factory, allowFailure: true,
                            callData: StateCalls.calldata(StateCalls.getPool, [q.a.address.word, q.b.address.word, UInt256(UInt64(q.fee)).bigEndianBytes]))
        }
    }

    /// One entry per existing pool (getPool answers the zero address when there is none), tokens in
    /// token0/token1 order: the factory sorts them by address. The state read checks both, and the
    /// fee and spacing, against the pool itself.
    func pools(from results: [Multicall3.Result], network: NetworkConfig) throws(StateLoadError) -> [UniswapV3Deployment.PoolEntry] {
        guard results.count == queries.count else {
            throw .badReturn(subject: "Multicall3 (\(network.multicall3))", function: "aggregate3",
                             detail: "\(results.count) results for \(queries.count) getPool calls")
        }
        let listed = network.uniswapV3?.pools ?? []
        var pools: [UniswapV3Deployment.PoolEntry] = []
        for (q, result) in zip(queries, results) {
            let subject = "Uniswap V3 factory (\(factory)) for \(q.a.symbol)/\(q.b.symbol) \(q.fee)"
            guard let value = try ConcentratedLiquidityReads.values(result, function: StateCalls.getPool, subject: subject, block: nil).first
            else { throw .badReturn(subject: subject, function: StateCalls.label(StateCalls.getPool), detail: "no output") }
            let pool: Address
            do { pool = try value.asAddress } catch {
                throw .badReturn(subject: subject, function: StateCalls.label(StateCalls.getPool), detail: error.description)
            }
            guard pool != .zero, !pools.contains(where: { $0.address == pool }), !listed.contains(where: { $0.address == pool }),
                  let spacing = UniswapV3Deployment.tickSpacingByFee[q.fee] else { continue }
            let ordered = PairDiscovery.lessThan(q.a.address, q.b.address) ? [q.a, q.b] : [q.b, q.a]
            pools.append(.init(address: pool, tokens: ordered.map(\.symbol), fee: q.fee, tickSpacing: spacing))
        }
        return pools
    }
}
