import EthCore
import Foundation
import Market
import Testing
@testable import Routing

/// V3 pools beside V2 pools in the router: a V3 hop costs its base gas plus every initialized tick
/// that exact swap crosses, so a cheap-fee V3 pool wins small trades and loses share as trades grow.
@Suite struct ConcentratedLiquidityRoutingTests {
    /// WETH (token0) / USDC (token1) at ~3000 USDC, 0.05 %, with initialized ticks `first`, then
    /// every `every` ticks below the price (each removing `net` liquidity when crossed downwards):
    /// selling WETH crosses the first after ~`first` / 5 WETH, then one every ~`every` / 5 WETH.
    static func v3(_ n: Int, tokens: [String] = ["WETH", "USDC"], tick: Int = -196_250, liquidity: String = "219000000000000000",
                   fee: UInt32 = 500, first: Int = 10, every: Int = 20, net: Int = 1_000_000_000_000_000) throws -> ConcentratedLiquidityPool {
        let window = ConcentratedLiquidityPool.Window.words(around: tick, spacing: 10, radius: 3)
        let ticks = every == 0 ? [] : (0..<(6_000 / every)).map { k in
            ConcentratedLiquidityPool.Tick(index: tick - first - every * k, liquidityNet: Int256(net))
        }.filter { $0.index >= window.lowerTick }.reversed()
        let price = (TickMath.sqrtRatio(atTick: tick) ?? .zero) + UInt256(1_000_000)
        return try ConcentratedLiquidityPool(address: poolAddress(n), tokens: tokens, fee: fee, tickSpacing: 10, sqrtPriceX96: price,
                                         tick: tick, liquidity: UInt256(parsing: liquidity) ?? .zero, ticks: Array(ticks), window: window,
                                         dex: "uniswap-v3")
    }

    /// 30 gwei, 1 wei of ETH worth 3000e6 / 1e18 raw USDC.
    static let paid = RouteOptions(gasPriceWei: 30_000_000_000, outputPerNativeWei: 3_000e6 / 1e18)

    /// What a route's swaps cost as the pools price them at their exact amounts.
    static func exactGas(_ route: Route, _ pools: [any Pool], options: RouteOptions) -> UInt64 {
        let byAddress = Dictionary(uniqueKeysWithValues: pools.map { ($0.address, $0) })
        let overhead = route.steps == nil ? options.legOverheadGas * UInt64(route.legs.count) : options.stepOverheadGas * UInt64(route.swaps.count)
        var state = byAddress
        return route.swaps.reduce(overhead) { sum, hop in
            guard let pool = state[hop.pool], let i = pool.index(of: hop.tokenIn), let j = pool.index(of: hop.tokenOut) else { return .max }
            let gas = pool.swapGas(amountIn: hop.amountIn, from: i, to: j, options.gasTable)
            if route.steps != nil { state[hop.pool] = pool.applyingSwapErased(amountIn: hop.amountIn, amountOut: hop.amountOut, from: i, to: j) }
            return sum + gas
        }
    }

    @Test func aV3SwapPaysForEveryInitializedTickItCrosses() throws {
        let pool = try Self.v3(1)
        let small = try pool.swap(zeroForOne: true, .exactIn(raw(0.5)))
        let large = try pool.swap(zeroForOne: true, .exactIn(raw(100)))
        #expect(small.ticksCrossed == 0)
        #expect(large.ticksCrossed >= 10)
        // The vault's step and SwapRouter02's swap each by their own figures.
        #expect(pool.swapGas(amountIn: raw(0.5), from: 0, to: 1, .vault) == GasModel.vaultConcentratedLiquidityHop)
        #expect(pool.swapGas(amountIn: raw(100), from: 0, to: 1, .vault)
                == GasModel.vaultConcentratedLiquidityHop + UInt64(large.ticksCrossed) * GasModel.vaultTickCrossed)
        #expect(pool.swapGas(amountIn: raw(0.5), from: 0, to: 1, .router) == GasModel.concentratedLiquidityHop)
        #expect(pool.swapGas(amountIn: raw(100), from: 0, to: 1, .router)
                == GasModel.concentratedLiquidityHop + UInt64(large.ticksCrossed) * GasModel.tickCrossed)
        for table in [GasTable.vault, .router] {
            // The float view for the search counts the same crossings (away from a tick's very price).
            for amount in [0.5, 7.3, 33.0, 100.0] {
                let exact = try pool.swap(zeroForOne: true, .exactIn(raw(amount))).ticksCrossed
                #expect(pool.approximateSwapGas(amount * 1e18, from: 0, to: 1, table)
                        == GasModel.concentratedLiquiditySwap(ticksCrossed: exact, table))
            }
            // Buying WETH moves the price up, where no tick is initialized.
            #expect(pool.swapGas(amountIn: raw(30_000, decimals: 6), from: 1, to: 0, table) == pool.swapGas(table))
        }
    }

    @Test func aVaultRoutesV3HopsCostTheVaultsFiguresAndAnEOARoutesTheRouters() throws {
        // A leg route through the V3 pool alone, and routes over it beside V2 pairs (legs or the
        // flow's steps), each priced by the options' table.
        let pool = try Self.v3(1)
        let crossed = try pool.swap(zeroForOne: true, .exactIn(raw(100))).ticksCrossed
        #expect(crossed >= 10)
        var eoa = Self.paid
        eoa.gasTable = .router
        let vault = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(100), pools: [pool], options: Self.paid)
        let router = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(100), pools: [pool], options: eoa)
        #expect(vault.gas == GasModel.vaultConcentratedLiquidityHop + UInt64(crossed) * GasModel.vaultTickCrossed + GasModel.legOverhead)
        #expect(router.gas == GasModel.concentratedLiquidityHop + UInt64(crossed) * GasModel.tickCrossed + GasModel.legOverhead)
        let pools: [any Pool] = [
            pool,
            try cp(2, "WETH", "DAI", raw(2_000), raw(6_000_000)),
            try cp(3, "DAI", "USDC", raw(3_000_000), raw(3_000_000, decimals: 6), feeBps: 5),
            try cp(4, "WETH", "USDC", raw(2_000), raw(6_000_000, decimals: 6)),
        ]
        for amount in [5.0, 60, 250] {
            var gas: [UInt64] = []
            for options in [Self.paid, eoa] {
                let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(amount), pools: pools, options: options)
                #expect(route.swaps.contains { $0.pool == pool.address })
                #expect(route.gas == Self.exactGas(route, pools, options: options), "\(amount) WETH, \(options.gasTable)")
                gas.append(route.gas)
            }
            #expect(gas[0] != gas[1], "\(amount) WETH: \(gas)")
        }
    }

    /// The share of `route`'s input that goes through `pool`.
    static func share(_ route: Route, _ pool: Address) -> Double {
        route.legs.filter { $0.pools == [pool] }.reduce(UInt256.zero) { $0 + $1.amountIn }.doubleValue / route.amountIn.doubleValue
    }

    @Test func theSplitMovesToV2AsTheV3PoolCrossesMoreTicks() throws {
        // The first tick 1 % below the price (~20 WETH), then one every 10 (~2 WETH) with almost
        // no liquidity on them: the same curve as its twin without ticks, but every crossing costs
        // 23,900 gas in the vault (at 300 gwei ~0.4 % of what the V3 pool takes past its first tick): the pool
        // takes less than its twin, and less of a larger trade.
        let ticky = try Self.v3(1, first: 100, every: 10, net: 10_000_000_000_000)
        let twin = try Self.v3(1, every: 0)
        let v2 = try cp(2, "WETH", "USDC", raw(10_000), raw(30_000_000, decimals: 6))
        let dear = RouteOptions(gasPriceWei: 300_000_000_000, outputPerNativeWei: 3_000e6 / 1e18)
        var shares: [Double] = [], twinShares: [Double] = []
        for amount in [10.0, 60, 250] {
            let pools: [any Pool] = [ticky, v2]
            let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(amount), pools: pools, options: dear)
            shares.append(Self.share(route, ticky.address))
            twinShares.append(Self.share(try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(amount), pools: [twin, v2], options: dear),
                                         twin.address))
            #expect(route.gas == Self.exactGas(route, pools, options: dear), "\(amount) WETH: \(route.gas)")
            // Never below the best single path net of its exact gas.
            for pool in pools {
                guard let out = pool.amountOut(raw(amount), from: 0, to: 1) else { continue }
                let gas = dear.gasValue(pool.swapGas(amountIn: raw(amount), from: 0, to: 1, dear.gasTable))
                #expect(route.amountOut.doubleValue - dear.gasValue(route.gas) >= out.doubleValue - gas - 1)
            }
        }
        #expect(shares[0] == 1 && twinShares[0] == 1, "small trades go to the cheap-fee V3 pool alone: \(shares)")
        #expect(shares[1] < shares[0] && shares[2] < shares[1], "the V3 share falls as its crossings grow: \(shares)")
        #expect(shares[1] < twinShares[1] && shares[2] < twinShares[2], "ticks crossed cost: \(shares) against \(twinShares)")
        // Free gas: ticks cost nothing, and the pool takes what its twin takes.
        let free = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(250), pools: [ticky, v2], options: RouteOptions())
        #expect(abs(Self.share(free, ticky.address) - twinShares[2]) < 0.05, "\(Self.share(free, ticky.address)) against \(twinShares)")
    }

    @Test func multiHopPathsMixV2AndV3Hops() throws {
        // WETH→DAI only on V2, DAI→USDC best on a 0.01 % V3 pool: the route is a mixed two-hop path.
        let daiUsdc = try Self.v3(3, tokens: ["DAI", "USDC"], tick: -276_320, liquidity: "20000000000000000000", fee: 100)
        let pools: [any Pool] = [
            try cp(1, "WETH", "DAI", raw(5_000), raw(15_000_000)),
            try cp(2, "DAI", "USDC", raw(200_000), raw(200_000, decimals: 6)),
            daiUsdc,
        ]
        let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(1), pools: pools, options: Self.paid)
        #expect(route.legs.count == 1)
        #expect(route.legs[0].pools == [poolAddress(1), poolAddress(3)])
        #expect(route.gas == GasModel.pairHop + GasModel.vaultConcentratedLiquidityHop + GasModel.legOverhead)
        #expect(route.gas == Self.exactGas(route, pools, options: Self.paid))
        let hop = route.legs[0].hops[1]
        #expect(daiUsdc.amountOut(hop.amountIn, from: 0, to: 1) == hop.amountOut)
    }

    @Test func stepRoutesPriceEachV3StepAtItsOwnAmount() throws {
        // Two paths share the V3 pool WETH/USDC: the flow's steps must price the V3 step's crossings.
        let pools: [any Pool] = [
            try Self.v3(1),
            try cp(2, "WETH", "DAI", raw(2_000), raw(6_000_000)),
            try cp(3, "DAI", "USDC", raw(3_000_000), raw(3_000_000, decimals: 6), feeBps: 5),
            try cp(4, "WETH", "USDC", raw(2_000), raw(6_000_000, decimals: 6)),
        ]
        for amount in [5.0, 60, 250] {
            let route = try Router.route(sell: "WETH", buy: "USDC", amountIn: raw(amount), pools: pools, options: Self.paid)
            #expect(route.gas == Self.exactGas(route, pools, options: Self.paid), "\(amount) WETH")
            if route.steps != nil { #expect(replaySteps(route, pools) == route.amountOut) }
        }
    }

    @Test func theFloatViewAnswersTheSearchInOnePass() throws {
        let pool = try Self.v3(1, first: 100, every: 10, net: 10_000_000_000_000)
        for (i, j) in [(0, 1), (1, 0)] {
            // The input at a marginal rate lands where the walk's marginal rate is that rate.
            let spot = pool.marginalRate(at: 0, from: i, to: j)
            for fall in [0.999, 0.99, 0.95] {
                let x = try #require(pool.input(atMarginal: spot * fall, from: i, to: j))
                #expect(x > 0)
                #expect(abs(pool.marginalRate(at: x, from: i, to: j) / (spot * fall) - 1) < 1e-9, "\(i)→\(j) at \(fall)")
            }
            #expect(pool.input(atMarginal: spot * 1.01, from: i, to: j) == 0)
            // The float bound on the input is accepted exactly and sits just under the exact edge.
            let max = pool.maxAmountIn(from: i, to: j)
            #expect(pool.amountOut(max, from: i, to: j) != nil)
            let edge = try pool.swap(zeroForOne: i == 0, .exactIn((UInt256.one << 200)),
                                     sqrtPriceLimitX96: TickMath.sqrtRatio(atTick: i == 0 ? pool.window.lowerTick : pool.window.upperTick))
            #expect(max <= edge.amountIn && (edge.amountIn - max).doubleValue <= edge.amountIn.doubleValue * 1e-9)
        }
        // The float walk's cached tick prices follow the tick list when it changes.
        var bare = pool
        bare.ticks = []
        let tickless = try Self.v3(1, every: 0)
        #expect(bare.approximateOut(1e20, from: 0, to: 1) == tickless.approximateOut(1e20, from: 0, to: 1))
        #expect(bare.approximateOut(1e20, from: 0, to: 1) != pool.approximateOut(1e20, from: 0, to: 1))
    }
}
