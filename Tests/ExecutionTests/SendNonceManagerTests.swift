import EthCore
import EthRPC
import Foundation
import TestSupport
import Testing

@testable import Execution

@Suite struct SendNonceManagerTests {
    let sender = SendFixtures.key8.address

    func journal() throws -> (Journal, Int64) {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        return (j, run)
    }

    @discardableResult
    func record(_ j: Journal, run: Int64, intent: String, nonce: UInt64, status: TransactionStatus) throws -> Int64 {
        let id = try j.recordSigned(runId: run, intent: intent, sender: sender, nonce: nonce,
                                    hash: SendFixtures.hash("\(intent) \(nonce)"),
                                    raw: "0x02", maxFeePerGas: UInt256(10), maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
        switch status {
        case .signed: break
        case .mined, .reverted:
            try j.markMined(id, block: 5, gasUsed: 21_000, effectiveGasPrice: UInt256(7), success: status == .mined)
        default: try j.markStatus(id, status)
        }
        return id
    }

    func next(_ j: Journal, chain: UInt64) throws -> UInt64 {
        try NonceManager.nextNonce(sender: sender, chainPending: chain, held: try j.highestHeldNonce(sender: sender))
    }

    @Test func emptyJournalFollowsTheChain() throws {
        let (j, _) = try journal()
        #expect(try next(j, chain: 0) == 0)
        #expect(try next(j, chain: 42) == 42)
    }

    @Test func aJournaledButUnbroadcastTransactionKeepsItsNonce() throws {
        let (j, run) = try journal()
        try record(j, run: run, intent: "approve", nonce: 7, status: .signed)
        // The node never saw nonce 7 (crash before broadcast): the new intent must not take it.
        #expect(try next(j, chain: 7) == 8)
        try record(j, run: run, intent: "swap", nonce: 8, status: .broadcast)
        #expect(try next(j, chain: 7) == 9)
        #expect(try next(j, chain: 9) == 9)
    }

    @Test func theChainWinsWhenItIsAhead() throws {
        let (j, run) = try journal()
        try record(j, run: run, intent: "a", nonce: 3, status: .mined)
        // Another wallet using the same key sent two more.
        #expect(try next(j, chain: 6) == 6)
        #expect(try next(j, chain: 4) == 4)
    }

    @Test func aMinedJournalEntryTheNodeDoesNotCountIsRefused() throws {
        let (j, run) = try journal()
        try record(j, run: run, intent: "a", nonce: 3, status: .reverted)
        #expect(throws: SendError.self) { try next(j, chain: 3) }
    }

    @Test func droppedTransactionsReleaseTheirNonceOnlyToTheChainCount() throws {
        let (j, run) = try journal()
        try record(j, run: run, intent: "a", nonce: 2, status: .mined)
        try record(j, run: run, intent: "b", nonce: 3, status: .dropped)
        // Nonce 3 is known dropped and the chain is at 3: it may carry a new intent.
        #expect(try next(j, chain: 3) == 3)
        // A replaced transaction still holds its nonce (its replacement may be pending).
        try record(j, run: run, intent: "c", nonce: 4, status: .replaced)
        #expect(try next(j, chain: 3) == 5)
    }

    @Test func otherSendersDoNotCount() throws {
        let (j, run) = try journal()
        _ = try j.recordSigned(runId: run, intent: "x", sender: SendFixtures.account9, nonce: 50,
                               hash: SendFixtures.hash("x"), raw: "0x02", maxFeePerGas: UInt256(1), maxPriorityFeePerGas: UInt256(1), gasLimit: 1)
        #expect(try next(j, chain: 1) == 1)
    }

    @Test func reserveGivesConsecutiveNoncesFromTheNode() throws {
        let (j, run) = try journal()
        try record(j, run: run, intent: "a", nonce: 10, status: .broadcast)
        let transport = ScriptedTransport { method, params in
            guard method == "eth_getTransactionCount", params.count == 2, params[1] == "pending" else {
                return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
            return .success(SendFixtures.hex(9))
        }
        let nonces = try NonceManager(client: SendFixtures.client(transport), journal: j).reserve(3, for: sender)
        #expect(nonces == [11, 12, 13])
    }
}
