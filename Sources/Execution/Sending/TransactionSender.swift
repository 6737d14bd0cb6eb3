import EthCore
import EthRPC
import EthSigning
import Foundation
import Market

/// A transaction the sender signed, journaled and handed to the node.
public struct SentTransaction: Sendable, Equatable {
    public var label: String
    public var journalId: Int64
    public var nonce: UInt64
    public var hash: Hash32
    public var fees: FeeQuote
    public var gasLimit: UInt64
    public var hashHex: String { hash.hex }
}

/// Points in `TransactionSender.send` where a caller may act; the debug command uses them for its
/// test-only crash injection. Never used to change what is sent.
public struct SendHooks: Sendable {
    /// Every signed transaction of the batch is on disk in the journal; nothing broadcast yet.
    public var afterJournal: (@Sendable () -> Void)?
    /// The broadcast batch was answered; the journal does not yet say "broadcast".
    public var afterBroadcast: (@Sendable () -> Void)?

    public init(afterJournal: (@Sendable () -> Void)? = nil, afterBroadcast: (@Sendable () -> Void)? = nil) {
        self.afterJournal = afterJournal
        self.afterBroadcast = afterBroadcast
    }
}

/// Signs a run's planned transactions with consecutive nonces and EIP-1559 fees, journals every
/// one (synced to disk, with the route it goes out through) BEFORE anything is broadcast, then
/// broadcasts them: in one JSON-RPC batch to the node, or one by one to the channel's first relay.
public struct TransactionSender: Sendable {
    public let client: EthClient
    public let journal: Journal
    public let key: PrivateKey
    public let network: NetworkConfig
    public var estimator: FeeEstimator
    /// Extra gas over each plan's `gasEstimate`, percent (state may move between estimate and inclusion).
    public var gasLimitPaddingPercent: UInt64
    public var hooks: SendHooks
    /// Where the signed bytes go (reads stay on `client`).
    public var channel: SendChannel

    public init(client: EthClient, journal: Journal, key: PrivateKey, network: NetworkConfig,
                estimator: FeeEstimator = FeeEstimator(), gasLimitPaddingPercent: UInt64 = 10, hooks: SendHooks = SendHooks(),
                channel: SendChannel = .publicMempool) {
        self.channel = channel
        self.client = client
        self.journal = journal
        self.key = key
        self.network = network
        self.estimator = estimator
        self.gasLimitPaddingPercent = min(gasLimitPaddingPercent, 100)
        self.hooks = hooks
    }

    /// The node must be on the network's chain; checked before anything is signed.
    public static func verifyChainId(client: EthClient, network: NetworkConfig) throws(SendError) {
        let node = try rpc("eth_chainId") { () throws(RPCError) in try client.chainId() }
        guard node == network.chainId else {
            throw .chainIdMismatch(network: network.name, expected: network.chainId, node: node)
        }
    }

    /// Today's fees for this network, from eth_feeHistory.
    public static func currentFees(client: EthClient, network: NetworkConfig, estimator: FeeEstimator) throws(SendError) -> FeeQuote {
        let history = try rpc("eth_feeHistory") { () throws(RPCError) in
            try client.feeHistory(blockCount: estimator.historyBlocks, newest: .latest, percentiles: [estimator.rewardPercentile])
        }
        do { return try estimator.estimate(history, caps: network.gas, network: network.name) } catch { throw .fee(error) }
    }

    /// Signs, journals and broadcasts `transactions` for run `runId`. Returns the ones the node
    /// accepted, in order.
    ///
    /// An error reply to a member means "unknown", never "dropped": providers answer errors for
    /// transactions they did take (rate limits, load balancers, "already known" variants). Such a
    /// member stays `signed` until the chain settles it (its receipt, or its nonce spent by another
    /// transaction), so its nonce stays held and nothing new is planned behind it. The node is asked
    /// at once whether it knows the member (then it is `broadcast`); for the rest, the accepted
    /// members above the lowest gap are cancelled and the gaps filled (`abortAfterGaps`) — at the same
    /// nonces, so whichever of a member and its cancellation is mined, only one is — and
    /// `SendError.broadcastRejected` is thrown: run the reconciler and confirmer next. On a
    /// transport failure of the whole batch the transactions stay `signed` likewise.
    public func send(runId: Int64, transactions: [PlannedTransaction]) throws(SendError) -> [SentTransaction] {
        guard !transactions.isEmpty else { return [] }
        let sender = key.address
        var gasLimits: [UInt64] = []
        var labels = Set<String>()
        for planned in transactions {
            guard planned.from == sender else { throw .senderMismatch(label: planned.label, planned: planned.from, key: sender) }
            guard let estimate = planned.gasEstimate, estimate > 0 else { throw .missingGasLimit(label: planned.label) }
            guard labels.insert(planned.label).inserted else { throw .duplicateLabel(label: planned.label) }
            let padding = estimate.multipliedReportingOverflow(by: gasLimitPaddingPercent).partialValue / 100
            gasLimits.append(estimate.addingReportingOverflow(padding).overflow ? estimate : estimate + padding)
        }
        let existing = try journaled { () throws(JournalError) in try journal.transactions(runId: runId) }
        for record in existing where labels.contains(record.intent) && [.signed, .broadcast, .mined].contains(record.status) {
            throw .alreadyJournaled(runId: runId, label: record.intent)
        }

        // A journaled transaction the node may never have seen holds a nonce below ours: sending now
        // would queue the new batch behind a gap. The reconciler must settle it first.
        let unsettled = try journaled { () throws(JournalError) in try journal.pendingTransactions() }
            .filter { $0.status == .signed && $0.sender == sender }
        if !unsettled.isEmpty { throw .unreconciled(count: unsettled.count) }

        if channel.sendsBundles, channel.reputationKey == nil { throw .bundleNeedsReputationKey }
        try Self.verifyChainId(client: client, network: network)
        let fees = try Self.currentFees(client: client, network: network, estimator: estimator)
        let nonces = try NonceManager(client: client, journal: journal).reserve(transactions.count, for: sender)

        // Sign every member, then journal them all in one database transaction, before the first
        // byte goes to the node.
        var signed: [(SentTransaction, [UInt8])] = []
        var entries: [SignedEntry] = []
        for ((planned, gasLimit), nonce) in zip(zip(transactions, gasLimits), nonces) {
            let held = try journaled { () throws(JournalError) in try journal.transactions(sender: sender, nonce: nonce) }
            if let other = held.first(where: { $0.status != .dropped && ($0.runId != runId || $0.intent != planned.label) }) {
                throw .nonceHeld(nonce: nonce, runId: other.runId, intent: other.intent)
            }
            let tx = DynamicFeeTransaction(
                chainId: network.chainId, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                maxFeePerGas: fees.maxFeePerGas, gasLimit: gasLimit, to: planned.to, value: planned.value, data: planned.data)
            let s = tx.sign(with: key)
            entries.append(SignedEntry(runId: runId, intent: planned.label, sender: sender, nonce: nonce,
                                       hash: s.transactionHash, raw: s.rawHex, maxFeePerGas: fees.maxFeePerGas,
                                       maxPriorityFeePerGas: fees.maxPriorityFeePerGas, gasLimit: gasLimit,
                                       sentVia: channel.via.firstRouteName))
            signed.append((SentTransaction(label: planned.label, journalId: -1, nonce: nonce, hash: s.transactionHash, fees: fees,
                                           gasLimit: gasLimit), s.raw))
        }
        let ids = try journaled { () throws(JournalError) in try journal.recordSignedBatch(entries) }
        for (i, id) in zip(signed.indices, ids) { signed[i].0.journalId = id }
        hooks.afterJournal?()

        // Private: the head it went out at, for how many blocks inclusion took (a public send is
        // timed from the confirmer's first poll, usually the same block).
        let sentAtBlock = channel.isPrivate ? try? client.blockNumber() : nil
        let results = try rpc("eth_sendRawTransaction via \(channel.via.firstRouteName)") { () throws(RPCError) in
            try channel.broadcast(signed.map(\.1), client: client)
        }
        if let sentAtBlock {
            for (sent, _) in signed.prefix(channel.sendsOneAtATime ? 1 : signed.count) {
                try journaled { () throws(JournalError) in try journal.markRoute(sent.journalId, channel.via.firstRouteName, atBlock: sentAtBlock) }
            }
        }
        hooks.afterBroadcast?()

        var accepted: [SentTransaction] = []
        var unknown: [SentTransaction] = []
        var rejected: [SendError.Rejection] = []
        for (index, ((sent, _), result)) in zip(signed, results).enumerated() {
            switch result {
            case .success where channel.sendsOneAtATime && index > 0:
                // Held back, still `signed`: the confirmer sends it once the one before it lands.
                accepted.append(sent)
            case .success:
                try journaled { () throws(JournalError) in try journal.markBroadcast(sent.journalId) }
                accepted.append(sent)
            case .failure(let error):
                // Unknown: the node may have taken it anyway. Ask; a receipt or a pool entry settles it.
                switch try? settledByNode(sent) {
                case .some(true):
                    accepted.append(sent)
                default:
                    unknown.append(sent)
                    rejected.append(.init(label: sent.label, nonce: sent.nonce, error: error))
                }
            }
        }
        if !unknown.isEmpty {
            try abortAfterGaps(runId: runId, refused: unknown, accepted: accepted, fees: fees)
        }
        if !rejected.isEmpty { throw .broadcastRejected(rejected) }
        return accepted
    }

    /// After an error reply: true (and journaled) when the node has the transaction mined or in its
    /// pool, or the relay's status API says it has it.
    private func settledByNode(_ sent: SentTransaction) throws(SendError) -> Bool {
        if let receipt = try rpc("eth_getTransactionReceipt(\(sent.hashHex))", { () throws(RPCError) in
            try client.getTransactionReceipt(sent.hash.bytes)
        }) {
            try journaled { () throws(JournalError) in
                try journal.markMined(sent.journalId, block: receipt.blockNumber, gasUsed: receipt.gasUsed,
                                      effectiveGasPrice: receipt.effectiveGasPrice, success: receipt.status)
            }
            return true
        }
        if channel.isPrivate {
            // A private transaction is invisible to the node until mined: only the relay can say.
            let status = try rpc("\(channel.via.firstRouteName) status of \(sent.hashHex)") { () throws(RPCError) in
                try channel.status(of: sent.hash, route: channel.via.firstRouteName)
            }
            guard status == .pending || status == .included else { return false }
        } else {
            guard try rpc("eth_getTransactionByHash(\(sent.hashHex))", { () throws(RPCError) in
                try client.getTransactionByHash(sent.hash.bytes)
            }) != nil else { return false }
        }
        try journaled { () throws(JournalError) in try journal.markBroadcast(sent.journalId) }
        return true
    }
}
