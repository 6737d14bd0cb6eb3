import EthCore
import Foundation
import Testing
@testable import Execution

/// The timing rules' memory in the journal: the last completed rebalance of one portfolio.
@Suite struct JournalTimingTests {
    @Test func lastRebalanceIsTheLatestCompletedOneWithItsBlockPrices() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)/journal.sqlite").path
        let j = try Journal(path: path)
        #expect(try j.lastRebalance(network: "devnet", portfolio: "p.json", quote: "USDC") == nil)
        try j.recordPrices(network: "devnet", blockNumber: 10, blockTimestamp: 1_764_000_000, quote: "USDC", prices: ["WETH": 3000, "USDC": 1])
        try j.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 10, decision: .rebalance, reasons: [], plan: nil,
                       status: .completed)
        try j.recordPrices(network: "devnet", blockNumber: 20, blockTimestamp: 1_764_003_600, quote: "USDC", prices: ["WETH": 3300])
        // Later runs that did not rebalance, failed, or belong to another portfolio do not count.
        try j.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 20, decision: .skip, reasons: ["x"], plan: nil,
                       status: .skipped)
        try j.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 20, decision: .rebalance, reasons: [], plan: nil,
                       status: .failed)
        try j.beginRun(network: "devnet", portfolio: "other.json", mode: .vault, blockNumber: 20, decision: .rebalance, reasons: [],
                       plan: nil, status: .completed)
        let last = try #require(try j.lastRebalance(network: "devnet", portfolio: "p.json", quote: "USDC"))
        #expect(last.time == 1_764_000_000)
        #expect(last.prices == ["WETH": 3000])
    }
}
