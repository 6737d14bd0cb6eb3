import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

@testable import Execution
@testable import Market

/// Sending against the real devnet (py-evm behind HTTP JSON-RPC). Serialized: the tests switch the
/// devnet's automine off for a moment and share dev accounts 8 and 9.
@Suite("Sending on the devnet (needs a running devnet)", .serialized)
struct SendDevnetTests {
    @Test func aBatchOfThreeTransfersInOneHTTPRequestIsConfirmed() throws {
        let d = try Devnet()
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let before9 = try d.client.getBalance(Devnet.account9, block: .latest)
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, gasLimitPaddingPercent: 0)
        let plan = [d.transfer("t1", value: 101), d.transfer("t2", value: 202), d.transfer("t3", value: 303)]
        let sent = try sender.send(runId: run, transactions: plan)
        #expect(sent.map(\.nonce) == [start, start + 1, start + 2])
        let sendRequests = d.transport.requests.filter { $0.contains("eth_sendRawTransaction") }
        #expect(sendRequests == [["eth_sendRawTransaction", "eth_sendRawTransaction", "eth_sendRawTransaction"]])

        let events = Box<[String]>([])
        let confirmer = Confirmer(client: d.client, journal: j, network: d.network, key: d.key8,
                                  policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 3, pollIntervalSeconds: 0.05,
                                                             timeoutSeconds: 60),
                                  progress: { e in events.value.append("\(e)") })
        let outcomes = try confirmer.confirm(sent)
        #expect(outcomes.map(\.status) == [.mined, .mined, .mined])
        #expect(outcomes.map(\.nonce) == [start, start + 1, start + 2])
        #expect(outcomes.allSatisfy { $0.gasUsed == 21_000 && $0.effectiveGasPrice != nil && $0.blockNumber != nil })
        #expect(outcomes.map(\.hash) == sent.map(\.hash))
        #expect(try d.nonce(Devnet.account8) == start + 3)
        #expect(try d.client.getBalance(Devnet.account9, block: .latest) == before9 + UInt256(606))
        #expect(events.value.contains { $0.contains("confirmed") })
        #expect(try j.transactions(runId: run).map(\.status) == [.mined, .mined, .mined])
        let finished = try Reconciler(client: d.client, journal: j).finishEndedRuns()
        #expect(finished.map(\.status) == [.completed])
    }

    /// A stuck transaction: with automine off, account 9 queues "filler" transactions that each use
    /// a whole block (a contract creation whose init code MLOADs at offset 2^32 and runs out of gas
    /// at once, consuming its full gas limit, priced with a higher tip so the devnet's miner picks it
    /// first). Each full block raises the base fee by 12.5 %, so our transfer — sent with a max fee of
    /// exactly the next base fee + 10 wei — cannot be included while they last. (The devnet refuses a
    /// max fee below the current base fee at submission, so "send it below the base fee" is not
    /// possible; raising the base fee after submission is.) The confirmer's `sleep` mines one block
    /// per poll; after `replaceAfterBlocks` (2) blocks it acts.
    struct Stuck {
        var sent: SentTransaction
        var outcome: SendOutcome
        var events: [ConfirmerEvent]
        var records: [TransactionRecord]
        var start: UInt64
        var fillerStart: UInt64
        var fillers: Int
    }

    func stuckTransfer(_ d: Devnet, value: UInt64, confirmerCaps: (NetworkConfig.GasCaps) -> NetworkConfig.GasCaps,
                       isStale: (@Sendable () -> Bool)? = nil) throws -> Stuck {
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)

        // The original: no headroom and a 10 wei tip cap, so one full block strands it.
        var stingy = d.network
        stingy.gas.maxPriorityFeePerGas = UInt256(10)
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: stingy,
                                       estimator: FeeEstimator(headroomBlocks: 0, minimumPriorityFee: UInt256(10)),
                                       gasLimitPaddingPercent: 0)
        let sent = try sender.send(runId: run, transactions: [d.transfer("stuck transfer", value: value)])

        let gasLimit = try d.client.getBlock(.latest).gasLimit
        let fillerStart = try d.nonce(Devnet.account9, .pending)
        let fillers = 4
        for i in 0..<fillers {
            let filler = DynamicFeeTransaction(
                chainId: d.network.chainId, nonce: fillerStart + UInt64(i), maxPriorityFeePerGas: UInt256(1_000_000_000),
                maxFeePerGas: UInt256(3_000_000_000), gasLimit: gasLimit - 10_000, to: nil, value: .zero,
                data: [0x63, 0xff, 0xff, 0xff, 0xff, 0x51])  // PUSH4 0xffffffff MLOAD: out of gas at once
            _ = try d.client.sendRawTransaction(filler.sign(with: d.key9).raw)
        }

        var confirmerNetwork = d.network
        confirmerNetwork.gas = confirmerCaps(d.network.gas)
        let events = Box<[ConfirmerEvent]>([])
        let mined = Box(0)
        let confirmer = Confirmer(
            client: d.client, journal: j, network: confirmerNetwork, key: d.key8,
            policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 2, pollIntervalSeconds: 0, timeoutSeconds: 120),
            estimator: FeeEstimator(headroomBlocks: 3, minimumPriorityFee: UInt256(1_000)),
            progress: { e in events.value.append(e) },
            isStale: isStale,
            sleep: { _ in
                // One block per poll, at most 30.
                guard mined.value < 30 else { Thread.sleep(forTimeInterval: 0.05); return }
                mined.value += 1
                _ = try? d.raw("evm_mine")
            })
        let outcomes = try confirmer.confirm(sent)
        let outcome = try #require(outcomes.first)
        #expect(try d.nonce(Devnet.account9) == fillerStart + UInt64(fillers), "every filler mined, none left pending")
        return Stuck(sent: sent[0], outcome: outcome, events: events.value, records: try j.transactions(runId: run),
                     start: start, fillerStart: fillerStart, fillers: fillers)
    }

    @Test func aStuckTransactionIsReplacedWithBumpedFeesAndOnlyOneIsMined() throws {
        let d = try Devnet()
        var caps = d.network.gas
        caps.maxPriorityFeePerGas = UInt256(1_000)
        let s = try stuckTransfer(d, value: 7, confirmerCaps: { _ in caps })
        #expect(s.outcome.status == .mined)
        #expect(s.outcome.replacements == 1)
        #expect(s.outcome.hash != s.sent.hash)
        #expect(s.outcome.nonce == s.start)
        // Exactly one of the two was mined: the replacement; the original has no receipt.
        #expect(try d.client.getTransactionReceipt(s.sent.hash.bytes) == nil)
        #expect(try d.client.getTransactionReceipt(s.outcome.hash.bytes)?.status == true)
        #expect(try d.nonce(Devnet.account8) == s.start + 1)
        #expect(s.records.map(\.status) == [.replaced, .mined])
        #expect(s.records.last?.replacesId == s.records.first?.id)
        // The replacement paid at least 10 % more on both fees, for the same payload.
        guard case .dynamicFee(let o) = try SignedTransaction.decode(rawHex: s.records[0].raw).transaction,
              case .dynamicFee(let r) = try SignedTransaction.decode(rawHex: s.records[1].raw).transaction
        else { Issue.record("expected EIP-1559 transactions"); return }
        #expect(r.maxFeePerGas * UInt256(100) >= o.maxFeePerGas * UInt256(110))
        #expect(r.maxPriorityFeePerGas * UInt256(100) >= o.maxPriorityFeePerGas * UInt256(110))
        #expect(r.to == o.to && r.value == o.value && r.nonce == o.nonce && r.data == o.data)
        #expect(s.events.contains { if case .replaced = $0 { return true } else { return false } })
    }

    @Test func aStaleStuckTransactionIsCancelledWithAZeroValueSelfTransfer() throws {
        let d = try Devnet()
        var caps = d.network.gas
        caps.maxPriorityFeePerGas = UInt256(1_000)
        let s = try stuckTransfer(d, value: 9, confirmerCaps: { _ in caps }, isStale: { true })
        #expect(s.outcome.status == .cancelled)
        #expect(try d.client.getTransactionReceipt(s.sent.hash.bytes) == nil)
        let mined = try #require(try d.client.getTransactionByHash(s.outcome.hash.bytes))
        #expect(mined.from == Devnet.account8 && mined.to == Devnet.account8 && mined.value == .zero && mined.gas == 21_000)
        #expect(mined.nonce == s.start)
        #expect(try d.nonce(Devnet.account8) == s.start + 1)
        #expect(s.records.map(\.status) == [.replaced, .mined])
        #expect(s.records.map(\.isCancellation) == [false, true])
        #expect(s.events.contains { if case .cancelling = $0 { return true } else { return false } })
    }

    @Test func atTheFeeCapTheConfirmerKeepsWaitingAndReports() throws {
        let d = try Devnet()
        // A cap no bump fits under: the confirmer reports and waits until the base fee falls back.
        let s = try stuckTransfer(d, value: 11, confirmerCaps: { _ in
            .init(maxFeePerGas: UInt256(1), maxPriorityFeePerGas: UInt256(1))
        })
        #expect(s.outcome.status == .mined)
        #expect(s.outcome.replacements == 0)
        #expect(s.outcome.hash == s.sent.hash)
        #expect(s.records.map(\.status) == [.mined])
        #expect(s.events.contains { if case .atFeeCap = $0 { return true } else { return false } })
        #expect(try d.nonce(Devnet.account8) == s.start + 1)
    }

    @Test func aReplacementBelowTenPercentIsRefusedAndAt12Point5PercentAccepted() throws {
        let d = try Devnet()
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let nonce = try d.nonce(Devnet.account9, .pending)
        func transfer(_ maxFee: UInt256, _ tip: UInt256, value: UInt64) -> SignedTransaction {
            DynamicFeeTransaction(chainId: d.network.chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                  gasLimit: 21_000, to: Devnet.account8, value: UInt256(value)).sign(with: d.key9)
        }
        let fee = UInt256(20_000_000_000), tip = UInt256(2_000_000_000)
        let original = transfer(fee, tip, value: 1)
        _ = try d.client.sendRawTransaction(original.raw)
        // +5 % on both: refused as underpriced.
        let small = transfer(fee * UInt256(105) / UInt256(100), tip * UInt256(105) / UInt256(100), value: 2)
        #expect(throws: RPCError.replacementUnderpriced("replacement transaction underpriced")) {
            try d.client.sendRawTransaction(small.raw)
        }
        // +12.5 % on the max fee only: still refused (both fees must rise).
        #expect(throws: RPCError.self) { try d.client.sendRawTransaction(transfer(FeeEstimator.bumped(fee), tip, value: 3).raw) }
        // The confirmer's bump (+12.5 %, rounded up) on both: accepted, and it is what gets mined.
        let bumped = transfer(FeeEstimator.bumped(fee), FeeEstimator.bumped(tip), value: 4)
        _ = try d.client.sendRawTransaction(bumped.raw)
        try d.mine()
        #expect(try d.client.getTransactionReceipt(bumped.hash)?.status == true)
        #expect(try d.client.getTransactionReceipt(original.hash) == nil)
        #expect(try d.nonce(Devnet.account9) == nonce + 1)
    }

    /// The middle transfer asks for more than the balance: the node refuses it, the third waits
    /// behind the gap, so the sender cancels the third and fills the gap; the reconciler and the
    /// confirmer then see both cancellations mined. Only the first transfer reaches account 9.
    @Test func aRefusedMiddleMemberAbortsTheRestOfTheBatch() throws {
        let d = try Devnet()
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let before9 = try d.client.getBalance(Devnet.account9, block: .latest)
        let balance8 = try d.client.getBalance(Devnet.account8, block: .latest)
        var tooMuch = d.transfer("t2 (too much)", value: 0)
        tooMuch.value = balance8
        let plan = [d.transfer("t1", value: 31), tooMuch, d.transfer("t3", value: 33)]
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, gasLimitPaddingPercent: 0)
        do {
            _ = try sender.send(runId: run, transactions: plan)
            Issue.record("expected the node to refuse the middle transfer")
        } catch {
            guard case .broadcastRejected(let rejections) = error else { Issue.record("unexpected \(error)"); return }
            #expect(rejections.map(\.nonce) == [start + 1])
            #expect("\(error)".contains("insufficient funds"))
        }
        let report = try Reconciler(client: d.client, journal: j).reconcile()
        let confirmer = Confirmer(client: d.client, journal: j, network: d.network, key: d.key8,
                                  policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 3, pollIntervalSeconds: 0.05,
                                                             timeoutSeconds: 60))
        _ = try confirmer.confirm(records: report.pending)
        try Reconciler(client: d.client, journal: j).finishEndedRuns()
        let records = try j.transactions(runId: run)
        // The refused transfer stays unknown until its gap filler is mined at its nonce: then replaced.
        #expect(records.map(\.status) == [.mined, .replaced, .replaced, .mined, .mined])
        #expect(records.map(\.isCancellation) == [false, false, false, true, true])
        #expect(try d.nonce(Devnet.account8) == start + 3)
        #expect(try d.client.getBalance(Devnet.account9, block: .latest) == before9 + UInt256(31))
        #expect(try j.run(run)?.status == .failed)
    }

    @Test func theFeeCapRefusesAndNothingIsSent() throws {
        let d = try Devnet()
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let base = try #require(try d.client.feeHistory(blockCount: 1, newest: .latest, percentiles: []).nextBaseFee)
        var capped = d.network
        capped.gas.maxFeePerGas = base - UInt256(1)
        capped.gas.maxPriorityFeePerGas = UInt256(1)
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: capped)
        do {
            _ = try sender.send(runId: run, transactions: [d.transfer("over the cap", value: 1)])
            Issue.record("expected the fee cap to refuse")
        } catch {
            guard case .fee(.aboveCap(_, let cap, _, _, _)) = error else { Issue.record("unexpected \(error)"); return }
            #expect(cap == base - UInt256(1))
            #expect("\(error)".contains("gwei") && "\(error)".contains("nothing sent"))
        }
        #expect(try j.transactions(runId: run).isEmpty)
        #expect(!d.transport.requests.joined().contains("eth_sendRawTransaction"))
        #expect(try d.nonce(Devnet.account8, .pending) == start)
    }

    // MARK: crash safety with the real binary

    func crashAndRecover(_ point: String) throws {
        let d = try Devnet()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("send-crash-\(UUID().uuidString)").path
        let start = try d.nonce(Devnet.account8, .pending)
        let before9 = try d.client.getBalance(Devnet.account9, block: .latest)
        let value: UInt64 = 4_242
        let args = ["debug", "send-eth", "--network", "devnet", "--rpc-url", Devnet.url, "--to", Devnet.account9.checksummed,
                    "--value", String(value), "--data-dir", dataDir, "--poll-interval", "0.1", "--timeout", "60"]
        let env = ["ETH_PRIVATE_KEY": Devnet.key8Hex]  // public devnet key, not a secret

        let crashed = try CLIRunner.run(args, environment: env.merging(["REBALANCER_TEST_CRASH": point]) { $1 })
        #expect(crashed.killedBySignal && crashed.status == SIGKILL, "expected death by SIGKILL: \(crashed.status) \(crashed.stderr)")
        let journalPath = dataDir + "/devnet/journal.sqlite"
        #expect(FileManager.default.fileExists(atPath: journalPath))
        let dirMode = (try FileManager.default.attributesOfItem(atPath: dataDir + "/devnet")[.posixPermissions] as? NSNumber)?.intValue
        #expect(dirMode == 0o700)
        do {
            let j = try Journal(path: journalPath)
            let txs = try j.pendingTransactions()
            #expect(txs.count == 1 && txs.first?.status == .signed, "journaled before broadcast, not yet marked broadcast")
        }
        if point == "after-journal" {
            #expect(try d.nonce(Devnet.account8, .pending) == start, "nothing reached the node")
        } else {
            #expect(try d.nonce(Devnet.account8, .pending) == start + 1, "the broadcast reached the node")
        }

        // The same command again: it reconciles the journal and sends nothing new.
        let again = try CLIRunner.run(args, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains(point == "after-journal" ? "rebroadcast" : "mined"), "\(again.stdout)")
        #expect(again.stdout.contains("nothing new sent"), "\(again.stdout)")
        // And once more: all settled, so `debug reconcile` has nothing to do.
        let reconcile = try CLIRunner.run(["debug", "reconcile", "--network", "devnet", "--rpc-url", Devnet.url, "--data-dir", dataDir],
                                       environment: [:])
        #expect(reconcile.status == 0 && reconcile.stdout.contains("nothing to reconcile"), "\(reconcile.stdout) \(reconcile.stderr)")

        #expect(try d.nonce(Devnet.account8) == start + 1, "exactly one transaction for the nonce")
        #expect(try d.client.getBalance(Devnet.account9, block: .latest) == before9 + UInt256(value), "exactly one transfer")
        let j = try Journal(path: journalPath)
        let all = try j.runs().flatMap { try j.transactions(runId: $0.id ?? -1) }
        #expect(all.count == 1 && all.first?.status == .mined)
        #expect(try j.runs().map(\.status) == [.completed])
    }

    @Test func killedBetweenJournalAndBroadcastTheNextRunRebroadcastsTheSameBytes() throws {
        try crashAndRecover("after-journal")
    }

    @Test func killedBetweenBroadcastAndReceiptTheNextRunFindsTheReceipt() throws {
        try crashAndRecover("after-broadcast")
    }
}
