import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

@testable import Execution

@Suite struct SendTransactionSenderTests {
    let key = SendFixtures.key8

    func setup() throws -> (Journal, Int64, [PlannedTransaction]) {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let plan = (1...3).map { i in
            PlannedTransaction(label: "transfer \(i)", from: key.address, to: SendFixtures.account9, data: [],
                               value: UInt256(UInt64(i)), gasEstimate: 21_000)
        }
        return (j, run, plan)
    }

    /// The node checks, when the batch arrives, that every member is already journaled as signed.
    @Test func journalsEverySignedTransactionBeforeOneBatchBroadcast() throws {
        let (j, run, plan) = try setup()
        let journalBox = j
        let sawUnjournaled = LockedFlag()
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_feeHistory": return .success(SendFixtures.feeHistory(baseFee: 1_000, reward: 2_000_000_000))
            case "eth_getTransactionCount": return .success(SendFixtures.hex(4))
            case "eth_sendRawTransaction":
                guard let rawHex = params.first?.stringValue, let raw = try? Hex.decode(rawHex) else {
                    return .failure(.init(code: -32602, message: "bad raw"))
                }
                let hash = Hex.encode(Keccak256.hash(raw))
                if (try? journalBox.transaction(hash: Hash32.keccak256(raw)))?.status != .signed { sawUnjournaled.set() }
                return .success(.string(hash))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key,
                                       network: SendFixtures.network(), gasLimitPaddingPercent: 0)
        let sent = try sender.send(runId: run, transactions: plan)
        #expect(!sawUnjournaled.value)
        #expect(sent.map(\.nonce) == [4, 5, 6])
        let batches = transport.requests.filter { $0.contains("eth_sendRawTransaction") }
        #expect(batches == [Array(repeating: "eth_sendRawTransaction", count: 3)])
        // Signed for the right chain, with the estimator's fees, and journaled as broadcast.
        let records = try j.transactions(runId: run)
        #expect(records.map(\.status) == [.broadcast, .broadcast, .broadcast])
        for (record, s) in zip(records, sent) {
            let decoded = try SignedTransaction.decode(rawHex: record.raw, expectedChainId: 31337)
            #expect(decoded.from == key.address)
            #expect(decoded.transactionHash == s.hash && record.hash == s.hash)
            #expect(decoded.transaction.nonce == s.nonce)
            #expect(decoded.transaction.gasLimit == 21_000)
        }
        #expect(sent[0].fees.maxPriorityFeePerGas == UInt256(2_000_000_000))
        // 1000 wei next base fee, 3 blocks of headroom: 1000 → 1125 → 1266 (1125+141) → 1425 (1266+159).
        #expect(sent[0].fees.maxFeePerGas == UInt256(2_000_000_000 + 1_425))
        // A second send of the same steps is refused by the journal check.
        #expect(throws: SendError.self) { try sender.send(runId: run, transactions: plan) }
    }

    @Test func refusesTheWrongChainAndAboveCapFeesWithoutSigning() throws {
        let (j, run, plan) = try setup()
        let transport = ScriptedTransport { method, _ in
            switch method {
            case "eth_chainId": return .success("0x1")
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key, network: SendFixtures.network())
        #expect(throws: SendError.self) { try sender.send(runId: run, transactions: plan) }
        let expensive = ScriptedTransport { method, _ in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_feeHistory": return .success(SendFixtures.feeHistory(baseFee: 400_000_000_000, reward: 1))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let capped = TransactionSender(client: SendFixtures.client(expensive), journal: j, key: key, network: SendFixtures.network())
        do {
            _ = try capped.send(runId: run, transactions: plan)
            Issue.record("expected a fee refusal")
        } catch {
            guard case .fee(.aboveCap) = error else { Issue.record("unexpected \(error)"); return }
            #expect("\(error)".contains("gwei"))
        }
        #expect(try j.transactions(runId: run).isEmpty)
        #expect(!expensive.requests.joined().contains("eth_sendRawTransaction"))
    }

    @Test func perMemberErrorsAreJournaled() throws {
        let (j, run, plan) = try setup()
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_feeHistory": return .success(SendFixtures.feeHistory(baseFee: 1_000, reward: 1_000))
            case "eth_getTransactionCount": return .success(SendFixtures.hex(0))
            case "eth_sendRawTransaction":
                guard let raw = try? Hex.decode(params.first?.stringValue ?? "") else { return .failure(.init(code: -1, message: "x")) }
                let nonce = (try? SignedTransaction.decode(raw: raw))?.transaction.nonce ?? 99
                switch nonce {
                case 0: return .failure(.init(code: -32000, message: "already known"))
                case 1: return .success(.string(Hex.encode(Keccak256.hash(raw))))
                default: return .failure(.init(code: -32000, message: "insufficient funds for gas * price + value"))
                }
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key, network: SendFixtures.network())
        do {
            _ = try sender.send(runId: run, transactions: plan)
            Issue.record("expected a rejection")
        } catch {
            guard case .broadcastRejected(let rejections) = error else { Issue.record("unexpected \(error)"); return }
            #expect(rejections.map(\.nonce) == [2])
        }
        // An error reply is "unknown", not "dropped": the member keeps its nonce until the chain settles it.
        #expect(try j.transactions(runId: run).map(\.status) == [.broadcast, .broadcast, .signed])
    }

    /// The double send of the hardening issue: the node takes the transaction but answers its
    /// broadcast with an error (a rate limit, a load balancer). Asked at once, the node knows it:
    /// journaled as broadcast, nothing cancelled, nothing thrown.
    @Test func anErrorReplyForATransactionTheNodeTookIsBroadcastNotDropped() throws {
        let (j, run, plan) = try setup()
        let pool = LockedBytes()
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_feeHistory": return .success(SendFixtures.feeHistory(baseFee: 1_000, reward: 1_000))
            case "eth_getTransactionCount": return .success(SendFixtures.hex(0))
            case "eth_sendRawTransaction":
                guard let raw = try? Hex.decode(params.first?.stringValue ?? "") else { return .failure(.init(code: -32602, message: "bad raw")) }
                pool.append(Keccak256.hash(raw))
                return .failure(.init(code: -32005, message: "rate limit exceeded, retry in 1 s"))
            case "eth_getTransactionReceipt": return .success(nil)
            case "eth_getTransactionByHash":
                guard let hash = try? Hex.decode(params.first?.stringValue ?? ""), pool.values.contains(hash) else { return .success(nil) }
                return .success(["hash": .string(Hex.encode(hash)), "from": .string(SendFixtures.key8.address.checksummed),
                                 "to": .string(SendFixtures.account9.checksummed), "nonce": "0x0", "value": "0x1", "input": "0x",
                                 "gas": SendFixtures.hex(21_000), "type": "0x2", "maxFeePerGas": "0x64",
                                 "maxPriorityFeePerGas": "0x1", "chainId": "0x7a69", "blockNumber": nil, "blockHash": nil])
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key, network: SendFixtures.network())
        let sent = try sender.send(runId: run, transactions: plan)
        #expect(sent.map(\.nonce) == [0, 1, 2])
        #expect(try j.transactions(runId: run).map(\.status) == [.broadcast, .broadcast, .broadcast])
        #expect(transport.requests.filter { $0.contains("eth_sendRawTransaction") }.count == 1)  // no cancellations
    }
}

extension SendTransactionSenderTests {
    @Test func refusesToSendWhileTheJournalHoldsUnreconciledTransactions() throws {
        let (j, run, plan) = try setup()
        _ = try j.recordSigned(runId: run, intent: "earlier", sender: key.address, nonce: 3, hash: SendFixtures.hash("earlier"), raw: "0x02",
                               maxFeePerGas: UInt256(1), maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
        let transport = ScriptedTransport { method, _ in .failure(.init(code: -32601, message: "unexpected \(method)")) }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key, network: SendFixtures.network())
        do {
            _ = try sender.send(runId: run, transactions: plan)
            Issue.record("expected a refusal")
        } catch {
            guard case .unreconciled(1) = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(transport.requests.isEmpty)
    }

    /// Nonce 1 of 0…2 is refused outright: nonce 2 would wait behind the gap forever, so the sender
    /// replaces it with a self-transfer and fills the gap with another, journaled first, in one batch.
    @Test func aRefusedMemberInTheMiddleAbortsTheRestOfTheBatch() throws {
        let (j, run, plan) = try setup()
        let key = self.key
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_feeHistory": return .success(SendFixtures.feeHistory(baseFee: 1_000, reward: 1_000_000))
            case "eth_getTransactionCount": return .success(SendFixtures.hex(0))
            case "eth_sendRawTransaction":
                guard let raw = try? Hex.decode(params.first?.stringValue ?? ""),
                      let tx = try? SignedTransaction.decode(raw: raw, expectedChainId: 31337)
                else { return .failure(.init(code: -32602, message: "bad raw")) }
                if tx.transaction.nonce == 1 && !tx.transaction.value.isZero {
                    return .failure(.init(code: -32000, message: "insufficient funds for gas * price + value"))
                }
                return .success(.string(tx.hashHex))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let sender = TransactionSender(client: SendFixtures.client(transport), journal: j, key: key,
                                       network: SendFixtures.network(), gasLimitPaddingPercent: 0)
        #expect(throws: SendError.self) { try sender.send(runId: run, transactions: plan) }
        let batches = transport.requests.filter { $0.contains("eth_sendRawTransaction") }
        #expect(batches.map(\.count) == [3, 2])
        let records = try j.transactions(runId: run)
        #expect(records.map(\.status) == [.broadcast, .signed, .broadcast, .broadcast, .broadcast])
        #expect(records.map(\.nonce) == [0, 1, 2, 2, 1])
        #expect(records.map(\.isCancellation) == [false, false, false, true, true])
        #expect(records[3].replacesId == records[2].id)
        #expect(records[4].replacesId == records[1].id)
        for cancel in records[3...] {
            let tx = try SignedTransaction.decode(rawHex: cancel.raw, expectedChainId: 31337).transaction
            #expect(tx.to == key.address && tx.value.isZero && tx.gasLimit == 21_000 && tx.data.isEmpty)
        }
        // The cancellation of nonce 2 bumps both fees by 12.5 %.
        guard case .dynamicFee(let original) = try SignedTransaction.decode(rawHex: records[2].raw).transaction,
              case .dynamicFee(let cancel) = try SignedTransaction.decode(rawHex: records[3].raw).transaction
        else { Issue.record("expected EIP-1559"); return }
        #expect(cancel.maxFeePerGas == FeeEstimator.bumped(original.maxFeePerGas))
        #expect(cancel.maxPriorityFeePerGas == FeeEstimator.bumped(original.maxPriorityFeePerGas))
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = false
    var value: Bool { lock.withLock { _value } }
    func set() { lock.withLock { _value = true } }
}
