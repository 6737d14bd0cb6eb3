import EthCore
import EthRPC
import Foundation

/// After a crash or at any start, before anything new is signed: brings every journaled signed or
/// broadcast transaction in line with the chain, corrects recent `dropped` rows the chain mined
/// after all, and finishes runs whose transactions all ended.
///
/// Per sender and nonce (the original and any replacements):
/// | receipt for one of them | node knows one (getTransactionByHash) | chain nonce (at the head read first) vs nonce | action |
/// |---|---|---|---|
/// | yes | – | – | mark that one mined/reverted (the others: replaced) |
/// | no | yes | – | still pending: mark it broadcast, keep waiting |
/// | no | no | chain ≤ nonce | re-broadcast the SAME raw bytes of the newest one (never sign anew) |
/// | no | no | chain > nonce, and already `droppedAfterBlocks` blocks ago | another transaction took the nonce: mark them dropped |
/// | no | no | chain > nonce only recently | no answer yet (a lagging node may not serve our receipt): the confirmer waits |
public struct Reconciler: Sendable {
    public let client: EthClient
    public let journal: Journal
    /// See `ConfirmationPolicy.droppedAfterBlocks`.
    public var droppedAfterBlocks: Int
    /// How far back `dropped` rows are re-checked for a receipt.
    public var recheckDroppedFor: TimeInterval
    /// Re-broadcasts go back through the route the journal says a transaction last took (a
    /// private one is invisible to the node, so it always looks unknown there and goes back to
    /// its relay, which keeps or drops it; it never leaks to the public mempool this way).
    public var channel: SendChannel

    public init(client: EthClient, journal: Journal, droppedAfterBlocks: Int = ConfirmationPolicy.defaultDroppedAfterBlocks(confirmations: 1),
                recheckDroppedFor: TimeInterval = 7 * 24 * 3600, channel: SendChannel = .publicMempool) {
        self.channel = channel
        self.client = client
        self.journal = journal
        self.droppedAfterBlocks = max(1, droppedAfterBlocks)
        self.recheckDroppedFor = recheckDroppedFor
    }

    public enum Action: Sendable, Equatable {
        case mined
        case pending
        case rebroadcast
        case nonceTaken
        /// The nonce was spent only recently and no receipt of ours is served yet: wait, do not drop.
        case awaitingReceipt
        /// A row journaled `dropped` (or replaced) was mined after all: corrected, its run re-finished.
        case correctedToMined
    }

    /// The decision table above (pure).
    public static func decide(hasReceipt: Bool, knownToNode: Bool, chainNonce: UInt64, nonce: UInt64,
                              spentLongAgo: Bool = true) -> Action {
        if hasReceipt { return .mined }
        if knownToNode { return .pending }
        if chainNonce <= nonce { return .rebroadcast }
        return spentLongAgo ? .nonceTaken : .awaitingReceipt
    }

    public struct Report: Sendable {
        /// What was decided per sender and nonce: (label, nonce, hash of the deciding transaction, action).
        public var decisions: [(label: String, nonce: UInt64, hash: Hash32, action: Action)] = []
        /// Transactions still waiting to be mined (or for their receipt): hand them to the `Confirmer`.
        public var pending: [TransactionRecord] = []
        /// Runs finished here, with their end status.
        public var finishedRuns: [(runId: Int64, status: RunStatus)] = []
        /// Re-broadcasts the node refused (the transaction stays journaled, unsettled, for the next attempt).
        public var problems: [String] = []
    }

    public func reconcile() throws(SendError) -> Report {
        var report = Report()
        let open = try journaled { () throws(JournalError) in try journal.pendingTransactions() }
        // Nonces are read at this block, before any receipt: a transaction of ours mined while we
        // look cannot pass for a foreign one that took the nonce.
        let head = open.isEmpty ? 0 : try rpc("eth_blockNumber") { () throws(RPCError) in try client.blockNumber() }
        var seen = Set<NonceSlot>()
        var chainNonces: [Address: UInt64] = [:]
        for record in open {
            guard seen.insert(NonceSlot(sender: record.sender, nonce: record.nonce)).inserted else { continue }
            let sender = record.sender, nonce = record.nonce
            let all = try journaled { () throws(JournalError) in try journal.transactions(sender: sender, nonce: nonce) }
            let live = all.filter { $0.status == .signed || $0.status == .broadcast }
            guard let newest = live.last, let newestId = newest.id else { continue }

            // 1. A receipt for any transaction at this nonce.
            var minedOne: (TransactionRecord, Receipt)?
            for candidate in all.reversed() {
                if let receipt = try rpc("eth_getTransactionReceipt(\(candidate.hash))", { () throws(RPCError) in
                    try client.getTransactionReceipt(candidate.hash.bytes)
                }) {
                    minedOne = (candidate, receipt)
                    break
                }
            }
            if case let (candidate, receipt)? = minedOne {
                try journaled { () throws(JournalError) in
                    try journal.markMined(candidate.id ?? -1, block: receipt.blockNumber, gasUsed: receipt.gasUsed,
                                          effectiveGasPrice: receipt.effectiveGasPrice, success: receipt.status)
                }
                report.decisions.append((label: candidate.intent, nonce: nonce, hash: candidate.hash, action: Action.mined))
                continue
            }
            // 2. Still in the node's pool?
            var known: TransactionRecord?
            for candidate in live.reversed() {
                if try rpc("eth_getTransactionByHash(\(candidate.hash))", { () throws(RPCError) in
                    try client.getTransactionByHash(candidate.hash.bytes)
                }) != nil {
                    known = candidate
                    break
                }
            }
            let chainNonce: UInt64
            if let cached = chainNonces[sender] {
                chainNonce = cached
            } else {
                chainNonce = try rpc("eth_getTransactionCount(\(sender), \(head))") { () throws(RPCError) in
                    try client.getTransactionCount(sender, block: .number(head))
                }
                chainNonces[sender] = chainNonce
            }
            var spentLongAgo = false
            if known == nil, chainNonce > nonce {
                let earlier = head >= UInt64(droppedAfterBlocks) ? head - UInt64(droppedAfterBlocks) : 0
                let then = try rpc("eth_getTransactionCount(\(sender), \(earlier))") { () throws(RPCError) in
                    try client.getTransactionCount(sender, block: .number(earlier))
                }
                spentLongAgo = then > nonce
            }
            let action = Self.decide(hasReceipt: false, knownToNode: known != nil, chainNonce: chainNonce, nonce: nonce,
                                     spentLongAgo: spentLongAgo)
            switch action {
            case .mined, .correctedToMined:
                break
            case .awaitingReceipt:
                report.decisions.append((label: newest.intent, nonce: nonce, hash: newest.hash, action: Action.awaitingReceipt))
                report.pending.append(newest)
            case .pending:
                let k = known ?? newest
                if k.status == .signed, let id = k.id { try journaled { () throws(JournalError) in try journal.markBroadcast(id) } }
                report.decisions.append((label: k.intent, nonce: nonce, hash: k.hash, action: Action.pending))
                report.pending.append(k)
            case .rebroadcast:
                // The same bytes: the same signature, hash and intent. Never a newly signed transaction.
                guard let raw = try? Hex.decode(newest.raw) else {
                    throw .invalidJournalRecord(id: newestId, reason: "raw bytes are not hex")
                }
                if channel.sendsBundles || (channel.sendsOneAtATime && chainNonce < nonce && newest.currentRoute != SendVia.publicName) {
                    // The confirmer sends these as they must go: the bundle whole, or each in its turn.
                    report.decisions.append((label: newest.intent, nonce: nonce, hash: newest.hash, action: Action.pending))
                    report.pending.append(newest)
                    continue
                }
                do {
                    try channel.send(raw, route: newest.currentRoute, client: client)
                    try journaled { () throws(JournalError) in try journal.markBroadcast(newestId) }
                    report.decisions.append((label: newest.intent, nonce: nonce, hash: newest.hash, action: Action.rebroadcast))
                    report.pending.append(newest)
                } catch {
                    report.problems.append("re-broadcast of \"\(newest.intent)\" nonce \(nonce) (\(newest.hash)) refused: \(error)")
                }
            case .nonceTaken:
                for c in live { if let id = c.id { try journaled { () throws(JournalError) in try journal.markStatus(id, .dropped) } } }
                report.decisions.append((label: newest.intent, nonce: nonce, hash: newest.hash, action: Action.nonceTaken))
            }
        }
        report.decisions += try correctDroppedThatMined()
        report.finishedRuns = try finishEndedRuns()
        return report
    }

    /// What every command that sends does first: reconcile, wait (through `confirmer`) for what is
    /// still pending, then finish the runs that ended.
    public struct Settlement: Sendable {
        public var report: Report
        public var outcomes: [SendOutcome]
        /// Runs finished after the wait (those finished by the reconcile itself are in `report`).
        public var finishedAfterWait: [(runId: Int64, status: RunStatus)]

        /// True when the journal held earlier work (so nothing new should be started blindly).
        public var foundEarlierWork: Bool {
            !report.decisions.isEmpty || !report.problems.isEmpty || !report.finishedRuns.isEmpty || !finishedAfterWait.isEmpty
        }
    }

    public func settle(confirmer: Confirmer) throws(SendError) -> Settlement {
        let report = try reconcile()
        let outcomes = report.pending.isEmpty ? [] : try confirmer.confirm(records: report.pending)
        return Settlement(report: report, outcomes: outcomes, finishedAfterWait: try finishEndedRuns())
    }

    /// Recent rows marked `dropped` at a nonce where the journal has nothing mined: a receipt for any
    /// of them means the chain mined it after all (a send answered with an error, a node that lagged).
    /// The row becomes mined, and its run goes back to `sending` so `finishEndedRuns` judges it again.
    func correctDroppedThatMined() throws(SendError) -> [(label: String, nonce: UInt64, hash: Hash32, action: Action)] {
        var corrected: [(label: String, nonce: UInt64, hash: Hash32, action: Action)] = []
        let since = Date().addingTimeInterval(-recheckDroppedFor)
        for candidate in try journaled({ () throws(JournalError) in try journal.droppedWithoutMinedSibling(since: since) }) {
            guard let id = candidate.id else { continue }
            guard let receipt = try rpc("eth_getTransactionReceipt(\(candidate.hash))", { () throws(RPCError) in
                try client.getTransactionReceipt(candidate.hash.bytes)
            }) else { continue }
            try journaled { () throws(JournalError) in
                try journal.markMined(id, block: receipt.blockNumber, gasUsed: receipt.gasUsed,
                                      effectiveGasPrice: receipt.effectiveGasPrice, success: receipt.status)
                if let run = try journal.run(candidate.runId), run.status != .sending {
                    try journal.setRunStatus(candidate.runId, .sending)
                }
            }
            corrected.append((label: candidate.intent, nonce: candidate.nonce, hash: candidate.hash,
                              action: Action.correctedToMined))
        }
        return corrected
    }

    /// Runs in `sending` whose transactions all ended: completed when every step has a successful,
    /// non-cancellation transaction mined; failed otherwise.
    @discardableResult
    public func finishEndedRuns() throws(SendError) -> [(runId: Int64, status: RunStatus)] {
        var finished: [(runId: Int64, status: RunStatus)] = []
        for run in try journaled({ () throws(JournalError) in try journal.unfinishedRuns() }) {
            guard let runId = run.id else { continue }
            let txs = try journaled { () throws(JournalError) in try journal.transactions(runId: runId) }
            if txs.contains(where: { $0.status == .signed || $0.status == .broadcast }) { continue }
            var counts: [String: Int] = [:]
            var stepOK: [String: Bool] = [:]
            for tx in txs {
                let key = tx.isCancellation && tx.status == .mined ? "cancelled" : tx.status.rawValue
                counts[key, default: 0] += 1
                let ok = tx.status == .mined && !tx.isCancellation
                stepOK[tx.intent] = (stepOK[tx.intent] ?? false) || ok
            }
            let status: RunStatus = !stepOK.isEmpty && stepOK.values.allSatisfy { $0 } ? .completed : .failed
            let summary = counts.keys.sorted().map { "\"\($0)\":\(counts[$0] ?? 0)" }.joined(separator: ",")
            try journaled { () throws(JournalError) in try journal.finishRun(runId, status: status, outcome: "{\(summary)}") }
            finished.append((runId, status))
        }
        return finished
    }
}

/// One nonce of one sender: the original transaction and its replacements share it.
struct NonceSlot: Hashable {
    var sender: Address
    var nonce: UInt64
}
