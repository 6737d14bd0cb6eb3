import EthCore
import EthRPC
@testable import Market
import TestSupport
import Testing

@testable import Execution

@Suite struct SendFeeEstimatorTests {
    static let gwei = UInt256(1_000_000_000)
    static func g(_ n: UInt64) -> UInt256 { UInt256(n) * gwei }
    static let wideCaps = NetworkConfig.GasCaps(maxFeePerGas: g(1_000), maxPriorityFeePerGas: g(50))

    func history(nextBase: UInt256, rewards: [UInt256]) -> FeeHistory {
        FeeHistory(oldestBlock: 1, baseFeePerGas: Array(repeating: nextBase, count: rewards.count) + [nextBase],
                   gasUsedRatio: rewards.map { _ in 0.5 }, reward: rewards.map { [$0] })
    }

    @Test func priorityIsTheMedianOfNonEmptyBlocks() throws {
        let e = FeeEstimator(headroomBlocks: 0)
        let q = try e.estimate(history(nextBase: Self.g(10), rewards: [Self.g(1), Self.g(3), .zero, Self.g(2), .zero]),
                               caps: Self.wideCaps, network: "t")
        #expect(q.maxPriorityFeePerGas == Self.g(2))
        #expect(q.maxFeePerGas == Self.g(12))
        // Even count: mean of the middle two, rounded up.
        let even = try e.estimate(history(nextBase: Self.g(10), rewards: [UInt256(1), UInt256(2), UInt256(4), UInt256(100)].map { $0 + Self.g(1) }),
                                  caps: Self.wideCaps, network: "t")
        #expect(even.maxPriorityFeePerGas == Self.g(1) + UInt256(3))
    }

    @Test func priorityHasAFloorAndACap() throws {
        let e = FeeEstimator(minimumPriorityFee: UInt256(123))
        let empty = try e.estimate(history(nextBase: Self.g(1), rewards: [.zero, .zero]), caps: Self.wideCaps, network: "t")
        #expect(empty.maxPriorityFeePerGas == UInt256(123))
        let noRewards = try e.estimate(FeeHistory(oldestBlock: 0, baseFeePerGas: [Self.g(1)], gasUsedRatio: [], reward: []),
                                       caps: Self.wideCaps, network: "t")
        #expect(noRewards.maxPriorityFeePerGas == UInt256(123))
        let capped = try e.estimate(history(nextBase: Self.g(1), rewards: [Self.g(500)]), caps: Self.wideCaps, network: "t")
        #expect(capped.maxPriorityFeePerGas == Self.g(50))
    }

    @Test func headroomGrowsTheBaseFeeByAnEighthPerBlockRoundedUp() throws {
        let q = try FeeEstimator(headroomBlocks: 3).estimate(history(nextBase: Self.g(100), rewards: [Self.g(2)]),
                                                              caps: Self.wideCaps, network: "t")
        // 100 → 112.5 → 126.5625 → 142.3828125 gwei, exact in wei.
        #expect(q.maxFeePerGas == UInt256(142_382_812_500) + Self.g(2))
        #expect(q.nextBaseFee == Self.g(100))
        let tiny = try FeeEstimator(headroomBlocks: 1, minimumPriorityFee: .zero)
            .estimate(history(nextBase: UInt256(9), rewards: [.zero]), caps: Self.wideCaps, network: "t")
        #expect(tiny.maxFeePerGas == UInt256(11))  // 9 + ceil(9/8)
    }

    @Test func maxFeeIsClippedToTheCapWhileTheCapStillPaysTheNextBlock() throws {
        let caps = NetworkConfig.GasCaps(maxFeePerGas: Self.g(110), maxPriorityFeePerGas: Self.g(5))
        let q = try FeeEstimator().estimate(history(nextBase: Self.g(100), rewards: [Self.g(2)]), caps: caps, network: "t")
        #expect(q.maxFeePerGas == Self.g(110))
        #expect(q.maxPriorityFeePerGas == Self.g(2))
    }

    @Test func refusesWhenTheNextBlockNeedsMoreThanTheCap() {
        let caps = NetworkConfig.GasCaps(maxFeePerGas: Self.g(101), maxPriorityFeePerGas: Self.g(5))
        #expect(throws: FeeError.aboveCap(required: Self.g(102), cap: Self.g(101), nextBaseFee: Self.g(100),
                                          priorityFee: Self.g(2), network: "mainnet")) {
            try FeeEstimator().estimate(history(nextBase: Self.g(100), rewards: [Self.g(2)]), caps: caps, network: "mainnet")
        }
        let message = FeeError.aboveCap(required: Self.g(102), cap: UInt256(101_500_000_000), nextBaseFee: Self.g(100),
                                        priorityFee: Self.g(2), network: "mainnet").description
        #expect(message.contains("102 gwei") && message.contains("101.5 gwei") && message.contains("networks/mainnet.json"))
        #expect(message.contains("nothing sent"))
    }

    @Test func refusesWithoutABaseFeeAndOnOverflow() {
        #expect(throws: FeeError.noBaseFee) {
            try FeeEstimator().estimate(FeeHistory(oldestBlock: 0, baseFeePerGas: [], gasUsedRatio: [], reward: []),
                                        caps: Self.wideCaps, network: "t")
        }
        let huge = NetworkConfig.GasCaps(maxFeePerGas: .max, maxPriorityFeePerGas: .max)
        #expect(throws: FeeError.self) {
            try FeeEstimator().estimate(history(nextBase: UInt256.max - UInt256(10), rewards: [UInt256(5)]), caps: huge, network: "t")
        }
    }

    @Test func bumpIsAtLeastTenPercentOnEveryValue() {
        #expect(FeeEstimator.bumped(UInt256(8)) == UInt256(9))
        #expect(FeeEstimator.bumped(UInt256(1)) == UInt256(2))
        #expect(FeeEstimator.bumped(UInt256(80)) == UInt256(90))
        #expect(FeeEstimator.bumped(Self.g(20)) == UInt256(22_500_000_000))
        #expect(FeeEstimator.minimumReplacement(UInt256(1)) == UInt256(2))
        #expect(FeeEstimator.minimumReplacement(UInt256(100)) == UInt256(110))
        #expect(FeeEstimator.minimumReplacement(UInt256(101)) == UInt256(112))
        var x = UInt256(1)
        for step in 0..<400 {
            let b = FeeEstimator.bumped(x)
            // b * 100 >= x * 110: the node's rule (geth's 10 % price bump).
            #expect(b * UInt256(100) >= x * UInt256(110), "value \(x)")
            #expect(b >= FeeEstimator.minimumReplacement(x))
            x = x * UInt256(3) / UInt256(2) + UInt256(step % 7)
        }
    }

    @Test func replacementTakesTheHigherOfBumpAndFreshEstimate() {
        let caps = NetworkConfig.GasCaps(maxFeePerGas: Self.g(300), maxPriorityFeePerGas: Self.g(5))
        let bumpOnly = FeeEstimator.replacement(previousMaxFee: Self.g(40), previousPriorityFee: Self.g(2), fresh: nil, caps: caps)
        #expect(bumpOnly == .fees(FeeQuote(maxFeePerGas: Self.g(45), maxPriorityFeePerGas: UInt256(2_250_000_000))))
        let fresh = FeeQuote(maxFeePerGas: Self.g(90), maxPriorityFeePerGas: Self.g(1), nextBaseFee: Self.g(60))
        let withFresh = FeeEstimator.replacement(previousMaxFee: Self.g(40), previousPriorityFee: Self.g(2), fresh: fresh, caps: caps)
        #expect(withFresh == .fees(FeeQuote(maxFeePerGas: Self.g(90), maxPriorityFeePerGas: UInt256(2_250_000_000), nextBaseFee: Self.g(60))))
    }

    @Test func replacementStopsAtTheCap() {
        // +10 % still fits under the cap: clipped to the cap.
        let caps = NetworkConfig.GasCaps(maxFeePerGas: Self.g(111), maxPriorityFeePerGas: Self.g(5))
        #expect(FeeEstimator.replacement(previousMaxFee: Self.g(100), previousPriorityFee: Self.g(2), fresh: nil, caps: caps)
            == .fees(FeeQuote(maxFeePerGas: Self.g(111), maxPriorityFeePerGas: UInt256(2_250_000_000))))
        // Not even +10 % under the cap: keep waiting.
        let tight = NetworkConfig.GasCaps(maxFeePerGas: Self.g(109), maxPriorityFeePerGas: Self.g(5))
        guard case .atCap(let wanted, _, _) = FeeEstimator.replacement(previousMaxFee: Self.g(100), previousPriorityFee: Self.g(2),
                                                                       fresh: nil, caps: tight)
        else { Issue.record("expected atCap"); return }
        #expect(wanted == UInt256(112_500_000_000))
        let tightPriority = NetworkConfig.GasCaps(maxFeePerGas: Self.g(300), maxPriorityFeePerGas: Self.g(2))
        if case .fees(let q) = FeeEstimator.replacement(previousMaxFee: Self.g(100), previousPriorityFee: Self.g(2), fresh: nil,
                                                        caps: tightPriority) {
            Issue.record("a priority fee at its cap cannot be bumped, got \(q)")
        }
    }

    @Test func gweiText() {
        #expect(Gwei.format(Self.g(12)) == "12 gwei")
        #expect(Gwei.format(UInt256(6298)) == "0.000006298 gwei")
        #expect(Gwei.format(UInt256(12_500_000_000)) == "12.5 gwei")
        #expect(Gwei.format(.zero) == "0 gwei")
    }
}
