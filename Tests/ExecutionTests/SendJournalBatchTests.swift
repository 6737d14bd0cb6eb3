import EthCore
import Foundation
import TestSupport
import Testing

@testable import Execution

@Suite struct SendJournalBatchTests {
    func entry(_ run: Int64, _ intent: String, nonce: UInt64) -> SignedEntry {
        SignedEntry(runId: run, intent: intent, sender: SendFixtures.sender, nonce: nonce, hash: SendFixtures.hash("\(intent)\(nonce)"), raw: "0x02",
                    maxFeePerGas: UInt256(10), maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
    }

    @Test func aBatchIsJournaledWholeOrNotAtAll() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "t", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance, reasons: [],
                                 plan: nil, status: .sending)
        let ids = try j.recordSignedBatch([entry(run, "a", nonce: 0), entry(run, "b", nonce: 1)])
        #expect(ids.count == 2)
        #expect(try j.transactions(runId: run).map(\.status) == [.signed, .signed])
        #expect(try j.transactions(runId: run).map(\.sender) == [SendFixtures.sender, SendFixtures.sender])
        // "c" is new but "a" is live: nothing of this batch may land.
        #expect(throws: JournalError.self) { try j.recordSignedBatch([entry(run, "c", nonce: 2), entry(run, "a", nonce: 3)]) }
        #expect(try j.transactions(runId: run).map(\.intent) == ["a", "b"])
        // Once "a" is known dropped, its intent may be signed again.
        try j.markStatus(ids[0], .dropped)
        var again = entry(run, "a", nonce: 0)
        again.hash = SendFixtures.hash("a0 bumped")
        #expect(try j.recordSignedBatch([again]).count == 1)
        #expect(try j.highestHeldNonce(sender: SendFixtures.sender)?.nonce == 1)
    }
}
