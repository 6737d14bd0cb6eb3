import Foundation
import GRDB

// Queries the sender, confirmer and reconciler need; additive to Journal.swift.
extension Journal {
    public func transaction(id: Int64) throws(JournalError) -> TransactionRecord? {
        try read { db in try TransactionRecord.fetchOne(db, key: id) }
    }

    /// Every journaled transaction of `sender` at `nonce` (originals, replacements, cancellations), oldest first.
    public func transactions(sender: String, nonce: UInt64) throws(JournalError) -> [TransactionRecord] {
        try read { db in
            try TransactionRecord.filter(Column("sender") == sender.lowercased() && Column("nonce") == Int64(nonce))
                .order(Column("id")).fetchAll(db)
        }
    }

    /// The highest nonce of `sender` that the journal still holds (some transaction at it is not
    /// `dropped`), with the statuses of the transactions at that nonce. nil when none is held.
    public func highestHeldNonce(sender: String) throws(JournalError) -> (nonce: UInt64, statuses: [TransactionStatus])? {
        try read { db -> (nonce: UInt64, statuses: [TransactionStatus])? in
            guard let nonce = try Int64.fetchOne(db, sql: "SELECT MAX(nonce) FROM tx WHERE sender = ? AND status != ?",
                                                 arguments: [sender.lowercased(), TransactionStatus.dropped.rawValue]),
                  nonce >= 0
            else { return nil }
            let statuses = try TransactionRecord.filter(Column("sender") == sender.lowercased() && Column("nonce") == nonce)
                .fetchAll(db).map(\.status)
            return (UInt64(nonce), statuses)
        }
    }
}
