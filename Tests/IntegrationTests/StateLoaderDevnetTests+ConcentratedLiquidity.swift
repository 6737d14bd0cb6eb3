import EthCore
import EthRPC
import Foundation
@testable import Market
@testable import MarketLoading
import Testing

/// The Uniswap V3 pools in the state read, counted in HTTP requests: their TickLens words ride in
/// the same aggregate3 as every other member, centred on a tick known before that request.
extension StateLoaderDevnetTests {
    @Test func concentratedLiquidityWindowsCostNoRoundTripOnceTheTicksAreKnown() throws {
        let (client, counter) = try Devnet.connect()
        let network = try Devnet.network()
        let v3 = try #require(network.uniswapV3)
        #expect(v3.windowWords == UniswapV3Deployment.defaultWindowWords, "devnet.json keeps the default window")
        let number = try client.blockNumber()
        let request = StateRequest(holder: Devnet.dev0, spenders: StateRequest.spenders(of: network), block: .number(number))
        func count(_ body: () throws -> LoadedState) throws -> (LoadedState, Int) {
            let before = counter.count
            let loaded = try body()
            #expect(loaded.roundTrips == counter.count - before)
            return (loaded, counter.count - before)
        }

        // A fresh loader at a block: one batch of slot0 calls, then the state batch.
        let loader = StateLoader(client: client, network: network)
        let (first, fresh) = try count { try loader.load(request) }
        #expect(fresh == 2)
        let pools = first.state.pools.compactMap { pool -> ConcentratedLiquidityPool? in
            if case .concentratedLiquidity(let p) = pool { return p }
            return nil
        }
        #expect(pools.map(\.address) == v3.pools.map(\.address))
        #expect(Set(loader.lastTicks.keys) == Set(v3.pools.map(\.address)))
        // The ticks known: one request at a block, two from latest (the pinning batch carries slot0).
        let (again, pinned) = try count { try loader.load(request) }
        #expect(pinned == 1)
        #expect(again.state == first.state)
        let (_, latest) = try count { try loader.load(StateRequest(holder: Devnet.dev0, spenders: StateRequest.spenders(of: network))) }
        #expect(latest == 2)

        // A tick within the tolerance (one word off with ±3 words) still serves: one request, the
        // window off-centre but holding the price.
        let usdcWeth = try #require(v3.pool("USDC", "WETH", fee: 500))
        let truth = try #require(pools.first { $0.address == usdcWeth.address })
        let word = 256 * truth.tickSpacing
        loader.lastTicks[usdcWeth.address] = truth.tick + word
        let (shifted, near) = try count { try loader.load(request) }
        #expect(near == 1)
        guard case .concentratedLiquidity(let offCentre) = shifted.state.pools.first(where: { $0.address == usdcWeth.address }) else {
            Issue.record("the pool is missing")
            return
        }
        #expect(offCentre.window == ConcentratedLiquidityPool.Window.words(
            around: truth.tick + word, spacing: truth.tickSpacing, radius: v3.windowWords))
        #expect(offCentre.tick == truth.tick && offCentre.sqrtPriceX96 == truth.sqrtPriceX96)

        // The price far from where the last read saw it (as after a large move): that pool alone is
        // read again around the pinned tick, one more request, and the snapshot is the true one.
        loader.lastTicks[usdcWeth.address] = truth.tick + 5 * word
        let (recentred, far) = try count { try loader.load(request) }
        #expect(far == 2)
        #expect(recentred.state == first.state)
        #expect(loader.lastTicks[usdcWeth.address] == truth.tick)
    }

    /// Public networks list pairs and fee tiers, not pool addresses: the factory's getPool finds
    /// the devnet's pools at the addresses devnet.json lists, a tier without a pool answers zero
    /// and is left out, and the found pools read as the listed ones do.
    @Test func theFactoryFindsThePoolsOfEachPairAndFeeTier() throws {
        let (client, counter) = try Devnet.connect()
        let full = try Devnet.network()
        let v3 = try #require(full.uniswapV3)
        var discover: [UniswapV3Deployment.Discovery] = []
        for entry in v3.pools {
            if let k = discover.firstIndex(where: { $0.tokens == entry.tokens }) { discover[k].fees.append(entry.fee) } else {
                discover.append(.init(tokens: entry.tokens, fees: [entry.fee]))
            }
        }
        let missing = try #require([UInt32(100), 500, 3000, 10000].first { v3.pool("WETH", "WBTC", fee: $0) == nil })
        discover.append(.init(tokens: ["WETH", "WBTC"], fees: [missing]))
        var bare = full
        bare.uniswapV3?.pools = []
        bare.uniswapV3?.discover = discover

        let loader = StateLoader(client: client, network: bare)
        let before = counter.count
        let first = try loader.load(StateRequest(holder: Devnet.dev0))
        #expect(counter.count - before == 3, "getPool rides with the pinning request; the found pools' ticks take one more")
        #expect(first.roundTrips == 3)
        let found = loader.discoveredConcentrated
        #expect(found.count == v3.pools.count, "no pool for WETH/WBTC \(missing)")
        for entry in v3.pools {
            #expect(found.first { $0.address == entry.address } == entry, "getPool(\(entry.tokens), \(entry.fee)) is devnet.json's pool")
        }

        // The same pools, read the same way as when listed.
        let number = first.state.block.number
        let request = StateRequest(holder: Devnet.dev0, block: .number(number))
        let middle = counter.count
        let again = try loader.load(request)
        #expect(counter.count - middle == 1, "found once, ticks known: one request")
        let listed = try StateLoader(client: client, network: full).load(request)
        for pool in listed.state.pools {
            guard case .concentratedLiquidity = pool else { continue }
            #expect(again.state.pools.contains(pool))
        }
        #expect(again.state.pools.count == listed.state.pools.count)
    }
}
