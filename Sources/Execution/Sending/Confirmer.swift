import EthCore
import EthRPC
import EthSigning
import Foundation
import Market

/// How long and how often the confirmer waits.
public struct ConfirmationPolicy: Sendable {
    /// Blocks on top of (and including) the one a transaction is mined in before it counts as final.
    public var confirmations: Int
    /// Blocks a transaction may stay unmined before it is replaced with bumped fees.
    public var replaceAfterBlocks: Int
    public var pollIntervalSeconds: Double
    /// Give up waiting (the journal keeps everything for the next run); nil waits forever.
    public var timeoutSeconds: Double?
    /// Blocks a nonce must stay spent without a receipt for any of our transactions at it before
    /// they count as dropped: a lagging or load-balanced node can report the nonce before it serves
    /// the receipt, and calling a mined transaction dropped would let a second one be planned.
    public var droppedAfterBlocks: Int

    public init(confirmations: Int, replaceAfterBlocks: Int, pollIntervalSeconds: Double = 2, timeoutSeconds: Double? = nil,
                droppedAfterBlocks: Int? = nil) {
        self.confirmations = max(1, confirmations)
        self.replaceAfterBlocks = max(1, replaceAfterBlocks)
        self.pollIntervalSeconds = max(0, pollIntervalSeconds)
        self.timeoutSeconds = timeoutSeconds
        self.droppedAfterBlocks = max(1, droppedAfterBlocks ?? Self.defaultDroppedAfterBlocks(confirmations: confirmations))
    }

    /// At least three blocks (about 36 s on mainnet), and never fewer than the confirmations asked for.
    public static func defaultDroppedAfterBlocks(confirmations: Int) -> Int { max(3, confirmations) }

    public init(network: NetworkConfig, pollIntervalSeconds: Double = 2, timeoutSeconds: Double? = nil) {
        self.init(confirmations: network.confirmations, replaceAfterBlocks: network.replaceAfterBlocks,
                  pollIntervalSeconds: pollIntervalSeconds, timeoutSeconds: timeoutSeconds)
    }
}

/// Waits for receipts and confirmations; replaces a transaction that stays unmined for
/// `replaceAfterBlocks` blocks (same nonce, both fees +12.5 % or today's estimate, whichever is
/// higher, up to the caps), or — when `isStale` says the plan no longer holds — cancels it with a
/// zero-value self-transfer at the same nonce. Every replacement is journaled before its broadcast;
/// every receipt goes to the journal.
public struct Confirmer: Sendable {
    public let client: EthClient
    public let journal: Journal
    public let network: NetworkConfig
    /// Needed only for replacements; without a key the confirmer just waits.
    public let key: PrivateKey?
    public var policy: ConfirmationPolicy
    public var estimator: FeeEstimator
    public var progress: (@Sendable (ConfirmerEvent) -> Void)?
    /// Asked before a replacement: true cancels the step instead of re-sending it.
    public var isStale: (@Sendable () -> Bool)?
    /// How the confirmer waits between polls; tests pass one that mines a block instead.
    public var sleep: @Sendable (Double) -> Void
    /// Where re-sends go. A transaction that went out privately is never bumped into the public
    /// mempool: after `fallback.afterBlocks` blocks (or its relay giving up) the same bytes go to
    /// the next relay, and to the public mempool only when allowed and a fresh simulation passes.
    public var channel: SendChannel

    public init(client: EthClient, journal: Journal, network: NetworkConfig, key: PrivateKey?, policy: ConfirmationPolicy,
                estimator: FeeEstimator = FeeEstimator(), progress: (@Sendable (ConfirmerEvent) -> Void)? = nil,
                isStale: (@Sendable () -> Bool)? = nil, sleep: @escaping @Sendable (Double) -> Void = RetryPolicy.threadSleep,
                channel: SendChannel = .publicMempool) {
        self.channel = channel
        self.client = client
        self.journal = journal
        self.network = network
        self.key = key
        self.policy = policy
        self.estimator = estimator
        self.progress = progress
        self.isStale = isStale
        self.sleep = sleep
    }

    /// One nonce of one sender: the original transaction and its replacements.
    /// The highest max fee and tip among the newest transactions of the slots still waiting.
    static func waitingFees(_ slots: [Slot]) -> FeeQuote? {
        let waiting = slots.filter { $0.outcome == nil }.compactMap(\.candidates.last)
        guard let maxFee = waiting.map(\.maxFeePerGas).max(), let tip = waiting.map(\.maxPriorityFeePerGas).max() else { return nil }
        return FeeQuote(maxFeePerGas: maxFee, maxPriorityFeePerGas: tip)
    }

    struct Slot {
        var label: String
        var runId: Int64
        var sender: Address
        var nonce: UInt64
        var candidates: [TransactionRecord]
        var sentAtBlock: UInt64?
        var replacements = 0
        var minedBlockHash: [UInt8]?
        /// The first head at which the chain's nonce was past ours with no receipt of ours.
        var nonceSpentSeenAt: UInt64?
        var outcome: SendOutcome?
        /// The routes the newest transaction's bytes went through ("public", relay names).
        var routes: [String] = [SendVia.publicName]
        /// When a receipt was first seen (for how long inclusion took).
        var minedSeenAt: Date?

        var isPrivate: Bool { routes.last != SendVia.publicName }
    }

    /// Waits for the transactions just sent.
    public func confirm(_ sent: [SentTransaction]) throws(SendError) -> [SendOutcome] {
        var records: [TransactionRecord] = []
        for s in sent {
            guard let r = try journaled({ () throws(JournalError) in try journal.transaction(id: s.journalId) }) else {
                throw .invalidJournalRecord(id: s.journalId, reason: "not in the journal")
            }
            records.append(r)
        }
        return try confirm(records: records)
    }

    /// Waits until every journaled transaction in `records` (any of them per sender and nonce) is
    /// mined with enough confirmations, or its nonce is spent by another transaction.
    /// Outcomes are in the order of the first record of each nonce.
    public func confirm(records: [TransactionRecord]) throws(SendError) -> [SendOutcome] {
        var slots: [Slot] = []
        for record in records {
            let sender = record.sender, nonce = record.nonce
            if slots.contains(where: { $0.sender == sender && $0.nonce == nonce }) { continue }
            let all = try journaled { () throws(JournalError) in try journal.transactions(sender: sender, nonce: nonce) }
            let mine = all.filter { $0.runId == record.runId && $0.intent == record.intent && $0.status != .dropped }
            var slot = Slot(label: record.intent, runId: record.runId, sender: sender, nonce: nonce,
                            candidates: mine.isEmpty ? [record] : mine, replacements: max(0, mine.count - 1))
            slot.routes = slot.candidates.last?.routes ?? [SendVia.publicName]
            slot.sentAtBlock = slot.candidates.last?.sentAtBlock
            slots.append(slot)
        }
        let started = Date()
        var bundle = BundleState()
        while true {
            do {
                let head = try rpc("eth_blockNumber") { () throws(RPCError) in try client.blockNumber() }
                if channel.sendsBundles { try retarget(&bundle, slots: slots, head: head) }
                var chainNonces: [Address: UInt64] = [:]
                for i in slots.indices where slots[i].outcome == nil {
                    try poll(&slots[i], head: head, chainNonces: &chainNonces)
                }
                let done = slots.filter { $0.outcome != nil }.count
                progress?(.polled(block: head, confirmed: done, total: slots.count, fees: Self.waitingFees(slots)))
                if done == slots.count { return slots.compactMap(\.outcome) }
            } catch .rpc(let error, let context) where error.isRetryable {
                // A node hiccup (after the client's own retries) is no reason to stop waiting.
                progress?(.nodeError("\(context): \(error)"))
            }
            if let timeout = policy.timeoutSeconds, Date().timeIntervalSince(started) >= timeout {
                throw .confirmationTimeout(seconds: timeout, pending: slots.filter { $0.outcome == nil }.map { "\($0.label) (nonce \($0.nonce))" })
            }
            sleep(policy.pollIntervalSeconds)
        }
    }

    private func poll(_ slot: inout Slot, head: UInt64, chainNonces: inout [Address: UInt64]) throws(SendError) {
        if slot.sentAtBlock == nil {
            slot.sentAtBlock = head
            if let newest = slot.candidates.last, let id = newest.id {
                try journaled { () throws(JournalError) in try journal.markRoute(id, newest.currentRoute, atBlock: head) }
            }
        }
        // A receipt for any of the candidates (newest first) settles the nonce.
        for candidate in slot.candidates.reversed() {
            guard let receipt = try rpc("eth_getTransactionReceipt(\(candidate.hash))", { () throws(RPCError) in
                try client.getTransactionReceipt(candidate.hash.bytes)
            }) else { continue }
            if slot.minedBlockHash != receipt.blockHash {
                slot.minedBlockHash = receipt.blockHash
                try journaled { () throws(JournalError) in
                    try journal.markMined(candidate.id ?? -1, block: receipt.blockNumber, gasUsed: receipt.gasUsed,
                                          effectiveGasPrice: receipt.effectiveGasPrice, success: receipt.status)
                }
                progress?(.mined(label: slot.label, hash: candidate.hash, block: receipt.blockNumber, success: receipt.status))
                if slot.minedSeenAt == nil { slot.minedSeenAt = Date() }
            }
            let confirmations = head >= receipt.blockNumber ? Int(clamping: head - receipt.blockNumber + 1) : 0
            if confirmations >= policy.confirmations {
                let status: SendOutcome.Status = !receipt.status ? .reverted : (candidate.isCancellation ? .cancelled : .mined)
                slot.outcome = SendOutcome(
                    label: slot.label, runId: slot.runId, journalId: candidate.id ?? -1, hash: candidate.hash, nonce: slot.nonce,
                    status: status, gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.effectiveGasPrice,
                    blockNumber: receipt.blockNumber, logs: receipt.logs, replacements: slot.replacements)
                let sentAt = try journaled { () throws(JournalError) in try journal.transaction(id: candidate.id ?? -1) }
                slot.outcome?.sentVia = sentAt?.sentVia ?? SendVia.publicName
                if let first = sentAt?.sentAtBlock ?? slot.candidates.first?.sentAtBlock, receipt.blockNumber >= first {
                    slot.outcome?.inclusionBlocks = receipt.blockNumber - first
                }
                slot.outcome?.inclusionSeconds = (slot.minedSeenAt ?? Date()).timeIntervalSince(candidate.createdAt)
                progress?(.confirmed(label: slot.label, hash: candidate.hash, confirmations: confirmations))
            }
            return
        }
        if slot.minedBlockHash != nil {
            // The block with our receipt was reorganised away: pending again as far as we know.
            slot.minedBlockHash = nil
            for c in slot.candidates {
                if let id = c.id, let now = try journaled({ () throws(JournalError) in try journal.transaction(id: id) }),
                   now.status == .mined || now.status == .reverted {
                    try journaled { () throws(JournalError) in try journal.markStatus(id, .broadcast) }
                }
            }
            progress?(.reorged(label: slot.label, nonce: slot.nonce))
        }

        // Not mined: has another transaction spent the nonce? Asked at `head`, the block read before
        // the receipts, so a transaction of ours mined since cannot pass for a foreign one.
        let chainNonce: UInt64
        if let known = chainNonces[slot.sender] {
            chainNonce = known
        } else {
            chainNonce = try rpc("eth_getTransactionCount(\(slot.sender), \(head))") { () throws(RPCError) in
                try client.getTransactionCount(slot.sender, block: .number(head))
            }
            chainNonces[slot.sender] = chainNonce
        }
        if chainNonce > slot.nonce {
            // Receipts are checked above, so the nonce went to a transaction we did not journal —
            // or the node has not served our receipt yet. Only blocks later is that an answer.
            let seenAt = slot.nonceSpentSeenAt ?? head
            slot.nonceSpentSeenAt = seenAt
            guard head >= seenAt, head - seenAt >= UInt64(policy.droppedAfterBlocks) else { return }
            for c in slot.candidates where c.status == .signed || c.status == .broadcast {
                try journaled { () throws(JournalError) in try journal.markStatus(c.id ?? -1, .dropped) }
            }
            guard let last = slot.candidates.last else { return }
            slot.outcome = SendOutcome(label: slot.label, runId: slot.runId, journalId: last.id ?? -1,
                                       hash: last.hash, nonce: slot.nonce,
                                       status: .dropped, gasUsed: nil, effectiveGasPrice: nil, blockNumber: nil, logs: [],
                                       replacements: slot.replacements)
            progress?(.dropped(label: slot.label, nonce: slot.nonce))
            return
        }

        if slot.isPrivate {
            if channel.sendsBundles { return }  // the bundle moves as a whole (`retarget`)
            try privateStep(&slot, head: head, chainNonce: chainNonce)
            return
        }
        if let sentAt = slot.sentAtBlock, head >= sentAt, head - sentAt >= UInt64(policy.replaceAfterBlocks), let key,
           key.address == slot.sender {
            try replace(&slot, head: head, key: key)
        }
    }

    /// A privately sent transaction not mined yet: the relay's status beside the receipt, and the
    /// fallback when the relay gave up or `fallback.afterBlocks` blocks passed. The SAME signed
    /// bytes move on (same nonce: whichever route lands it, it executes once). With no route left,
    /// a plan gone stale (or failing a fresh simulation) is cancelled privately; otherwise the
    /// first relay gets the bytes again.
    private func privateStep(_ slot: inout Slot, head: UInt64, chainNonce: UInt64) throws(SendError) {
        guard let current = slot.candidates.last(where: { $0.status == .signed || $0.status == .broadcast }),
              let id = current.id, let route = slot.routes.last
        else { return }
        if chainNonce < slot.nonce {
            // One at a time: an earlier transaction of ours has not landed; this one waits, unsent
            // (or, sent, waits for it), and its window starts when its turn comes.
            slot.sentAtBlock = head
            return
        }
        if current.status == .signed, channel.sendsOneAtATime {
            // Its turn: the one before it landed. The same bytes, to the route journaled for it.
            if let raw = try? Hex.decode(current.raw) {
                do {
                    try channel.send(raw, route: route, client: client)
                    try journaled { () throws(JournalError) in
                        try journal.markBroadcast(id)
                        try journal.update(id) { $0.sentAtBlock = head }  // inclusion counts from its turn
                    }
                    if let i = slot.candidates.lastIndex(where: { $0.id == id }) { slot.candidates[i].status = .broadcast }
                } catch {
                    progress?(.nodeError("send of \(slot.label) to \(route): \(error)"))
                }
            }
            slot.sentAtBlock = head
            return
        }
        var moveOn = false
        do {
            if let status = try channel.status(of: current.hash, route: route) {
                if status.rawValue != current.relayStatus {
                    try journaled { () throws(JournalError) in try journal.markRelayStatus(id, status.rawValue) }
                    if let i = slot.candidates.lastIndex(where: { $0.id == id }) { slot.candidates[i].relayStatus = status.rawValue }
                    progress?(.relayStatus(label: slot.label, nonce: slot.nonce, relay: route, status: status.rawValue))
                }
                moveOn = status.isFinalMiss
            }
        } catch {
            // The relay's own trouble (a timeout, a 5xx) says nothing about the chain: keep polling.
            progress?(.nodeError("\(route) status of \(current.hash): \(error)"))
        }
        if let sentAt = slot.sentAtBlock, head >= sentAt, head - sentAt >= UInt64(channel.fallback.afterBlocks) { moveOn = true }
        guard moveOn else { return }
        slot.sentAtBlock = head  // whatever happens, the next step is another window away
        let raw: [UInt8]
        do { raw = try Hex.decode(current.raw) } catch { throw .invalidJournalRecord(id: id, reason: "raw bytes are not hex") }

        var next = channel.nextRoute(after: slot.routes)
        if next == SendVia.publicName || next == nil {
            // Leaving the relays (or out of them): only while the transaction still does what the
            // plan said; each swap checks its minOut on chain, so a call that does not revert
            // meets every one. Earlier nonces of ours must have landed for the call to mean that.
            guard chainNonce == slot.nonce else { return }
            if let problem = resimulate(current) {
                if let key, key.address == slot.sender {
                    progress?(.fallbackRefused(label: slot.label, nonce: slot.nonce, reason: "\(problem); cancelling privately"))
                    try replace(&slot, head: head, key: key, forceCancel: true)
                } else {
                    progress?(.fallbackRefused(label: slot.label, nonce: slot.nonce, reason: problem))
                }
                return
            }
            if next == nil {
                // Every relay passed on a transaction that still holds: start over with the first.
                next = channel.via.relayList.first?.name
                slot.routes = []
            }
        }
        guard let target = next else { return }
        channel.cancel(current.hash, at: route)
        do {
            try channel.send(raw, route: target, client: client)
        } catch .alreadyKnown, .nonceTooLow {
            // Known there already, or mined meanwhile: the next poll finds the receipt.
        } catch {
            // Unknown whether it arrived: it is journaled as sent there; the receipt decides.
            progress?(.nodeError("re-send to \(target): \(error)"))
        }
        try journaled { () throws(JournalError) in try journal.markRoute(id, target) }
        slot.routes.append(target)
        progress?(.fellBack(label: slot.label, nonce: slot.nonce, from: route, to: target))
    }

    /// Where the run's bundle was last aimed.
    struct BundleState {
        var firstBlock: UInt64?
        var targeted: UInt64?
    }

    /// Bundles: each new head, the still-unmined members (in nonce order, the same bytes) go again
    /// as one `eth_sendBundle` for the next block — each relay `fallback.afterBlocks` blocks in turn —
    /// until they land. A relay's refusal or silence only costs that block.
    private func retarget(_ bundle: inout BundleState, slots: [Slot], head: UInt64) throws(SendError) {
        let pending = slots.filter { $0.outcome == nil && $0.minedBlockHash == nil }.sorted { $0.nonce < $1.nonce }
        guard !pending.isEmpty, bundle.targeted != head + 1 else { return }
        let first = bundle.firstBlock ?? head
        bundle.firstBlock = first
        guard let relay = channel.bundleRelay(blocksWaited: head - first) else { return }
        var raws: [[UInt8]] = []
        for slot in pending {
            guard let record = slot.candidates.last(where: { $0.status == .signed || $0.status == .broadcast }),
                  let raw = try? Hex.decode(record.raw) else { return }
            raws.append(raw)
        }
        bundle.targeted = head + 1
        do {
            try channel.relayClient(relay).sendBundle(raws, blockNumber: head + 1)
        } catch {
            progress?(.nodeError("bundle for block \(head + 1) to \(relay.name): \(error)"))
            return
        }
        for slot in pending {
            guard let record = slot.candidates.last(where: { $0.status == .signed || $0.status == .broadcast }), let id = record.id
            else { continue }
            try journaled { () throws(JournalError) in
                try journal.markRoute(id, relay.name)
                if record.status == .signed { try journal.markBroadcast(id) }
            }
        }
    }

    /// nil when `record`'s transaction, simulated now at the latest block, succeeds; else why not.
    private func resimulate(_ record: TransactionRecord) -> String? {
        guard let decoded = try? SignedTransaction.decode(rawHex: record.raw, expectedChainId: network.chainId),
              case .dynamicFee(let tx) = decoded.transaction
        else { return "its journaled bytes do not decode" }
        let request = CallRequest(to: tx.to, data: tx.data, from: record.sender, value: tx.value, gas: tx.gasLimit)
        do {
            _ = try client.call(request, block: .latest)
            return nil
        } catch {
            return "a fresh simulation fails: \(error)"
        }
    }

    /// Signs and journals a replacement of the slot's newest live transaction, then broadcasts it.
    private func replace(_ slot: inout Slot, head: UInt64, key: PrivateKey, forceCancel: Bool = false) throws(SendError) {
        slot.sentAtBlock = head  // whatever happens, the next attempt is another replaceAfterBlocks away
        guard let current = slot.candidates.last(where: { $0.status == .signed || $0.status == .broadcast }),
              let currentId = current.id
        else { return }
        let previous: DynamicFeeTransaction
        do {
            guard case .dynamicFee(let tx) = try SignedTransaction.decode(rawHex: current.raw, expectedChainId: network.chainId).transaction else {
                throw SendError.invalidJournalRecord(id: currentId, reason: "not an EIP-1559 transaction")
            }
            previous = tx
        } catch let error as SendError {
            throw error
        } catch {
            throw .invalidJournalRecord(id: currentId, reason: "raw transaction does not decode: \(error)")
        }
        let fresh = try? TransactionSender.currentFees(client: client, network: network, estimator: estimator)
        let fees: FeeQuote
        switch FeeEstimator.replacement(previousMaxFee: previous.maxFeePerGas, previousPriorityFee: previous.maxPriorityFeePerGas,
                                        fresh: fresh, caps: network.gas) {
        case .atCap(let wanted, _, let caps):
            progress?(.atFeeCap(label: slot.label, nonce: slot.nonce, wantedMaxFee: wanted, cap: caps.maxFeePerGas))
            return
        case .fees(let quote):
            fees = quote
        }
        let cancel = forceCancel || current.isCancellation || (isStale?() ?? false)
        var next = previous
        next.maxFeePerGas = fees.maxFeePerGas
        next.maxPriorityFeePerGas = fees.maxPriorityFeePerGas
        if cancel {
            next.to = slot.sender
            next.value = .zero
            next.data = []
            next.accessList = []
            next.gasLimit = 21_000
        }
        let signed = next.sign(with: key)
        let id = try journaled { () throws(JournalError) in
            try journal.recordSigned(runId: slot.runId, intent: slot.label, sender: slot.sender, nonce: slot.nonce,
                                     hash: signed.transactionHash, raw: signed.rawHex, maxFeePerGas: fees.maxFeePerGas,
                                     maxPriorityFeePerGas: fees.maxPriorityFeePerGas, gasLimit: next.gasLimit,
                                     replacing: currentId, isCancellation: cancel)
        }
        slot.replacements += 1
        // A private slot's replacement (only ever a cancellation) stays private too.
        let route = slot.isPrivate ? (channel.via.relayList.first?.name ?? SendVia.publicName) : SendVia.publicName
        try journaled { () throws(JournalError) in try journal.markRoute(id, route, atBlock: head) }
        if slot.isPrivate { slot.routes = [route] }  // the cancellation's own route from now on
        do {
            try channel.send(signed.raw, route: route, client: client)
        } catch .replacementUnderpriced(let message) {
            try journaled { () throws(JournalError) in try journal.markStatus(id, .dropped) }
            progress?(.replacementRefused(label: slot.label, nonce: slot.nonce, error: "replacement underpriced: \(message)"))
            return
        } catch .nonceTooLow {
            // The nonce was mined meanwhile (by one of ours, most likely): the next poll finds the receipt.
            try journaled { () throws(JournalError) in try journal.markStatus(id, .dropped) }
            return
        } catch {
            // Unknown whether the node took it: keep it as a candidate; its receipt or the reconciler will tell.
            if let record = try journaled({ () throws(JournalError) in try journal.transaction(id: id) }) {
                slot.candidates.append(record)
            }
            progress?(.replacementRefused(label: slot.label, nonce: slot.nonce, error: "\(error)"))
            return
        }
        try journaled { () throws(JournalError) in try journal.markBroadcast(id) }
        if let record = try journaled({ () throws(JournalError) in try journal.transaction(id: id) }) {
            slot.candidates.append(record)
        }
        if cancel {
            progress?(.cancelling(label: slot.label, nonce: slot.nonce, newHash: signed.transactionHash, fees: fees))
        } else {
            progress?(.replaced(label: slot.label, nonce: slot.nonce, oldHash: current.hash, newHash: signed.transactionHash, fees: fees))
        }
    }
}
