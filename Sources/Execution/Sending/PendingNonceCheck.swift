import EthCore
import EthRPC

/// The last check before anything is planned for an operator: a plan read from `latest` state while
/// a transaction of the operator is still unmined would trade the same drift twice. So nothing is
/// planned while the journal holds an unsettled transaction of the operator, or while the node
/// holds pending nonces of the operator that the journal did not send (another host or data
/// directory using the same key, or a wallet used by hand).
public struct PendingNonceCheck: Sendable {
    public let client: EthClient
    public let journal: Journal

    public init(client: EthClient, journal: Journal) {
        self.client = client
        self.journal = journal
    }

    /// Throws `.unsettled` or `.unexplainedPendingNonces`; returns when the operator is quiet.
    /// `counts`: the sender's mined and pending nonce counts when a shared state read already has
    /// them (a daemon's tick over many portfolios); otherwise they are asked for here.
    public func verifyQuiet(_ sender: Address, counts: (latest: UInt64, pending: UInt64)? = nil) throws(SendError) {
        let live = try journaled { () throws(JournalError) in try journal.pendingTransactions() }
            .filter { $0.sender == sender }
        if !live.isEmpty {
            throw .unsettled(live.map { "\"\($0.intent)\" (run \($0.runId), nonce \($0.nonce), \($0.status.rawValue), \($0.hash))" })
        }
        let latest: UInt64, pending: UInt64
        if let counts {
            (latest, pending) = counts
        } else {
            (latest, pending) = try rpc("eth_getTransactionCount(\(sender), latest and pending)") { () throws(RPCError) in
                let counts = try client.batch(at: .latest) { b in
                    (b.transactionCount(of: sender), b.add(Eth.getTransactionCount(sender, block: .pending)))
                }
                return (try counts.0.get(), try counts.1.get())
            }
        }
        if let unexplained = Self.unexplained(latest: latest, pending: pending) {
            throw .unexplainedPendingNonces(sender: sender, nonces: unexplained)
        }
    }

    /// The pending nonces no journaled transaction explains (pure): with nothing live in the
    /// journal, every nonce the node holds above the mined count is someone else's.
    public static func unexplained(latest: UInt64, pending: UInt64) -> ClosedRange<UInt64>? {
        pending > latest ? latest...(pending - 1) : nil
    }
}
