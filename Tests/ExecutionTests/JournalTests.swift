import EthCore
import Foundation
import GRDB
import Testing
@testable import Execution

@Suite struct JournalTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)/journal.sqlite").path
    }

    func sign(_ j: Journal, run: Int64, intent: String, nonce: UInt64, hash: String, replacing: Int64? = nil) throws -> Int64 {
        try j.recordSigned(runId: run, intent: intent, sender: SendFixtures.sender, nonce: nonce, hash: SendFixtures.hash(hash), raw: "0x02f8",
                           maxFeePerGas: UInt256(100), maxPriorityFeePerGas: UInt256(2), gasLimit: 100_000, replacing: replacing)
    }

    @Test func survivesReopen() throws {
        let path = tempPath()
        do {
            let j = try Journal(path: path)
            let run = try j.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 7, decision: .rebalance,
                                     reasons: [], plan: "{}", status: .sending)
            _ = try sign(j, run: run, intent: "rebalance", nonce: 3, hash: "0xAA")
        }
        let j = try Journal(path: path)
        #expect(try j.unfinishedRuns().count == 1)
        let pending = try j.pendingTransactions()
        #expect(pending.map(\.hash) == [SendFixtures.hash("0xAA")])
        #expect(try j.highestHeldNonce(sender: SendFixtures.sender)?.nonce == 3)
    }

    /// Addresses, hashes and amounts come back as the values that went in, and sit in the file as
    /// the text the journal always used: lowercase hex and decimal (readable with sqlite3).
    @Test func typedColumnsRoundTripAndStayReadableText() throws {
        let path = tempPath()
        let big = UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639935")!
        let hash = SendFixtures.hash("typed")
        do {
            let j = try Journal(path: path)
            let run = try j.beginRun(network: "devnet", portfolio: "p.json", mode: .eoa, blockNumber: 9, decision: .rebalance,
                                     reasons: ["a", "b; c"], plan: nil, status: .sending)
            let id = try j.recordSigned(runId: run, intent: "swap", sender: SendFixtures.sender, nonce: UInt64(Int64.max),
                                        hash: hash, raw: "0x02", maxFeePerGas: big, maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
            try j.markMined(id, block: 12, gasUsed: 21_000, effectiveGasPrice: big, success: true)
        }
        let j = try Journal(path: path)
        let tx = try #require(try j.transaction(hash: hash))
        #expect(tx.sender == SendFixtures.sender && tx.nonce == UInt64(Int64.max) && tx.hash == hash)
        #expect(tx.maxFeePerGas == big && tx.effectiveGasPrice == big && tx.minedBlock == 12)
        let run = try #require(try j.runs().first)
        #expect(run.mode == .eoa && run.decision == .rebalance && run.reasons == ["a", "b; c"])
        let text = try DatabaseQueue(path: path).read { db in
            try Row.fetchOne(db, sql: "SELECT sender, hash, maxFeePerGas FROM tx")
        }
        #expect(text?["sender"] as String? == SendFixtures.sender.lowercaseHex)
        #expect(text?["hash"] as String? == hash.hex)
        #expect(text?["maxFeePerGas"] as String? == big.description)
    }

    @Test func refusesASecondTransactionForTheSameIntent() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "devnet", portfolio: "p", mode: .eoa, blockNumber: 1, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let first = try sign(j, run: run, intent: "swap 1/2", nonce: 0, hash: "0x01")
        #expect(throws: JournalError.self) { try sign(j, run: run, intent: "swap 1/2", nonce: 1, hash: "0x02") }
        // A replacement of the live transaction is allowed, and mining one retires the other.
        let replacement = try sign(j, run: run, intent: "swap 1/2", nonce: 0, hash: "0x03", replacing: first)
        try j.markBroadcast(replacement)
        try j.markMined(replacement, block: 10, gasUsed: 90_000, effectiveGasPrice: UInt256(5), success: true)
        let txs = try j.transactions(runId: run)
        #expect(txs.first { $0.id == first }?.status == .replaced)
        #expect(txs.first { $0.id == replacement }?.status == .mined)
        #expect(try j.pendingTransactions().isEmpty)
        // Even after mining, the step cannot be sent again.
        #expect(throws: JournalError.self) { try sign(j, run: run, intent: "swap 1/2", nonce: 1, hash: "0x04") }
    }

    @Test func runLifecycleAndHistory() throws {
        let j = try Journal(path: ":memory:")
        let skipped = try j.beginRun(network: "devnet", portfolio: "p", mode: .vault, blockNumber: 5, decision: .skip,
                                     reasons: ["every token is inside its drift bands"], plan: nil, status: .skipped)
        let run = try j.beginRun(network: "devnet", portfolio: "p", mode: .vault, blockNumber: 6, decision: .rebalance,
                                 reasons: [], plan: "{}", status: .sending)
        try j.finishRun(run, status: .completed, outcome: #"{"gasUsed":"120000"}"#)
        let runs = try j.runs()
        #expect(runs.map(\.id) == [run, skipped])
        #expect(runs[0].status == .completed && runs[0].finishedAt != nil)
        #expect(runs[1].reasons == ["every token is inside its drift bands"])
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
