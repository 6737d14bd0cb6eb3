import EthCore
import Market
import EthRPC

/// Finding a network's constant-product pairs: `factory.getPair(a, b)` for every pair of configured
/// tokens on every constant-product DEX that has a factory and no pool listed in the network file
/// (a file lists either a DEX's pairs or none of them; its weighted pools are read besides).
/// Pure planning and decoding; the loader sends the calls.
struct PairDiscovery {
    struct Query: Equatable {
        var dex: String
        var factory: Address
        var a: NetworkConfig.TokenEntry
        var b: NetworkConfig.TokenEntry
    }

    let queries: [Query]

    init(network: NetworkConfig) {
        var queries: [Query] = []
        let listed = Set((network.pools ?? []).map(\.dex))
        for dex in network.dexes where dex.kind == .constantProduct && !listed.contains(dex.name) {
            guard let factory = dex.factory else { continue }
            for i in network.tokens.indices {
                for j in network.tokens.indices where j > i {
                    queries.append(Query(dex: dex.name, factory: factory, a: network.tokens[i], b: network.tokens[j]))
                }
            }
        }
        self.queries = queries
    }

    var calls: [Multicall3.Call] {
        queries.map { q in
            Multicall3.Call(target: q.factory, allowFailure: true,
                            callData: StateCalls.calldata(StateCalls.getPair, [q.a.address.word, q.b.address.word]))
        }
    }

    /// One pool entry per existing pair (getPair answers the zero address when there is none),
    /// tokens in the pair's token0/token1 order: Uniswap V2 sorts them by address.
    func pools(from results: [Multicall3.Result], network: NetworkConfig) throws(StateLoadError) -> [NetworkConfig.PoolEntry] {
        guard results.count == queries.count else {
            throw .badReturn(subject: "Multicall3 (\(network.multicall3))", function: "aggregate3",
                             detail: "\(results.count) results for \(queries.count) getPair calls")
        }
        var pools: [NetworkConfig.PoolEntry] = []
        for (q, result) in zip(queries, results) {
            let subject = "factory of \(q.dex) (\(q.factory)) for \(q.a.symbol)/\(q.b.symbol)"
            let label = StateCalls.label(StateCalls.getPair)
            guard result.success else {
                throw .callFailed(subject: subject, function: label, reason: StateReadPlan.revertText(result.returnData))
            }
            let pair: Address
            do {
                guard let value = try StateCalls.getPair.decodeOutput(result.returnData).first else {
                    throw StateLoadError.badReturn(subject: subject, function: label, detail: "no output")
                }
                pair = try value.asAddress
            } catch let error as StateLoadError {
                throw error
            } catch {
                throw .badReturn(subject: subject, function: label, detail: "\(error)")
            }
            guard pair != .zero, !pools.contains(where: { $0.address == pair }),
                  !(network.pools ?? []).contains(where: { $0.address == pair }) else { continue }
            let ordered = Self.lessThan(q.a.address, q.b.address) ? [q.a, q.b] : [q.b, q.a]
            let fee = network.dex(named: q.dex)?.feeBps ?? 30
            pools.append(NetworkConfig.PoolEntry(dex: q.dex, kind: .constantProduct, address: pair,
                                                 tokens: ordered.map(\.symbol), feeBps: fee, poolId: nil))
        }
        return pools
    }

    static func lessThan(_ x: Address, _ y: Address) -> Bool {
        x.bytes.lexicographicallyPrecedes(y.bytes)
    }
}
