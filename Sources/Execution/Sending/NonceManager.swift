import EthCore
import EthRPC

/// Picks nonces so that no nonce is ever used for two different intents.
///
/// The rule: the next nonce is max(the node's pending transaction count, 1 + the highest nonce the
/// journal still holds for this sender). The journal "holds" a nonce while any of its transactions
/// there is signed, broadcast, mined, reverted or replaced, i.e. anything but `dropped`. So a
/// transaction that was journaled but never reached the node (a crash before broadcast) keeps its
/// nonce: the reconciler re-broadcasts its same bytes, and a new intent gets the next nonce. A
/// nonce is only given to a different payload again when every journaled transaction at it is known
/// dropped, which only the chain decides: its nonce spent by another transaction for some blocks
/// with no receipt of ours (an error reply to a send leaves the transaction held) — and then the
/// chain's count is the truth.
/// A batch gets consecutive nonces from that start (gap-free). A mined journal entry that the node
/// does not count yet means a lagging node or a reorg: refuse rather than guess.
public struct NonceManager: Sendable {
    public let client: EthClient
    public let journal: Journal

    public init(client: EthClient, journal: Journal) {
        self.client = client
        self.journal = journal
    }

    /// `count` consecutive nonces for `sender`, starting at `nextNonce`.
    public func reserve(_ count: Int, for sender: Address) throws(SendError) -> [UInt64] {
        let first = try nextNonce(for: sender)
        return (0..<UInt64(max(0, count))).map { first + $0 }
    }

    public func nextNonce(for sender: Address) throws(SendError) -> UInt64 {
        let chain = try rpc("eth_getTransactionCount(\(sender), pending)") { () throws(RPCError) in
            try client.getTransactionCount(sender, block: .pending)
        }
        let held = try journaled { () throws(JournalError) in try journal.highestHeldNonce(sender: sender) }
        return try Self.nextNonce(sender: sender, chainPending: chain, held: held)
    }

    /// The rule above as a pure function (see the type's documentation).
    public static func nextNonce(sender: Address, chainPending: UInt64,
                                 held: (nonce: UInt64, statuses: [TransactionStatus])?) throws(SendError) -> UInt64 {
        guard let held else { return chainPending }
        if chainPending <= held.nonce, held.statuses.contains(where: { $0 == .mined || $0 == .reverted }) {
            throw .chainBehindJournal(sender: sender, journalNonce: held.nonce, chainNonce: chainPending)
        }
        return max(chainPending, held.nonce + 1)
    }
}
