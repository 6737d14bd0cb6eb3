import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

@testable import Execution

/// The confirmer's paths the devnet cannot produce on demand, against a scripted node.
@Suite struct SendConfirmerTests {
    let key = SendFixtures.key8

    func journalOne(nonce: UInt64) throws -> (Journal, Int64, SignedTransaction, Int64) {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let s = DynamicFeeTransaction(chainId: 31337, nonce: nonce, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(100),
                                      gasLimit: 21_000, to: SendFixtures.account9, value: UInt256(5)).sign(with: key)
        let id = try j.recordSigned(runId: run, intent: "pay", sender: key.address, nonce: nonce, hash: s.transactionHash,
                                    raw: s.rawHex, maxFeePerGas: UInt256(100), maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
        try j.markBroadcast(id)
        return (j, run, s, id)
    }

    func confirmer(_ t: ScriptedTransport, _ j: Journal, confirmations: Int, events: LockedEvents) -> Confirmer {
        Confirmer(client: SendFixtures.client(t), journal: j, network: SendFixtures.network(), key: nil,
                  policy: ConfirmationPolicy(confirmations: confirmations, replaceAfterBlocks: 100, pollIntervalSeconds: 0,
                                             timeoutSeconds: 10),
                  progress: { events.append($0) }, sleep: { _ in })
    }

    /// The nonce is spent and no receipt of ours turns up for `droppedAfterBlocks` (3) blocks: dropped.
    @Test func aNonceSpentByAForeignTransactionIsDroppedBlocksLater() throws {
        let (j, _, s, id) = try journalOne(nonce: 4)
        let events = LockedEvents()
        let polls = LockedCounter()
        let t = ScriptedTransport { method, params in
            switch method {
            case "eth_blockNumber": return .success(SendFixtures.hex(9 + UInt64(polls.increment())))
            case "eth_getTransactionReceipt": return .success(nil)
            case "eth_getTransactionCount":
                guard params.count == 2, params[1] == SendFixtures.hex(9 + UInt64(polls.value)) else {
                    return .failure(.init(code: -32602, message: "not at head"))
                }
                return .success(SendFixtures.hex(5))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let outcomes = try confirmer(t, j, confirmations: 1, events: events).confirm(records: [try #require(try j.transaction(id: id))])
        #expect(outcomes.map(\.status) == [.dropped])
        #expect(outcomes.first?.hash == s.transactionHash)
        #expect(polls.value == 4)  // first seen spent at head 10, dropped at head 13
        #expect(try j.transaction(id: id)?.status == .dropped)
        #expect(events.values.contains { if case .dropped = $0 { return true } else { return false } })
    }

    /// A lagging node: the nonce is already spent, the receipt comes two blocks later. Mined, never dropped.
    @Test func aReceiptThatLagsTheNonceIsStillMined() throws {
        let (j, _, s, id) = try journalOne(nonce: 4)
        let events = LockedEvents()
        let polls = LockedCounter()
        let sender = key.address
        let t = ScriptedTransport { method, _ in
            switch method {
            case "eth_blockNumber": return .success(SendFixtures.hex(9 + UInt64(polls.increment())))
            case "eth_getTransactionReceipt":
                return .success(polls.value >= 3 ? SendFixtures.receipt(hash: s.transactionHash, from: sender, block: 10) : nil)
            case "eth_getTransactionCount": return .success(SendFixtures.hex(5))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let outcomes = try confirmer(t, j, confirmations: 1, events: events).confirm(records: [try #require(try j.transaction(id: id))])
        #expect(outcomes.map(\.status) == [.mined])
        #expect(try j.transaction(id: id)?.status == .mined)
        #expect(!events.values.contains { if case .dropped = $0 { return true } else { return false } })
        // While it waits, each poll says what the waiting transaction pays; once none waits, nothing.
        let polled = events.values.compactMap { event -> FeeQuote?? in
            if case .polled(_, _, _, let fees) = event { return fees } else { return nil }
        }
        #expect(polled.count == 3)
        #expect(polled.dropLast().allSatisfy { $0 == FeeQuote(maxFeePerGas: 100, maxPriorityFeePerGas: 1) })
        #expect(polled.last == .some(nil))
        let line = ConfirmerEvent.polled(block: 11, confirmed: 0, total: 1, fees: FeeQuote(maxFeePerGas: 30_000_000_000, maxPriorityFeePerGas: 1_500_000_000))
        #expect(line.description == "block 11: 0/1 confirmed, paying up to 30 gwei (tip 1.5 gwei)")
    }

    @Test func waitsForConfirmationsAndSurvivesAReorg() throws {
        let (j, _, s, id) = try journalOne(nonce: 0)
        let events = LockedEvents()
        let polls = LockedCounter()
        let sender = key.address
        // poll 1: mined in block 10 (head 10); poll 2: reorged away (head 11); poll 3+: mined in 11, head grows.
        let t = ScriptedTransport { method, params in
            switch method {
            case "eth_blockNumber": return .success(SendFixtures.hex(9 + UInt64(polls.increment())))
            case "eth_getTransactionReceipt":
                switch polls.value {
                case 1: return .success(SendFixtures.receipt(hash: s.transactionHash, from: sender, block: 10))
                case 2: return .success(nil)
                default:
                    var r = SendFixtures.receipt(hash: s.transactionHash, from: sender, block: 11)
                    if case .object(var o) = r { o["blockHash"] = .string("0x" + String(repeating: "cd", count: 32)); r = .object(o) }
                    return .success(r)
                }
            case "eth_getTransactionCount": return .success(SendFixtures.hex(0))
            default: return .failure(.init(code: -32601, message: "unexpected \(method) \(params)"))
            }
        }
        let outcomes = try confirmer(t, j, confirmations: 3, events: events).confirm(records: [try #require(try j.transaction(id: id))])
        #expect(outcomes.map(\.status) == [.mined])
        #expect(outcomes.first?.blockNumber == 11)
        #expect(polls.value == 4)  // mined in 11, three confirmations at head 13 (poll 4)
        #expect(events.values.contains { if case .reorged = $0 { return true } else { return false } })
        #expect(try j.transaction(id: id)?.status == .mined)
        #expect(try j.transaction(id: id)?.minedBlock == 11)
    }
}

extension SendConfirmerTests {
    @Test func aNodeHiccupDoesNotStopTheWaiting() throws {
        let (j, _, s, id) = try journalOne(nonce: 0)
        let events = LockedEvents()
        let calls = LockedCounter()
        let sender = key.address
        let t = ScriptedTransport { method, _ in
            switch method {
            case "eth_blockNumber":
                if calls.increment() == 1 { return .failure(.init(code: -32005, message: "limit exceeded")) }
                return .success(SendFixtures.hex(10))
            case "eth_getTransactionReceipt": return .success(SendFixtures.receipt(hash: s.transactionHash, from: sender, block: 10))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let outcomes = try confirmer(t, j, confirmations: 1, events: events).confirm(records: [try #require(try j.transaction(id: id))])
        #expect(outcomes.map(\.status) == [.mined])
        #expect(events.values.contains { if case .nodeError = $0 { return true } else { return false } })
    }
}

final class LockedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var _values: [ConfirmerEvent] = []
    var values: [ConfirmerEvent] { lock.withLock { _values } }
    func append(_ e: ConfirmerEvent) { lock.withLock { _values.append(e) } }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = 0
    var value: Int { lock.withLock { _value } }
    func increment() -> Int { lock.withLock { _value += 1; return _value } }
}
