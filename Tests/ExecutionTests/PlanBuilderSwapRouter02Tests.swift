import EthCore
@testable import Execution
import Market
import Routing
import Strategy
import Testing

/// EOA swaps through Uniswap V3 pools: SwapRouter02 (the network file's uniswapV3 section),
/// `exactInputSingle` for one pool, `exactInput` along the packed path for several, wrapped in
/// `multicall(deadline, …)`; approvals to SwapRouter02 like Router02's.
@Suite struct PlanBuilderSwapRouter02Tests {
    typealias F = PlanFixtures

    static let swapRouter02 = F.addr("0xb2e47cAc349DB7DA3361C9B8b889011D2E906239")
    static let v3UsdcWeth500 = F.addr("0xB97c39C1F2d57Da4458623dE77a79E6f3bBa203F")
    static let v3UsdcWbtc500 = F.addr("0x3c84B3b44ba16E711159Ea398853A77a7F9cFA2B")
    static let v3UsdcUsdt100 = F.addr("0x0E5943b427fAd8250eFD67d222F71D9D1F0b95fB")

    /// The fixture snapshot plus the devnet's V3 pools (only their kind and fee matter to the builder).
    static func state(allowances: [String: [Address: UInt256]] = [:]) throws -> ChainState {
        var state = try F.state(allowances: allowances)
        func pool(_ address: Address, _ tokens: [String], fee: UInt32, spacing: Int) throws -> PoolState {
            .concentratedLiquidity(try ConcentratedLiquidityPool(
                address: address, tokens: tokens, fee: fee, tickSpacing: spacing, sqrtPriceX96: UInt256.one << 96, tick: 0,
                liquidity: UInt256(1_000_000), ticks: [], window: .words(around: 0, spacing: spacing, radius: 1), dex: "uniswap-v3"))
        }
        state.pools += [try pool(v3UsdcWeth500, ["USDC", "WETH"], fee: 500, spacing: 10),
                        try pool(v3UsdcWbtc500, ["USDC", "WBTC"], fee: 500, spacing: 10),
                        try pool(v3UsdcUsdt100, ["USDC", "USDT"], fee: 100, spacing: 1)]
        return state
    }

    func decode(_ signature: String, _ data: [UInt8]) throws -> [ABIValue] {
        try ABIFunction(signature: signature).decodeInput(data)
    }

    /// The deadline and the one call inside `multicall(deadline, [call])`.
    func unwrap(_ data: [UInt8]) throws -> (deadline: UInt256, call: [UInt8]) {
        let args = try decode("multicall(uint256,bytes[])", data)
        let calls = try args[1].asArray
        #expect(calls.count == 1)
        return (try args[0].asUInt256, try calls[0].asBytes)
    }

    @Test func oneV3HopIsExactInputSingleUnderTheDeadline() throws {
        let route = F.route([F.leg([(Self.v3UsdcWeth500, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000))])])
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: Self.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == ["approve WETH → uniswap-v3 SwapRouter02", "swap 1: WETH→USDC via uniswap-v3"])
        let approve = try decode("approve(address,uint256)", plan.transactions[0].data)
        #expect(try approve[0].asAddress == Self.swapRouter02 && approve[1].asUInt256 == F.e(1, 18))
        let swap = plan.transactions[1]
        #expect(swap.to == Self.swapRouter02)
        #expect(swap.swap?.venue == .swapRouter02 && swap.swap?.quotedOut == UInt256(2_990_000_000))
        let (deadline, call) = try unwrap(swap.data)
        #expect(deadline == UInt256(1_764_000_600))
        let params = try decode("exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))", call)[0].asTuple
        #expect(try params[0].asAddress == F.weth && params[1].asAddress == F.usdc)
        #expect(try params[2].asUInt256 == UInt256(500))
        #expect(try params[3].asAddress == F.operatorAddress)
        #expect(try params[4].asUInt256 == F.e(1, 18))
        #expect(try params[5].asUInt256 == PlanBuilder.lessSlippage(UInt256(2_990_000_000), bps: 50))
        #expect(try params[6].asUInt256 == .zero)            // no price limit: the full amount or a revert
    }

    @Test func severalV3HopsAreOneExactInputAlongThePackedPath() throws {
        let route = F.route([F.leg([
            (Self.v3UsdcWeth500, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000)),
            (Self.v3UsdcWbtc500, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
        ])])
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: Self.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == ["approve WETH → uniswap-v3 SwapRouter02", "swap 1: WETH→USDC→WBTC via uniswap-v3"])
        let (_, call) = try unwrap(plan.transactions[1].data)
        let params = try decode("exactInput((bytes,address,uint256,uint256))", call)[0].asTuple
        let fee500: [UInt8] = [0x00, 0x01, 0xF4]
        #expect(try params[0].asBytes == F.weth.bytes + fee500 + F.usdc.bytes + fee500 + F.wbtc.bytes)
        #expect(try params[1].asAddress == F.operatorAddress)
        #expect(try params[2].asUInt256 == F.e(1, 18))
        #expect(try params[3].asUInt256 == PlanBuilder.lessSlippage(UInt256(4_900_000), bps: 50))
        #expect(plan.transactions[1].swap?.pools == [Self.v3UsdcWeth500, Self.v3UsdcWbtc500])
    }

    @Test func aLegMixingAV2PairAndAV3PoolSwapsOncePerVenueWithTheExactQuoteInBetween() throws {
        let route = F.route([F.leg([
            (F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000)),
            (Self.v3UsdcWbtc500, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
        ])])
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: Self.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == [
            "approve WETH → uniswap-v2 router", "approve USDC → uniswap-v3 SwapRouter02",
            "swap 1: WETH→USDC via uniswap-v2", "swap 2: USDC→WBTC via uniswap-v3",
        ])
        let first = try decode("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", plan.transactions[2].data)
        #expect(try first[1].asUInt256 == UInt256(2_990_000_000))      // exact: the next swap spends it all
        let (_, call) = try unwrap(plan.transactions[3].data)
        let params = try decode("exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))", call)[0].asTuple
        #expect(try params[4].asUInt256 == UInt256(2_990_000_000))
        #expect(try params[5].asUInt256 == UInt256(4_875_500))
    }

    /// A route split over a V2 pair and a V3 pool whose swap crosses initialized ticks: each swap's
    /// planned gas (an unsimulated swap's gas limit is it + 50 %) is its own hops' share of the
    /// route's gas. An even split gave the devnet's EOA run a V3 swap (USDC→WBTC) a
    /// limit of 190,859 where it needed 265,380: it ran out of gas and its route missed its output.
    @Test func aV3SwapCrossingTicksPlansItsOwnGasNotTheRoutesAverage() throws {
        var state = try Self.state()
        // USDC/WETH at tick 0: a wide position and two narrow ones that WETH→USDC (price up) leaves.
        let ticks: [ConcentratedLiquidityPool.Tick] = [
            .init(index: -600, liquidityNet: Int256(1_000_000_000_000_000_000)), .init(index: -20, liquidityNet: Int256(1_000_000_000_000_000_000)),
            .init(index: -10, liquidityNet: Int256(1_000_000_000_000_000_000)), .init(index: 10, liquidityNet: Int256(-1_000_000_000_000_000_000)),
            .init(index: 20, liquidityNet: Int256(-1_000_000_000_000_000_000)), .init(index: 600, liquidityNet: Int256(-1_000_000_000_000_000_000)),
        ]
        let v3 = try ConcentratedLiquidityPool(
            address: Self.v3UsdcWeth500, tokens: ["USDC", "WETH"], fee: 500, tickSpacing: 10, sqrtPriceX96: UInt256.one << 96,
            tick: 0, liquidity: F.e(3, 18), ticks: ticks, window: .words(around: 0, spacing: 10, radius: 1), dex: "uniswap-v3")
        state.pools = state.pools.map { $0.address == Self.v3UsdcWeth500 ? .concentratedLiquidity(v3) : $0 }
        let v3In = F.e(5, 15)
        let swap = try v3.fullSwap(zeroForOne: false, .exactIn(v3In))
        #expect(swap.ticksCrossed == 2)
        let v3Gas = v3.swapGas(amountIn: v3In, from: 1, to: 0, .router)
        #expect(v3Gas == GasModel.concentratedLiquiditySwap(ticksCrossed: 2, .router))
        var route = F.route([
            F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000))]),
            F.leg([(Self.v3UsdcWeth500, "WETH", "USDC", v3In, swap.amountOut)]),
        ])
        route.gas = GasModel.hop(.constantProduct, .router) + v3Gas        // as the router prices the two legs
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: state, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        let swaps = plan.transactions.filter { $0.swap != nil }
        #expect(swaps.map(\.label) == ["swap 1: WETH→USDC via uniswap-v2", "swap 2: WETH→USDC via uniswap-v3"])
        #expect(swaps.map { $0.swap?.hopsGas } == [GasModel.hop(.constantProduct, .router), v3Gas])
        let overhead = GasModel.eoaOverhead(approvals: 0, swaps: 1)
        #expect(swaps.map { Simulator.plannedGas($0, in: plan) } == [GasModel.hop(.constantProduct, .router) + overhead, v3Gas + overhead])
    }

    @Test func usdtToSwapRouter02IsResetBeforeANewApproval() throws {
        let route = F.route([F.leg([(Self.v3UsdcUsdt100, "USDT", "USDC", UInt256(3_000_000_000), UInt256(2_999_000_000))])])
        let state = try Self.state(allowances: ["USDT": [Self.swapRouter02: UInt256(5)]])
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: state, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == [
            "reset USDT allowance → uniswap-v3 SwapRouter02", "approve USDT → uniswap-v3 SwapRouter02",
            "swap 1: USDT→USDC via uniswap-v3",
        ])
        #expect(try decode("approve(address,uint256)", plan.transactions[0].data)[1].asUInt256 == .zero)
        // Enough allowance already: no approval at all.
        let allowed = try Self.state(allowances: ["USDT": [Self.swapRouter02: UInt256(3_000_000_000)]])
        let none = try PlanBuilder.build(trades: F.trades([route]), state: allowed, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(none.transactions.map(\.label) == ["swap 1: USDT→USDC via uniswap-v3"])
    }

    @Test func aNetworkWithoutSwapRouter02NamesTheMissingSpender() throws {
        var network = try F.network()
        network.uniswapV3 = nil
        let route = F.route([F.leg([(Self.v3UsdcWeth500, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000))])])
        #expect(throws: PlanBuildError.noSpender(dex: "uniswap-v3", pool: Self.v3UsdcWeth500)) {
            try PlanBuilder.build(trades: F.trades([route]), state: Self.state(), network: network,
                                  portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        }
    }

    @Test func v3PoolsAreApprovedForAndSentToSwapRouter02() throws {
        // The router prices a step route's approvals per spender (RouteOptions.spenders).
        let spenders = PlanBuilder.spenders(state: try Self.state(), network: try F.network(), portfolio: F.portfolio(.eoa))
        #expect(spenders[Self.v3UsdcWeth500] == Self.swapRouter02 && spenders[Self.v3UsdcUsdt100] == Self.swapRouter02)
        #expect(spenders[F.uniWethUsdc] == F.uniRouter && spenders[F.balTri] == F.balancerVault)
    }
}
