import EthCore
import Execution
import Market
import Routing
import Strategy
import Testing

@Suite struct PlanBuilderTests {
    typealias F = PlanFixtures

    static let vaultVector = """
        65bd92b4
        0000000000000000000000000000000000000000000000000000000000000060
        0000000000000000000000000000000000000000000000000000000000000120
        0000000000000000000000000000000000000000000000000000000069248100
        0000000000000000000000000000000000000000000000000000000000000001
        000000000000000000000000454e27dd927d08606478d81690fc72a124fcc1c1
        0000000000000000000000006a924db34661d3a3ad449c8c5eb4427906950513
        0000000000000000000000005a42f032bf0431ff012ff6e04c221f66bebd2eef
        0000000000000000000000000000000000000000000000000de0b6b3a7640000
        00000000000000000000000000000000000000000000000000000000acda7d00
        0000000000000000000000000000000000000000000000000000000000000001
        0000000000000000000000005a42f032bf0431ff012ff6e04c221f66bebd2eef
        00000000000000000000000000000000000000000000000000000000acda7d00
        """.replacingOccurrences(of: "\n", with: "")

    func decode(_ signature: String, _ data: [UInt8]) throws -> [ABIValue] {
        try ABIFunction(signature: signature).decodeInput(data)
    }

    @Test func vaultCallMatchesTheVaultEncodingVector() throws {
        // the encoding example of docs/VAULT.md: 1 WETH → USDC on the uniswap-v2 pair, min 2900 USDC, deadline 1764000000.
        let amount = F.e(1, 18), out = UInt256(2_900_000_000)
        let route = F.route([F.leg([(F.uniWethUsdc, "WETH", "USDC", amount, out)])], slippageBps: 0)
        let plan = try PlanBuilder.build(trades: F.trades([route]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault, slippageBps: 0), deadline: 1_764_000_000)
        #expect(plan.mode == .vault)
        #expect(plan.transactions.count == 1)
        let tx = try #require(plan.transactions.first)
        #expect(Hex.encode(tx.data, prefix: false) == Self.vaultVector)
        #expect(tx.to == F.vaultAddress)
        #expect(tx.from == F.operatorAddress)
        #expect(tx.routeIndices == [0])
        #expect(plan.vaultCall?.steps.first?.quotedOut == out)
        #expect(plan.blockNumber == 1204 && plan.chainId == 31337 && plan.deadline == 1_764_000_000)
    }

    @Test func vaultStepsChainAndCarryTheBoundOnEachLegsLastHop() throws {
        // Route 0: WETH→USDC in two legs: direct (uni) and WETH→DAI (balancer)→... no: WETH→USDT→USDC is
        // not in the snapshot, so use WETH→USDC (sushi) one hop and a two-hop WETH→USDC→WBTC in route 1.
        let r0 = F.route([
            F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(2, 18), UInt256(5_900_000_000))]),
            F.leg([(F.sushiUsdcWeth, "WETH", "USDC", F.e(1, 18), UInt256(2_950_000_123))]),
        ])
        let r1 = F.route([F.leg([
            (F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_940_000_000)),
            (F.balTri, "USDC", "WBTC", UInt256(2_940_000_000), UInt256(4_800_000)),
        ])])
        let plan = try PlanBuilder.build(trades: F.trades([r0, r1]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault, slippageBps: 50), deadline: 1_764_000_600)
        let call = try #require(plan.vaultCall)
        #expect(call.steps.map(\.amountIn) == [F.e(2, 18), F.e(1, 18), F.e(1, 18), .zero])
        #expect(call.steps.map(\.minAmountOut) == [
            UInt256(5_870_500_000),            // 5_900_000_000 · 0.995
            UInt256(2_935_250_122),            // floor(2_950_000_123 · 9950 / 10000)
            .zero,                             // intermediate hop: bound carried by the leg's last hop
            UInt256(4_776_000),
        ])
        #expect(call.steps.map(\.poolKind) == [.constantProduct, .constantProduct, .constantProduct, .weighted])
        #expect(call.steps.map(\.routeIndex) == [0, 0, 1, 1])
        #expect(call.steps[3].tokenIn == F.usdc && call.steps[3].tokenOut == F.wbtc)

        // The calldata says the same thing, decoded with the vault's signature.
        let tx = try #require(plan.transactions.first)
        #expect(tx.label == "rebalance: 2 routes, 4 steps")
        let args = try decode("rebalance((address,address,address,uint256,uint256)[],(address,uint256)[],uint256)", tx.data)
        let steps = try args[0].asArray
        #expect(steps.count == 4)
        #expect(try steps[3].asTuple[0].asAddress == F.balTri)
        #expect(try steps[3].asTuple[3].asUInt256 == .zero)
        #expect(try steps[1].asTuple[4].asUInt256 == UInt256(2_935_250_122))
        #expect(try args[2].asUInt256 == UInt256(1_764_000_600))
    }

    @Test func minReceivedSumsTheRoutesMinOutPerBoughtToken() throws {
        let a = F.route([F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_999_999_999))])])
        let b = F.route([F.leg([(F.balWethDai, "WETH", "DAI", F.e(1, 18), F.e(2_990, 18))])])
        let c = F.route([F.leg([(F.sushiUsdcWeth, "WETH", "USDC", F.e(1, 18), UInt256(2_950_000_001))])])
        let plan = try PlanBuilder.build(trades: F.trades([a, b, c]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault), deadline: 1_764_000_600)
        let received = try #require(plan.vaultCall?.minReceived)
        #expect(received.map(\.symbol) == ["USDC", "DAI"])
        #expect(received[0].amount == a.minOut + c.minOut)
        #expect(received[1].amount == b.minOut)
        #expect(!received.contains { $0.token == F.weth })   // the sold token is never checked
        let args = try decode("rebalance((address,address,address,uint256,uint256)[],(address,uint256)[],uint256)",
                              plan.transactions[0].data)
        #expect(try args[1].asArray.map { try $0.asTuple[1].asUInt256 } == [a.minOut + c.minOut, b.minOut])
    }

    @Test func aTokenThatIsAlsoSoldIsNotCheckedByMinReceived() throws {
        // WETH→USDC then USDC→WBTC: USDC is bought and sold, so only WBTC gets a post-condition.
        let a = F.route([F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000))])])
        let b = F.route([F.leg([(F.uniUsdcWbtc, "USDC", "WBTC", UInt256(1_000_000_000), UInt256(1_600_000))])])
        let plan = try PlanBuilder.build(trades: F.trades([a, b]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault), deadline: 1)
        #expect(plan.vaultCall?.minReceived.map(\.symbol) == ["WBTC"])
        #expect(plan.vaultCall?.minReceived.first?.amount == b.minOut)
        // The legs keep their own bounds.
        #expect(plan.vaultCall?.steps.map(\.minAmountOut) == [PlanBuilder.lessSlippage(UInt256(2_990_000_000), bps: 50),
                                                               PlanBuilder.lessSlippage(UInt256(1_600_000), bps: 50)])
    }

    @Test func vaultModeRefusesMoreStepsThanTheVaultTakes() throws {
        let legs = (0..<33).map { _ in F.leg([(F.uniWethUsdc, "WETH", "USDC", UInt256(10), UInt256(1))]) }
        #expect(throws: PlanBuildError.tooManySteps(33, limit: 32)) {
            try PlanBuilder.build(trades: F.trades([F.route(legs)]), state: F.state(), network: F.network(),
                                  portfolio: F.portfolio(.vault), deadline: 1)
        }
        var noVault = F.portfolio(.vault)
        noVault.vault = nil
        let one = F.route([F.leg([(F.uniWethUsdc, "WETH", "USDC", UInt256(10), UInt256(1))])])
        #expect(throws: PlanBuildError.missingVault) {
            try PlanBuilder.build(trades: F.trades([one]), state: F.state(), network: F.network(), portfolio: noVault, deadline: 1)
        }
    }

    @Test func brokenLegsAreRefused() throws {
        var leg = F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(100)), (F.balTri, "USDC", "WBTC", UInt256(99), UInt256(5))])
        let route = F.route([leg])
        #expect(throws: PlanBuildError.self) {
            try PlanBuilder.build(trades: F.trades([route]), state: F.state(), network: F.network(), portfolio: F.portfolio(.vault), deadline: 1)
        }
        leg.hops = []
        #expect(throws: PlanBuildError.missingHops(route: 0, leg: 0)) {
            try PlanBuilder.build(trades: F.trades([F.route([leg])]), state: F.state(), network: F.network(),
                                  portfolio: F.portfolio(.eoa), deadline: 1)
        }
        let unknown = F.route([F.leg([(F.vaultAddress, "WETH", "USDC", F.e(1, 18), UInt256(100))])])
        #expect(throws: PlanBuildError.unknownPool(F.vaultAddress, route: 0)) {
            try PlanBuilder.build(trades: F.trades([unknown]), state: F.state(), network: F.network(), portfolio: F.portfolio(.vault), deadline: 1)
        }
    }

    // MARK: EOA mode

    @Test func eoaApprovesExactAmountsOnlyWhereTheAllowanceIsShort() throws {
        // Two WETH legs through the uniswap-v2 router need 3 WETH together; one DAI→... leg: WETH on Balancer.
        let r0 = F.route([F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(2, 18), UInt256(5_900_000_000))])])
        let r1 = F.route([F.leg([(F.uniWethUsdt, "WETH", "USDT", F.e(1, 18), UInt256(2_950_000_000))])])
        let r2 = F.route([F.leg([(F.balWethDai, "WETH", "DAI", F.e(1, 18), F.e(2_990, 18))])])
        // Enough for the Balancer vault already, 2.5 WETH (short) for the router.
        let state = try F.state(allowances: ["WETH": [F.uniRouter: F.e(25, 17), F.balancerVault: F.e(1, 18)]])
        let plan = try PlanBuilder.build(trades: F.trades([r0, r1, r2]), state: state, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.mode == .eoa)
        #expect(plan.vaultCall == nil)
        #expect(plan.transactions.map(\.label) == [
            "approve WETH → uniswap-v2 router",
            "swap 1: WETH→USDC via uniswap-v2",
            "swap 2: WETH→USDT via uniswap-v2",
            "swap 3: WETH→DAI via balancer-v2",
        ])
        let approve = plan.transactions[0]
        #expect(approve.to == F.weth)
        let args = try decode("approve(address,uint256)", approve.data)
        #expect(try args[0].asAddress == F.uniRouter)
        #expect(try args[1].asUInt256 == F.e(3, 18))   // exact: the sum of the router's WETH inputs
        #expect(approve.approval?.currentAllowance == F.e(25, 17))
        #expect(plan.transactions.allSatisfy { $0.from == F.operatorAddress })

        // With every allowance in place there is nothing to approve.
        let enough = try F.state(allowances: ["WETH": [F.uniRouter: F.e(3, 18), F.balancerVault: F.e(5, 18)]])
        let none = try PlanBuilder.build(trades: F.trades([r0, r1, r2]), state: enough, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(none.transactions.allSatisfy { $0.approval == nil })
        #expect(none.transactions.count == 3)
    }

    @Test func usdtIsResetToZeroBeforeANewApprovalButOnlyWhenNonZero() throws {
        let sellUSDT = F.route([F.leg([(F.uniWethUsdt, "USDT", "WETH", UInt256(3_000_000_000), F.e(99, 16))])])
        let sellUSDC = F.route([F.leg([(F.uniWethUsdc, "USDC", "WETH", UInt256(3_000_000_000), F.e(98, 16))])])
        // Both have a short non-zero allowance; only USDT (approvalResetRequired) needs the reset.
        let state = try F.state(allowances: ["USDT": [F.uniRouter: UInt256(5)], "USDC": [F.uniRouter: UInt256(7)]])
        let plan = try PlanBuilder.build(trades: F.trades([sellUSDT, sellUSDC]), state: state, network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == [
            "reset USDT allowance → uniswap-v2 router",
            "approve USDT → uniswap-v2 router",
            "approve USDC → uniswap-v2 router",
            "swap 1: USDT→WETH via uniswap-v2",
            "swap 2: USDC→WETH via uniswap-v2",
        ])
        let reset = try decode("approve(address,uint256)", plan.transactions[0].data)
        #expect(try reset[1].asUInt256 == .zero)
        #expect(plan.transactions[0].approval?.isReset == true)
        let approve = try decode("approve(address,uint256)", plan.transactions[1].data)
        #expect(try approve[1].asUInt256 == UInt256(3_000_000_000))

        // A zero USDT allowance needs no reset.
        let fresh = try PlanBuilder.build(trades: F.trades([sellUSDT]), state: F.state(), network: F.network(),
                                          portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(fresh.transactions.map(\.label) == ["approve USDT → uniswap-v2 router", "swap 1: USDT→WETH via uniswap-v2"])
    }

    /// WETH→USDC through two pools (uni, sushi), then the USDC sum through one pool to WBTC: the
    /// paths share the USDC→WBTC pool, so the route executes as three steps.
    static func stepRoute() -> Route {
        let steps = [
            RouteHop(pool: F.uniWethUsdc, tokenIn: "WETH", tokenOut: "USDC", amountIn: F.e(2, 18), amountOut: UInt256(5_900_000_000)),
            RouteHop(pool: F.sushiUsdcWeth, tokenIn: "WETH", tokenOut: "USDC", amountIn: F.e(1, 18), amountOut: UInt256(2_950_000_000)),
            RouteHop(pool: F.uniUsdcWbtc, tokenIn: "USDC", tokenOut: "WBTC", amountIn: UInt256(8_850_000_000),
                     amountOut: UInt256(14_000_000)),
        ]
        var r = F.route([
            F.leg([(F.uniWethUsdc, "WETH", "USDC", F.e(2, 18), UInt256(5_900_000_000)),
                   (F.uniUsdcWbtc, "USDC", "WBTC", UInt256(5_900_000_000), UInt256(9_333_333))]),
            F.leg([(F.sushiUsdcWeth, "WETH", "USDC", F.e(1, 18), UInt256(2_950_000_000)),
                   (F.uniUsdcWbtc, "USDC", "WBTC", UInt256(2_950_000_000), UInt256(4_666_667))]),
        ])
        r.steps = steps
        return r
    }

    @Test func stepRoutesExecuteStepByStepWithFixedInputs() throws {
        let route = Self.stepRoute()
        #expect(route.buy == "WBTC" && route.amountOut == UInt256(14_000_000))
        let vault = try PlanBuilder.build(trades: F.trades([route]), state: F.state(), network: F.network(),
                                          portfolio: F.portfolio(.vault, slippageBps: 50), deadline: 1_764_000_600)
        let call = try #require(vault.vaultCall)
        // Every step spends a fixed amount; the steps buying USDC must return exactly their quote,
        // because the third step spends their sum from the vault's USDC.
        #expect(call.steps.map(\.pool) == [F.uniWethUsdc, F.sushiUsdcWeth, F.uniUsdcWbtc])
        #expect(call.steps.map(\.amountIn) == [F.e(2, 18), F.e(1, 18), UInt256(8_850_000_000)])
        #expect(call.steps.map(\.minAmountOut) == [UInt256(5_900_000_000), UInt256(2_950_000_000), UInt256(13_930_000)])
        #expect(call.minReceived.map(\.amount) == [route.minOut])

        let eoa = try PlanBuilder.build(trades: F.trades([route]), state: F.state(), network: F.network(),
                                        portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        let swaps = eoa.transactions.filter { $0.swap != nil }
        #expect(swaps.map(\.label) == ["swap 1: WETH→USDC via uniswap-v2", "swap 2: WETH→USDC via sushiswap",
                                       "swap 3: USDC→WBTC via uniswap-v2"])
        #expect(swaps.map { $0.swap?.minOut } == [UInt256(5_900_000_000), UInt256(2_950_000_000), UInt256(13_930_000)])
        #expect(swaps.map { $0.swap?.amountIn } == [F.e(2, 18), F.e(1, 18), UInt256(8_850_000_000)])
        // The USDC the third swap spends is approved for the uniswap router.
        #expect(eoa.transactions.contains { $0.approval?.token == "USDC" && $0.approval?.amount == UInt256(8_850_000_000) })
    }

    @Test func routerLegsUseSwapExactTokensForTokensAlongTheWholePath() throws {
        let leg = F.leg([
            (F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000)),
            (F.uniUsdcWbtc, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
        ])
        let plan = try PlanBuilder.build(trades: F.trades([F.route([leg])]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        let swap = try #require(plan.transactions.last)
        #expect(swap.label == "swap 1: WETH→USDC→WBTC via uniswap-v2")
        #expect(swap.to == F.uniRouter)
        #expect(swap.routeIndices == [0])
        let args = try decode("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", swap.data)
        #expect(try args[0].asUInt256 == F.e(1, 18))
        #expect(try args[1].asUInt256 == UInt256(4_875_500))           // 4_900_000 less 0.5 %
        #expect(try args[2].asArray.map { try $0.asAddress } == [F.weth, F.usdc, F.wbtc])
        #expect(try args[3].asAddress == F.operatorAddress)
        #expect(try args[4].asUInt256 == UInt256(1_764_000_600))
        #expect(swap.swap?.venue == .router && swap.swap?.quotedOut == UInt256(4_900_000))
    }

    @Test func balancerLegsUseSwapOrBatchSwapThroughTheBalancerVault() throws {
        let single = F.route([F.leg([(F.balWethDai, "WETH", "DAI", F.e(1, 18), F.e(2_990, 18))])])
        let multi = F.route([F.leg([
            (F.balTri, "USDC", "WETH", UInt256(3_000_000_000), F.e(99, 16)),
            (F.balWethDai, "WETH", "DAI", F.e(99, 16), F.e(2_950, 18)),
        ])])
        let plan = try PlanBuilder.build(trades: F.trades([single, multi]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == [
            "approve WETH → balancer-v2 vault", "approve USDC → balancer-v2 vault",
            "swap 1: WETH→DAI via balancer-v2", "swap 2: USDC→WETH→DAI via balancer-v2",
        ])
        #expect(plan.transactions.allSatisfy { $0.to == F.balancerVault || $0.approval != nil })

        let s = try decode("swap((bytes32,uint8,address,address,uint256,bytes),(address,bool,address,bool),uint256,uint256)",
                           plan.transactions[2].data)
        let singleSwap = try s[0].asTuple
        #expect(try singleSwap[0].asBytes == F.balWethDaiId)
        #expect(try singleSwap[1].asUInt256 == .zero)                    // GIVEN_IN
        #expect(try singleSwap[2].asAddress == F.weth && singleSwap[3].asAddress == F.dai)
        #expect(try singleSwap[4].asUInt256 == F.e(1, 18))
        let funds = try s[1].asTuple
        #expect(try funds[0].asAddress == F.operatorAddress && funds[2].asAddress == F.operatorAddress)
        #expect(try funds[1].asBool == false && funds[3].asBool == false)
        #expect(try s[2].asUInt256 == PlanBuilder.lessSlippage(F.e(2_990, 18), bps: 50))

        let b = try decode("batchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool),int256[],uint256)",
                           plan.transactions[3].data)
        let steps = try b[1].asArray.map { try $0.asTuple }
        #expect(steps.count == 2)
        #expect(try steps[0][0].asBytes == F.balTriId && steps[1][0].asBytes == F.balWethDaiId)
        #expect(try steps.map { try $0[1].asUInt256 } == [0, 1] && steps.map { try $0[2].asUInt256 } == [1, 2])
        #expect(try steps.map { try $0[3].asUInt256 } == [UInt256(3_000_000_000), .zero])
        #expect(try b[2].asArray.map { try $0.asAddress } == [F.usdc, F.weth, F.dai])
        let limits = try b[4].asArray.map { try $0.asInt256 }
        let minOut = PlanBuilder.lessSlippage(F.e(2_950, 18), bps: 50)
        #expect(limits[0] == Int256(exactly: UInt256(3_000_000_000)))
        #expect(limits[1] == Int256(0))
        #expect(limits[2].isNegative && limits[2].magnitude == minOut)
        #expect(plan.transactions[3].swap?.outputAssetIndex == 2)
    }

    @Test func mixedLegsSplitIntoConsecutiveSwapsWithTheExactQuoteInBetween() throws {
        // WETH →(uniswap pair) USDC →(balancer) WBTC: two transactions; the first must deliver its
        // exact quote because the second spends exactly that much USDC.
        let leg = F.leg([
            (F.uniWethUsdc, "WETH", "USDC", F.e(1, 18), UInt256(2_990_000_000)),
            (F.balTri, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
        ])
        let plan = try PlanBuilder.build(trades: F.trades([F.route([leg])]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.eoa), deadline: 1_764_000_600)
        #expect(plan.transactions.map(\.label) == [
            "approve WETH → uniswap-v2 router", "approve USDC → balancer-v2 vault",
            "swap 1: WETH→USDC via uniswap-v2", "swap 2: USDC→WBTC via balancer-v2",
        ])
        let first = try decode("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", plan.transactions[2].data)
        #expect(try first[1].asUInt256 == UInt256(2_990_000_000))      // exact, not less slippage
        let second = try decode("swap((bytes32,uint8,address,address,uint256,bytes),(address,bool,address,bool),uint256,uint256)",
                                plan.transactions[3].data)
        #expect(try second[0].asTuple[4].asUInt256 == UInt256(2_990_000_000))
        #expect(try second[2].asUInt256 == UInt256(4_875_500))
        let usdcApproval = try decode("approve(address,uint256)", plan.transactions[1].data)
        #expect(try usdcApproval[1].asUInt256 == UInt256(2_990_000_000))
    }

    @Test func anEmptyTradePlanBuildsNoTransactions() throws {
        let plan = try PlanBuilder.build(trades: F.trades([]), state: F.state(), network: F.network(),
                                         portfolio: F.portfolio(.vault), deadline: 1)
        #expect(plan.transactions.isEmpty && plan.vaultCall == nil)
    }
}
