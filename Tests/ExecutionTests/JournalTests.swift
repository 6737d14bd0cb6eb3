import Foundation
import Testing
@testable import Execution

@Suite struct JournalTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)/journal.sqlite").path
    }

    func sign(_ j: Journal, run: Int64, intent: String, nonce: UInt64, hash: String, replacing: Int64? = nil) throws -> Int64 {
        try j.recordSigned(runId: run, intent: intent, sender: "0xABCDEF", nonce: nonce, hash: hash, raw: "0x02f8",
                           maxFeePerGas: "100", maxPriorityFeePerGas: "2", gasLimit: 100_000, replacing: replacing)
    }

    @Test func survivesReopen() throws {
        let path = tempPath()
        do {
            let j = try Journal(path: path)
            let run = try j.beginRun(network: "devnet", portfolio: "p.json", mode: "vault", blockNumber: 7, decision: "rebalance",
                                     reasons: [], plan: "{}", status: .sending)
            _ = try sign(j, run: run, intent: "rebalance", nonce: 3, hash: "0xAA")
        }
        let j = try Journal(path: path)
        #expect(try j.unfinishedRuns().count == 1)
        let pending = try j.pendingTransactions()
        #expect(pending.map(\.hash) == ["0xaa"])
        #expect(try j.highestNonce(sender: "0xabcdef") == 3)
    }

    @Test func refusesASecondTransactionForTheSameIntent() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "devnet", portfolio: "p", mode: "eoa", blockNumber: 1, decision: "rebalance",
                                 reasons: [], plan: nil, status: .sending)
        let first = try sign(j, run: run, intent: "swap 1/2", nonce: 0, hash: "0x01")
        #expect(throws: JournalError.self) { try sign(j, run: run, intent: "swap 1/2", nonce: 1, hash: "0x02") }
        // A replacement of the live transaction is allowed, and mining one retires the other.
        let replacement = try sign(j, run: run, intent: "swap 1/2", nonce: 0, hash: "0x03", replacing: first)
        try j.markBroadcast(replacement)
        try j.markMined(replacement, block: 10, gasUsed: 90_000, effectiveGasPrice: "5", success: true)
        let txs = try j.transactions(runId: run)
        #expect(txs.first { $0.id == first }?.status == .replaced)
        #expect(txs.first { $0.id == replacement }?.status == .mined)
        #expect(try j.pendingTransactions().isEmpty)
        // Even after mining, the step cannot be sent again.
        #expect(throws: JournalError.self) { try sign(j, run: run, intent: "swap 1/2", nonce: 1, hash: "0x04") }
    }

    @Test func runLifecycleAndHistory() throws {
        let j = try Journal(path: ":memory:")
        let skipped = try j.beginRun(network: "devnet", portfolio: "p", mode: "vault", blockNumber: 5, decision: "skip",
                                     reasons: ["every token is inside its drift bands"], plan: nil, status: .skipped)
        let run = try j.beginRun(network: "devnet", portfolio: "p", mode: "vault", blockNumber: 6, decision: "rebalance",
                                 reasons: [], plan: "{}", status: .sending)
        try j.finishRun(run, status: .completed, outcome: #"{"gasUsed":"120000"}"#)
        let runs = try j.runs()
        #expect(runs.map(\.id) == [run, skipped])
        #expect(runs[0].status == .completed && runs[0].finishedAt != nil)
        #expect(runs[1].reasons.contains("inside its drift bands"))
        #expect(throws: JournalError.self) { try j.finishRun(999, status: .failed, outcome: nil) }
    }

    @Test func priceHistoryGroupsByBlock() throws {
        let j = try Journal(path: ":memory:")
        for (i, p) in [3000.0, 3010, 2990, 3005].enumerated() {
            try j.recordPrices(network: "devnet", blockNumber: UInt64(i), blockTimestamp: UInt64(1000 + i * 12), quote: "USDC",
                               prices: ["WETH": p, "WBTC": 60000, "USDC": 1])
        }
        let history = try j.priceHistory(network: "devnet", quote: "USDC", limit: 3)
        #expect(history.map(\.timestamp) == [1012, 1024, 1036])
        #expect(history.map { $0.prices["WETH"] } == [3010, 2990, 3005])
        #expect(history[0].prices["USDC"] == nil)
        #expect(try j.priceHistory(network: "mainnet", quote: "USDC", limit: 3).isEmpty)
    }
}
