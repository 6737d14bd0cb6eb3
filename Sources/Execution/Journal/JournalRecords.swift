import EthCore
import Foundation
import GRDB
import Strategy

/// Where a run ended up.
public enum RunStatus: String, Codable, Sendable, DatabaseValueConvertible {
    /// Planned; nothing signed yet.
    case planned
    /// Transactions signed and journaled; some may not be mined yet.
    case sending
    case completed
    /// A transaction reverted or was dropped without replacement.
    case failed
    /// The decision was to skip (inside bands, a guard tripped, gas too expensive).
    case skipped
    /// A dry run: simulated, never sent.
    case dryRun = "dry-run"
}

/// What a journaled run was for.
public enum RunKind: String, Codable, Sendable, DatabaseValueConvertible {
    /// A rebalance of a portfolio in the vault or in the operator's wallet.
    case vault, eoa
    /// The vault owner's calls (deploy, allow, deposit, withdraw, ...).
    case admin
    /// `rebalancer debug` verbs.
    case debug
    /// `run --paper`, `daemon --paper`: the live decision with hypothetical fills, nothing sent.
    case paper

    public init(_ mode: CustodyMode) {
        switch mode {
        case .vault: self = .vault
        case .eoa: self = .eoa
        }
    }
}

/// What a run decided.
public enum RunDecision: String, Codable, Sendable, DatabaseValueConvertible {
    case rebalance
    case skip
    /// Transactions that are not a rebalance (owner calls, debug sends).
    case send
}

/// One check → decide → (maybe) send cycle.
public struct RunRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var startedAt: Date
    public var network: String
    public var portfolio: String
    public var mode: RunKind
    public var blockNumber: UInt64?
    public var decision: RunDecision
    /// Why a run skipped (or failed before sending), in words; empty when it rebalanced.
    public var reasons: [String]
    /// The plan as JSON (trades, routes, predictions), when there is one.
    public var plan: String?
    public var status: RunStatus
    public var finishedAt: Date?
    /// JSON written when the run ends: its report, or the count of transactions per end status.
    public var outcome: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a transaction is: the durable identity that must never be broadcast twice.
public enum TransactionStatus: String, Codable, Sendable, DatabaseValueConvertible {
    /// Signed and journaled, not yet handed to a node.
    case signed
    /// Accepted by a node, waiting to be mined.
    case broadcast
    case mined
    /// Mined with status 0.
    case reverted
    /// Superseded by a replacement with the same nonce.
    case replaced
    /// Gone from the node and its nonce taken by another transaction.
    case dropped
}

/// A signed transaction, written before it is broadcast. The raw bytes are public once sent and
/// let a restarted run re-broadcast the *same* transaction instead of signing a new one.
public struct TransactionRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "tx"
    public var id: Int64?
    public var runId: Int64
    /// The plan step this transaction carries out (e.g. "approve USDC", "swap 1/3"); replacements share it.
    public var intent: String
    public var sender: Address
    public var nonce: UInt64
    public var hash: Hash32
    /// The signed transaction as sent on the wire, `0x` hex.
    public var raw: String
    public var maxFeePerGas: UInt256
    public var maxPriorityFeePerGas: UInt256
    public var gasLimit: UInt64
    public var status: TransactionStatus
    public var createdAt: Date
    public var broadcastAt: Date?
    public var minedBlock: UInt64?
    public var gasUsed: UInt64?
    public var effectiveGasPrice: UInt256?
    /// The transaction this one replaced (same nonce, higher fees, or a cancellation).
    public var replacesId: Int64?
    public var isCancellation: Bool
    /// The routes its bytes went through, comma-separated, in order ("public", "flashbots",
    /// "flashbots,mevblocker,public", ...); nil on rows from before routes were journaled (public).
    public var sentVia: String? = nil
    /// The last answer of the relay's status API (PENDING, INCLUDED, FAILED, ...).
    public var relayStatus: String? = nil
    /// The head block when it was first sent (for how many blocks inclusion took).
    public var sentAtBlock: UInt64? = nil

    /// `sentVia` as a list; public for rows from before routes were journaled.
    public var routes: [String] { (sentVia ?? SendVia.publicName).split(separator: ",").map(String.init) }

    /// The route its bytes went through last.
    public var currentRoute: String { routes.last ?? SendVia.publicName }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A price seen by a tick, for the moving-average guard.
public struct PriceRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "price"
    public var id: Int64?
    public var network: String
    public var observedAt: Date
    public var blockNumber: Int64
    /// The block's timestamp, seconds since 1970.
    public var blockTimestamp: Int64
    public var token: String
    public var quote: String
    public var price: Double

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
