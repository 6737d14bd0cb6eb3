import EthCore
import EthRPC
import EthSigning

extension TransactionSender {
    /// A member the node answered with an error and does not know (insufficient funds, fee below
    /// the base fee, ... or a provider's error for a transaction it lost) leaves a nonce gap: the accepted members above it would wait behind it forever, and filling it with a
    /// later run's transaction would let them execute out of their plan's order. So the rest of the
    /// batch is aborted: every accepted member above the lowest gap is replaced by a zero-value
    /// self-transfer (21000 gas, both fees +12.5 %), and every gap below an accepted member is filled by
    /// one too, all journaled as cancellations before they go out in one batch. Best effort: what
    /// cannot be cancelled (a bump above the cap, a refused cancellation) stays journaled for the
    /// reconciler and confirmer.
    func abortAfterGaps(runId: Int64, refused: [SentTransaction], accepted: [SentTransaction], fees: FeeQuote) throws(SendError) {
        guard let lowestGap = refused.map(\.nonce).min(),
              let highestAccepted = accepted.map(\.nonce).max(), highestAccepted > lowestGap
        else { return }
        var batch: [(id: Int64, raw: [UInt8])] = []
        for s in accepted where s.nonce > lowestGap {
            guard case .fees(let bumped) = FeeEstimator.replacement(
                previousMaxFee: s.fees.maxFeePerGas, previousPriorityFee: s.fees.maxPriorityFeePerGas, fresh: nil, caps: network.gas)
            else { continue }
            batch.append(try journalCancellation(runId: runId, label: s.label, nonce: s.nonce, fees: bumped, replacing: s.journalId))
        }
        // Gap fillers go last: once a gap closes, the node may mine what sits above it at once.
        // A filler replaces its unknown member: whichever of the two the chain mines settles the nonce.
        for r in refused where r.nonce < highestAccepted {
            batch.append(try journalCancellation(runId: runId, label: r.label, nonce: r.nonce, fees: fees, replacing: r.journalId))
        }
        guard !batch.isEmpty, let results = try? channel.broadcast(batch.map(\.raw), client: client) else { return }
        // An error reply leaves a cancellation `signed` (unknown) like any other transaction: the
        // chain, through the reconciler, says which transaction at its nonce was mined.
        for (member, result) in zip(batch, results) {
            if case .success = result { try journaled { () throws(JournalError) in try journal.markBroadcast(member.id) } }
        }
    }

    private func journalCancellation(runId: Int64, label: String, nonce: UInt64, fees: FeeQuote,
                                     replacing: Int64?) throws(SendError) -> (id: Int64, raw: [UInt8]) {
        let tx = DynamicFeeTransaction(chainId: network.chainId, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                       maxFeePerGas: fees.maxFeePerGas, gasLimit: 21_000, to: key.address, value: .zero, data: [])
        let signed = tx.sign(with: key)
        let id = try journaled { () throws(JournalError) in
            try journal.recordSigned(runId: runId, intent: label, sender: key.address, nonce: nonce,
                                     hash: signed.transactionHash, raw: signed.rawHex, maxFeePerGas: fees.maxFeePerGas,
                                     maxPriorityFeePerGas: fees.maxPriorityFeePerGas, gasLimit: 21_000,
                                     replacing: replacing, isCancellation: true)
        }
        try journaled { () throws(JournalError) in try journal.markRoute(id, channel.via.firstRouteName) }
        return (id, signed.raw)
    }
}
