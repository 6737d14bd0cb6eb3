import EthCore
import EthRPC

/// How one plan step ended on chain: what the caller compares with the prediction.
public struct SendOutcome: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// Mined and succeeded.
        case mined
        /// Mined with status 0.
        case reverted
        /// Its nonce was spent by our zero-value self-transfer instead (the plan had gone stale).
        case cancelled
        /// Its nonce was spent by a transaction the journal does not know.
        case dropped
    }

    public var label: String
    public var runId: Int64
    /// The journal row of the transaction that ended the step (the mined one, when mined).
    public var journalId: Int64
    public var hash: Hash32
    public var nonce: UInt64
    public var status: Status
    public var gasUsed: UInt64?
    public var effectiveGasPrice: UInt256?
    public var blockNumber: UInt64?
    public var logs: [Log]
    /// Replacements signed for this step (fee bumps and cancellations).
    public var replacements: Int
    /// The routes its bytes went through, comma-separated ("public", "flashbots", "flashbots,mevblocker").
    public var sentVia: String? = nil
    /// Blocks from the head when it was first sent to the block that included it.
    public var inclusionBlocks: UInt64? = nil
    /// Seconds from signing to the first receipt seen.
    public var inclusionSeconds: Double? = nil

    public var hashHex: String { hash.hex }

    /// How it was sent and how long inclusion took, for reports: "flashbots → mevblocker, 3 blocks, 38.2 s".
    public var sendingText: String {
        var parts = [(sentVia ?? SendVia.publicName).split(separator: ",").joined(separator: " → ")]
        if let blocks = inclusionBlocks { parts.append("\(blocks) block\(blocks == 1 ? "" : "s")") }
        if let seconds = inclusionSeconds { parts.append(String(format: "%.1f s", seconds)) }
        return parts.joined(separator: ", ")
    }
}

/// How one transaction of a run was sent, as the run and rehearsal reports show it.
public struct SendingSummary: Sendable, Codable, Hashable {
    public var label: String
    /// Routes in order, comma-separated ("public", "flashbots", "flashbots,mevblocker").
    public var sentVia: String
    public var inclusionBlocks: UInt64?
    public var inclusionSeconds: Double?

    public init(_ outcome: SendOutcome) {
        label = outcome.label
        sentVia = outcome.sentVia ?? SendVia.publicName
        inclusionBlocks = outcome.inclusionBlocks
        inclusionSeconds = outcome.inclusionSeconds
    }
}

/// What the confirmer reports while it waits (the CLI prints these on a TTY).
public enum ConfirmerEvent: Sendable, CustomStringConvertible {
    /// One poll of the chain; `fees`: the highest max fee and tip among the transactions still
    /// waiting (they rise with each replacement), nil when none waits.
    case polled(block: UInt64, confirmed: Int, total: Int, fees: FeeQuote?)
    case mined(label: String, hash: Hash32, block: UInt64, success: Bool)
    case confirmed(label: String, hash: Hash32, confirmations: Int)
    case replaced(label: String, nonce: UInt64, oldHash: Hash32, newHash: Hash32, fees: FeeQuote)
    case cancelling(label: String, nonce: UInt64, newHash: Hash32, fees: FeeQuote)
    /// A bump would pass the network's fee cap: still waiting with the current transaction.
    case atFeeCap(label: String, nonce: UInt64, wantedMaxFee: UInt256, cap: UInt256)
    case replacementRefused(label: String, nonce: UInt64, error: String)
    case dropped(label: String, nonce: UInt64)
    /// The block holding the receipt was reorganised away; waiting again.
    case reorged(label: String, nonce: UInt64)
    /// A poll failed with a retryable node error; polling goes on until the timeout.
    case nodeError(String)
    /// A private relay's status API answered something new.
    case relayStatus(label: String, nonce: UInt64, relay: String, status: String)
    /// The same signed bytes went to the next route.
    case fellBack(label: String, nonce: UInt64, from: String, to: String)
    /// Leaving the relays was refused (a fresh simulation failed, or no key to cancel with).
    case fallbackRefused(label: String, nonce: UInt64, reason: String)

    public var description: String {
        switch self {
        case .polled(let block, let confirmed, let total, let fees):
            let paying = fees.map { ", paying up to \(Gwei.format($0.maxFeePerGas)) (tip \(Gwei.format($0.maxPriorityFeePerGas)))" } ?? ""
            return "block \(block): \(confirmed)/\(total) confirmed\(paying)"
        case .mined(let label, let hash, let block, let success):
            return "\(label): \(success ? "mined" : "REVERTED") in block \(block) (\(hash))"
        case .confirmed(let label, let hash, let n): return "\(label): \(n) confirmation(s) (\(hash))"
        case .replaced(let label, let nonce, let old, let new, let fees):
            return "\(label): nonce \(nonce) not mined in time; replaced \(old) by \(new) (\(fees))"
        case .cancelling(let label, let nonce, let new, let fees):
            return "\(label): plan is stale; cancelling nonce \(nonce) with a zero-value self-transfer \(new) (\(fees))"
        case .atFeeCap(let label, let nonce, let wanted, let cap):
            return "\(label): nonce \(nonce) still pending; a replacement would need maxFeePerGas \(Gwei.format(wanted)) above the cap \(Gwei.format(cap)); waiting"
        case .replacementRefused(let label, let nonce, let error):
            return "\(label): replacement of nonce \(nonce) refused: \(error); waiting"
        case .dropped(let label, let nonce): return "\(label): nonce \(nonce) was used by a transaction not in the journal; dropped"
        case .nodeError(let what): return "node error while waiting (will retry): \(what)"
        case .relayStatus(let label, let nonce, let relay, let status): return "\(label): nonce \(nonce) at \(relay): \(status)"
        case .fellBack(let label, let nonce, let from, let to):
            return "\(label): nonce \(nonce) not included through \(from); the same signed bytes go to \(to)"
        case .fallbackRefused(let label, let nonce, let reason): return "\(label): nonce \(nonce) not sent on: \(reason)"
        case .reorged(let label, let nonce): return "\(label): the block with nonce \(nonce)'s receipt was reorganised away; waiting again"
        }
    }
}
