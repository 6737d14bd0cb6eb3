import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

@testable import Execution

@Suite struct SendReconcilerTests {
    let key = SendFixtures.key8

    @Test func decisionTable() {
        typealias R = Reconciler
        // receipt wins over everything
        #expect(R.decide(hasReceipt: true, knownToNode: false, chainNonce: 0, nonce: 5) == .mined)
        #expect(R.decide(hasReceipt: true, knownToNode: true, chainNonce: 9, nonce: 5) == .mined)
        // the node still holds it
        #expect(R.decide(hasReceipt: false, knownToNode: true, chainNonce: 5, nonce: 5) == .pending)
        #expect(R.decide(hasReceipt: false, knownToNode: true, chainNonce: 9, nonce: 5) == .pending)
        // unknown, nonce still free: same bytes again
        #expect(R.decide(hasReceipt: false, knownToNode: false, chainNonce: 5, nonce: 5) == .rebroadcast)
        #expect(R.decide(hasReceipt: false, knownToNode: false, chainNonce: 3, nonce: 5) == .rebroadcast)
        // unknown, nonce spent by something else
        #expect(R.decide(hasReceipt: false, knownToNode: false, chainNonce: 6, nonce: 5) == .nonceTaken)
        // ... but only recently: a lagging node may not serve our receipt yet; wait, never drop
        #expect(R.decide(hasReceipt: false, knownToNode: false, chainNonce: 6, nonce: 5, spentLongAgo: false) == .awaitingReceipt)
    }

    func signed(nonce: UInt64, value: UInt64, maxFee: UInt64 = 100) -> SignedTransaction {
        DynamicFeeTransaction(chainId: 31337, nonce: nonce, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(maxFee),
                              gasLimit: 21_000, to: SendFixtures.account9, value: UInt256(value)).sign(with: key)
    }

    @discardableResult
    func journal(_ j: Journal, run: Int64, _ s: SignedTransaction, intent: String, replacing: Int64? = nil,
                 broadcast: Bool = true) throws -> Int64 {
        let id = try j.recordSigned(runId: run, intent: intent, sender: key.address, nonce: s.transaction.nonce,
                                    hash: s.transactionHash, raw: s.rawHex, maxFeePerGas: UInt256(100), maxPriorityFeePerGas: UInt256(1),
                                    gasLimit: 21_000, replacing: replacing)
        if broadcast { try j.markBroadcast(id) }
        return id
    }

    /// One journal, one scripted node, every row of the table at once.
    @Test func reconcilesEveryCaseAgainstAScriptedNode() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let minedTx = signed(nonce: 10, value: 1)                         // has a receipt
        let original = signed(nonce: 11, value: 2)                        // replaced; the replacement was mined
        let replacement = signed(nonce: 11, value: 2, maxFee: 113)
        let poolTx = signed(nonce: 12, value: 3)                          // still in the node's pool
        let lostTx = signed(nonce: 13, value: 4)                          // never reached the node (crash)
        try journal(j, run: run, minedTx, intent: "a")
        let originalId = try journal(j, run: run, original, intent: "b")
        try journal(j, run: run, replacement, intent: "b", replacing: originalId)
        try journal(j, run: run, poolTx, intent: "c")
        try journal(j, run: run, lostTx, intent: "d", broadcast: false)
        let run2 = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                  reasons: [], plan: nil, status: .sending)
        let takenTx = signed(nonce: 9, value: 5)                          // nonce spent by a foreign transaction
        try journal(j, run: run2, takenTx, intent: "e")

        let rebroadcast = LockedBytes()
        let sender = key.address
        let transport = ScriptedTransport { method, params in
            let hash = params.first?.stringValue ?? ""
            switch method {
            case "eth_getTransactionReceipt":
                if hash == minedTx.hashHex { return .success(SendFixtures.receipt(hash: hash, from: sender, block: 20)) }
                if hash == replacement.hashHex { return .success(SendFixtures.receipt(hash: hash, from: sender, block: 21, status: false)) }
                return .success(nil)
            case "eth_getTransactionByHash":
                if hash == poolTx.hashHex {
                    return .success(["hash": .string(hash), "from": .string(sender.checksummed), "to": .string(SendFixtures.account9.checksummed),
                                     "nonce": SendFixtures.hex(12), "value": "0x3", "input": "0x", "gas": SendFixtures.hex(21_000),
                                     "type": "0x2", "maxFeePerGas": "0x64", "maxPriorityFeePerGas": "0x1", "chainId": "0x7a69",
                                     "blockNumber": nil, "blockHash": nil])
                }
                return .success(nil)
            case "eth_blockNumber":
                return .success(SendFixtures.hex(22))
            case "eth_getTransactionCount":
                // Asked at the head read first (and droppedAfterBlocks = 3 before it), never "latest".
                guard params.count == 2, params[1] == SendFixtures.hex(22) || params[1] == SendFixtures.hex(19) else {
                    return .failure(.init(code: -32602, message: "not at the head"))
                }
                return .success(SendFixtures.hex(12))  // nonces ≤ 11 are spent
            case "eth_sendRawTransaction":
                if let raw = try? Hex.decode(hash) { rebroadcast.append(raw) }
                return .success(.string(Hex.encode(Keccak256.hash((try? Hex.decode(hash)) ?? []))))
            default:
                return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let report = try Reconciler(client: SendFixtures.client(transport), journal: j).reconcile()

        #expect(try j.transaction(hash: minedTx.transactionHash)?.status == .mined)
        #expect(try j.transaction(hash: replacement.transactionHash)?.status == .reverted)
        #expect(try j.transaction(hash: original.transactionHash)?.status == .replaced)
        #expect(try j.transaction(hash: poolTx.transactionHash)?.status == .broadcast)
        #expect(try j.transaction(hash: lostTx.transactionHash)?.status == .broadcast)
        #expect(try j.transaction(hash: takenTx.transactionHash)?.status == .dropped)
        // The lost transaction went out again as the very same bytes; nothing else was sent.
        #expect(rebroadcast.values == [lostTx.raw])
        #expect(Set(report.pending.map(\.hash)) == [poolTx.transactionHash, lostTx.transactionHash])
        #expect(Set(report.decisions.map(\.action)) == [.mined, .pending, .rebroadcast, .nonceTaken])
        // Run 2 ended (its only step was dropped): failed. Run 1 still has pending steps.
        #expect(report.finishedRuns.map(\.runId) == [run2])
        #expect(try j.run(run2)?.status == .failed)
        #expect(try j.run(run)?.status == .sending)
    }

    /// A nonce spent within the last blocks, no receipt of ours yet: a lagging node, maybe. Not
    /// dropped; handed to the confirmer, which waits `droppedAfterBlocks` before deciding.
    @Test func aNonceSpentOnlyRecentlyWaitsForTheReceipt() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let tx = signed(nonce: 9, value: 5)
        try journal(j, run: run, tx, intent: "e")
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_getTransactionReceipt", "eth_getTransactionByHash": return .success(nil)
            case "eth_blockNumber": return .success(SendFixtures.hex(22))
            case "eth_getTransactionCount":
                return .success(SendFixtures.hex(params.count == 2 && params[1] == SendFixtures.hex(22) ? 10 : 9))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let report = try Reconciler(client: SendFixtures.client(transport), journal: j, droppedAfterBlocks: 3).reconcile()
        #expect(report.decisions.map(\.action) == [.awaitingReceipt])
        #expect(report.pending.map(\.hash) == [tx.transactionHash])
        #expect(try j.transaction(hash: tx.transactionHash)?.status == .broadcast)
        #expect(try j.run(run)?.status == .sending)
    }

    /// A row journaled `dropped` (and its run `failed`) that the chain mined after all: the next
    /// reconcile marks it mined and finishes its run again, now completed.
    @Test func aDroppedRowWhoseReceiptTurnsUpIsCorrectedAndItsRunFinishedAgain() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let tx = signed(nonce: 4, value: 5)
        let id = try journal(j, run: run, tx, intent: "swap")
        try j.markStatus(id, .dropped)
        try j.finishRun(run, status: .failed, outcome: nil)
        let sender = key.address
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_getTransactionReceipt":
                return .success(params.first?.stringValue == tx.hashHex ? SendFixtures.receipt(hash: tx.transactionHash, from: sender, block: 30) : nil)
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let report = try Reconciler(client: SendFixtures.client(transport), journal: j).reconcile()
        #expect(report.decisions.map(\.action) == [.correctedToMined])
        #expect(try j.transaction(id: id)?.status == .mined)
        #expect(try j.transaction(id: id)?.minedBlock == 30)
        #expect(try j.run(run)?.status == .completed)
        // Settled: the next reconcile asks nothing.
        let again = ScriptedTransport { method, _ in .failure(.init(code: -32601, message: "unexpected \(method)")) }
        _ = try Reconciler(client: SendFixtures.client(again), journal: j).reconcile()
        #expect(again.requests.isEmpty)
    }

    @Test func finishesARunWhenItsStepsEnded() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let a = try journal(j, run: run, signed(nonce: 0, value: 1), intent: "a")
        try j.markMined(a, block: 3, gasUsed: 21_000, effectiveGasPrice: UInt256(7), success: true)
        let transport = ScriptedTransport { method, _ in .failure(.init(code: -32601, message: "unexpected \(method)")) }
        let r = Reconciler(client: SendFixtures.client(transport), journal: j)
        let report = try r.reconcile()
        #expect(report.finishedRuns.map(\.status) == [.completed])
        #expect(try j.run(run)?.outcome == "{\"mined\":1}")
        #expect(transport.requests.isEmpty)
    }
}

final class LockedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var _values: [[UInt8]] = []
    var values: [[UInt8]] { lock.withLock { _values } }
    func append(_ v: [UInt8]) { lock.withLock { _values.append(v) } }
}
