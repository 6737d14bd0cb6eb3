import EthCore
import EthRPC
import EthSigning

/// Why signing, sending, confirming or reconciling stopped; one line each, naming what it concerns.
public enum SendError: Error, Sendable, CustomStringConvertible {
    case rpc(RPCError, context: String)
    case journal(JournalError)
    case fee(FeeError)
    case chainIdMismatch(network: String, expected: UInt64, node: UInt64)
    case senderMismatch(label: String, planned: Address, key: Address)
    case missingGasLimit(label: String)
    case duplicateLabel(label: String)
    case alreadyJournaled(runId: Int64, label: String)
    /// The journal holds a live transaction of another intent at this nonce: signing a different
    /// payload with it could replace that transaction.
    case nonceHeld(nonce: UInt64, runId: Int64, intent: String)
    /// The journal saw a transaction mined at `journalNonce` but the node's nonce is not past it
    /// (a lagging node or a reorg): refuse to pick a nonce.
    case chainBehindJournal(sender: Address, journalNonce: UInt64, chainNonce: UInt64)
    /// Some members of the broadcast batch were refused by the node; the others were sent.
    case broadcastRejected([Rejection])
    case invalidJournalRecord(id: Int64, reason: String)
    /// The journal holds signed transactions the node may not have: reconcile before sending more.
    case unreconciled(count: Int)
    case confirmationTimeout(seconds: Double, pending: [String])
    /// Journaled transactions of the operator the chain has not settled yet (mined, or nonce spent).
    case unsettled([String])
    /// The node holds unmined transactions of the operator at these nonces that the journal did not send.
    case unexplainedPendingNonces(sender: Address, nonces: ClosedRange<UInt64>)
    case invalidArgument(String)
    /// Bundles go with the X-Flashbots-Signature header, signed by a reputation key.
    case bundleNeedsReputationKey

    public struct Rejection: Sendable, CustomStringConvertible {
        public var label: String
        public var nonce: UInt64
        public var error: RPCError
        public var description: String { "\"\(label)\" (nonce \(nonce)): \(error)" }
    }

    public var description: String {
        switch self {
        case .rpc(let error, let context): return "\(context): \(error)"
        case .journal(let error): return "\(error)"
        case .fee(let error): return "\(error)"
        case .chainIdMismatch(let network, let expected, let node):
            return "chain id mismatch: networks/\(network).json says \(expected) but the node reports \(node); nothing sent"
        case .senderMismatch(let label, let planned, let key):
            return "transaction \"\(label)\": planned sender \(planned) is not the key's address \(key); nothing sent"
        case .missingGasLimit(let label):
            return "transaction \"\(label)\": no gas limit (gasEstimate); run the dry run first; nothing sent"
        case .duplicateLabel(let label):
            return "plan has two transactions labelled \"\(label)\"; labels must be unique; nothing sent"
        case .alreadyJournaled(let run, let label):
            return "run \(run) step \"\(label)\" already has a live transaction in the journal; reconcile instead of sending again"
        case .nonceHeld(let nonce, let run, let intent):
            return "nonce \(nonce) is held by run \(run) step \"\(intent)\" in the journal; reconcile first; nothing signed"
        case .chainBehindJournal(let sender, let journalNonce, let chainNonce):
            return "the journal has a mined transaction of \(sender) at nonce \(journalNonce) but the node's nonce is \(chainNonce) (node lagging or reorg); nothing sent"
        case .broadcastRejected(let rejections):
            return "the node refused \(rejections.count) transaction(s): " + rejections.map(\.description).joined(separator: "; ")
        case .unreconciled(let count):
            return "the journal holds \(count) signed transaction(s) not known to be broadcast; run the reconciler first; nothing sent"
        case .invalidJournalRecord(let id, let reason):
            return "journal transaction \(id): \(reason)"
        case .confirmationTimeout(let seconds, let pending):
            return "still not confirmed after \(Int(seconds)) s: \(pending.joined(separator: ", ")); the journal keeps them for the next run"
        case .unsettled(let transactions):
            return "not planning: the chain has not settled \(transactions.count) journaled transaction(s) of the operator: "
                + transactions.joined(separator: "; ")
                + " (a send answered with an error may still be mined; run again once it is mined or its nonce is spent)"
        case .unexplainedPendingNonces(let sender, let nonces):
            let which = nonces.count == 1 ? "nonce \(nonces.lowerBound)" : "nonces \(nonces.lowerBound)–\(nonces.upperBound)"
            return "not planning: the node holds \(nonces.count) pending transaction(s) of \(sender) (\(which)) that this journal did not send "
                + "(another host or data directory using the same key?); a plan now could trade the same drift twice; "
                + "wait until they are mined or replace them"
        case .invalidArgument(let what):
            return what
        case .bundleNeedsReputationKey:
            return "bundles need a reputation key to sign the relay requests (--reputation-key-file or REBALANCER_REPUTATION_KEY; never the operator key); nothing sent"
        }
    }
}

/// Runs `body`, wrapping RPC errors with `context`.
func rpc<T>(_ context: String, _ body: () throws(RPCError) -> T) throws(SendError) -> T {
    do { return try body() } catch { throw .rpc(error, context: context) }
}

/// Runs `body`, wrapping journal errors.
func journaled<T>(_ body: () throws(JournalError) -> T) throws(SendError) -> T {
    do { return try body() } catch { throw .journal(error) }
}
