import EthCore
@testable import Execution
import Foundation
import Market
import Testing

/// The dry run's pure parts: gas limits and costs, revert-reason reading, return-value decoding.
@Suite struct DryRunUnitTests {
    @Test func gasLimitIsTheEstimatePlusTwentyPercentRoundedUp() {
        #expect(GasBudget.limit(forEstimate: 100_000) == 120_000)
        #expect(GasBudget.limit(forEstimate: 100_001) == 120_002)      // 20000.2 rounds up
        #expect(GasBudget.limit(forEstimate: 0) == 0)
        #expect(GasBudget.limit(forEstimate: 1_107_848, marginPercent: 10) == 1_218_633)
        #expect(GasBudget.limit(forEstimate: .max) == .max)            // saturates, never traps
    }

    @Test func gasCostInNativeAndQuoteToken() {
        let c = GasCost(gas: 100_000, pricePerGas: UInt256(2_000_000_000), nativePriceInQuote: 3_000)
        #expect(c.wei == UInt256(200_000_000_000_000))
        #expect(abs(c.native - 0.0002) < 1e-15)
        #expect(abs((c.quote ?? 0) - 0.6) < 1e-12)
        #expect(GasCost(gas: 1, pricePerGas: .max, nativePriceInQuote: nil).wei == .max)   // overflow saturates
        let ctx = DryRunContext(quoteToken: "USDC", nativePriceInQuote: nil, baseFeePerGas: UInt256(290_000_000_000),
                                priorityFeePerGas: UInt256(20_000_000_000), maxFeePerGas: UInt256(300_000_000_000))
        #expect(ctx.currentGasPrice == UInt256(300_000_000_000))      // never above the cap
    }

    @Test func revertReasonsNameTheStep() {
        #expect(Simulator.stepIndex(inMinOut: "min out: step 12") == 12)
        #expect(Simulator.stepIndex(inMinOut: "min out: step 0") == 0)
        #expect(Simulator.stepIndex(inMinOut: "min out: step x") == nil)
        #expect(Simulator.stepIndex(inMinOut: "BAL#507") == nil)
        #expect(Simulator.stepIndex(inMinOut: "pool not allowed: step 2") == nil)
        #expect(Simulator.expectedProbeReason(step: 3, kind: .constantProduct) == "min out: step 3")
        #expect(Simulator.expectedProbeReason(step: 3, kind: .weighted) == "BAL#507")
    }

    func expectation(_ venue: SwapExpectation.Venue, outputIndex: Int? = nil) -> SwapExpectation {
        SwapExpectation(venue: venue, dex: "d", path: ["A", "B", "C"], pools: [], amountIn: 1, quotedOut: 2, minOut: 1,
                        routeIndex: 0, legIndex: 0, firstHop: 0, outputAssetIndex: outputIndex)
    }

    @Test func swapReturnValuesAreDecodedPerVenue() throws {
        let router = try ABIFunction(signature: "f()(uint256[])").encodeOutput([.array([.uint(10), .uint(20), .uint(33)])])
        #expect(Simulator.decodeOutput(expectation(.router), router) == UInt256(33))
        let single = try ABIFunction(signature: "f()(uint256)").encodeOutput([.uint(77)])
        #expect(Simulator.decodeOutput(expectation(.balancerSwap), single) == UInt256(77))
        let minus = Int256(bitPattern: UInt256.zero &- UInt256(55))
        let deltas = try ABIFunction(signature: "f()(int256[])").encodeOutput([.array([.int(Int256(9)), .int(Int256(0)), .int(minus)])])
        #expect(Simulator.decodeOutput(expectation(.balancerBatchSwap, outputIndex: 2), deltas) == UInt256(55))
        // A positive delta at the output index is not an output; garbage decodes to nil, not a crash.
        #expect(Simulator.decodeOutput(expectation(.balancerBatchSwap, outputIndex: 0), deltas) == nil)
        #expect(Simulator.decodeOutput(expectation(.balancerBatchSwap, outputIndex: 7), deltas) == nil)
        #expect(Simulator.decodeOutput(expectation(.router), [1, 2, 3]) == nil)
    }

    @Test func vaultCallReencodesWithOtherBoundsOnly() throws {
        let plan = try PlanBuilder.build(
            trades: PlanFixtures.trades([PlanFixtures.route([PlanFixtures.leg([
                (PlanFixtures.uniWethUsdc, "WETH", "USDC", PlanFixtures.e(1, 18), UInt256(2_990_000_000)),
                (PlanFixtures.balTri, "USDC", "WBTC", UInt256(2_990_000_000), UInt256(4_900_000)),
            ])])]),
            state: PlanFixtures.state(), network: PlanFixtures.network(), portfolio: PlanFixtures.portfolio(.vault), deadline: 9)
        let call = try #require(plan.vaultCall)
        let probe = try call.calldata(minAmountOuts: [UInt256(2_990_000_001), .zero], minReceived: [])
        let args = try ABIFunction(signature: ContractFunctions.rebalanceSignature).decodeInput(probe)
        let steps = try args[0].asArray.map { try $0.asTuple }
        #expect(try steps[0][4].asUInt256 == UInt256(2_990_000_001))
        #expect(try steps[1][4].asUInt256 == .zero)
        #expect(try steps[1][3].asUInt256 == .zero)                    // amounts unchanged: still chained
        #expect(try args[1].asArray.isEmpty)
        #expect(throws: PlanBuildError.self) { try call.calldata(minAmountOuts: [.zero], minReceived: []) }
    }

    @Test func reportEncodesAmountsAsDecimalStrings() throws {
        let cost = GasCost(gas: 10, pricePerGas: UInt256(3), nativePriceInQuote: nil)
        let summary = CostSummary(quoteToken: "USDC", atCurrentFees: cost, atFeeCap: cost, maxChargeAtFeeCap: cost)
        let data = try JSONEncoder().encode(summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let current = try #require(object["atCurrentFees"] as? [String: Any])
        #expect(current["wei"] as? String == "30")
        #expect(current["pricePerGas"] as? String == "3")
    }
}
