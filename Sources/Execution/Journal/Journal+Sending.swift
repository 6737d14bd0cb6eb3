import EthCore
import Foundation
import GRDB

// Queries the sender, confirmer and reconciler need; additive to Journal.swift.
extension Journal {
    public func transaction(id: Int64) throws(JournalError) -> TransactionRecord? {
        try read { db in try TransactionRecord.fetchOne(db, key: id) }
    }

    /// Every journaled transaction of `sender` at `nonce` (originals, replacements, cancellations), oldest first.
    public func transactions(sender: Address, nonce: UInt64) throws(JournalError) -> [TransactionRecord] {
        try read { db in
            try TransactionRecord.filter(Column("sender") == sender && Column("nonce") == nonce)
                .order(Column("id")).fetchAll(db)
        }
    }

    /// Rows marked `dropped` since `date` at a (sender, nonce) where no journaled transaction is
    /// mined or reverted: the ones whose receipt may still turn up. Oldest first.
    public func droppedWithoutMinedSibling(since date: Date) throws(JournalError) -> [TransactionRecord] {
        try read { db in
            try TransactionRecord.fetchAll(db, sql: """
                SELECT * FROM tx AS t WHERE t.status = ? AND t.createdAt >= ?
                AND NOT EXISTS (SELECT 1 FROM tx AS o WHERE o.sender = t.sender AND o.nonce = t.nonce AND o.status IN (?, ?))
                ORDER BY t.id
                """, arguments: [TransactionStatus.dropped.rawValue, date, TransactionStatus.mined.rawValue,
                                 TransactionStatus.reverted.rawValue])
        }
    }

    /// The highest nonce of `sender` that the journal still holds (some transaction at it is not
    /// `dropped`), with the statuses of the transactions at that nonce. nil when none is held.
    public func highestHeldNonce(sender: Address) throws(JournalError) -> (nonce: UInt64, statuses: [TransactionStatus])? {
        try read { db -> (nonce: UInt64, statuses: [TransactionStatus])? in
            guard let nonce = try UInt64.fetchOne(db, sql: "SELECT MAX(nonce) FROM tx WHERE sender = ? AND status != ?",
                                                  arguments: [sender, TransactionStatus.dropped])
            else { return nil }
            let statuses = try TransactionRecord.filter(Column("sender") == sender && Column("nonce") == nonce)
                .fetchAll(db).map(\.status)
            return (nonce, statuses)
        }
    }
}

/// One signed transaction to journal (see `Journal.recordSignedBatch`).
public struct SignedEntry: Sendable, Equatable {
    public var runId: Int64
    public var intent: String
    public var sender: Address
    public var nonce: UInt64
    public var hash: Hash32
    public var raw: String
    public var maxFeePerGas: UInt256
    public var maxPriorityFeePerGas: UInt256
    public var gasLimit: UInt64
    /// The route it goes out through first ("public" or a relay's name).
    public var sentVia: String?

    public init(runId: Int64, intent: String, sender: Address, nonce: UInt64, hash: Hash32, raw: String,
                maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256, gasLimit: UInt64, sentVia: String? = nil) {
        self.sentVia = sentVia
        self.runId = runId
        self.intent = intent
        self.sender = sender
        self.nonce = nonce
        self.hash = hash
        self.raw = raw
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.gasLimit = gasLimit
    }
}

extension Journal {
    /// Journals a whole batch of new (non-replacement) signed transactions in ONE database
    /// transaction: after a crash either all of them are on disk or none is, so the reconciler never
    /// re-broadcasts the first steps of a plan whose later steps were never journaled. Refuses
    /// (journaling nothing) when any (run, intent) already has a live transaction, like `recordSigned`.
    @discardableResult
    public func recordSignedBatch(_ entries: [SignedEntry], at date: Date = Date()) throws(JournalError) -> [Int64] {
        try write { db in
            var ids: [Int64] = []
            for e in entries {
                let live = try TransactionRecord
                    .filter(Column("runId") == e.runId && Column("intent") == e.intent)
                    .filter([TransactionStatus.signed.rawValue, TransactionStatus.broadcast.rawValue, TransactionStatus.mined.rawValue]
                        .contains(Column("status")))
                    .fetchCount(db)
                if live > 0 { throw JournalError.duplicateIntent(runId: e.runId, intent: e.intent) }
                var tx = TransactionRecord(id: nil, runId: e.runId, intent: e.intent, sender: e.sender,
                                           nonce: e.nonce, hash: e.hash, raw: e.raw,
                                           maxFeePerGas: e.maxFeePerGas, maxPriorityFeePerGas: e.maxPriorityFeePerGas,
                                           gasLimit: e.gasLimit, status: .signed, createdAt: date, broadcastAt: nil,
                                           minedBlock: nil, gasUsed: nil, effectiveGasPrice: nil, replacesId: nil,
                                           isCancellation: false, sentVia: e.sentVia)
                try tx.insert(db)
                ids.append(tx.id ?? db.lastInsertedRowID)
            }
            return ids
        }
    }
}
