import EthCore
import Foundation
import GRDB

// How the journal stores the chain's types: text a person can read with `sqlite3`, in the forms
// the journal has always used (lowercase hex for addresses and hashes, decimal for amounts).
// A value that does not parse fails the read instead of turning into a default.

extension Address: SQLExpressible, StatementBinding, DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { lowercaseHex.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Address? {
        String.fromDatabaseValue(dbValue).flatMap { try? Address($0) }
    }
}

extension Hash32: SQLExpressible, StatementBinding, DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { hex.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Hash32? {
        String.fromDatabaseValue(dbValue).flatMap { try? Hash32($0) }
    }
}

extension UInt256: SQLExpressible, StatementBinding, DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> UInt256? {
        String.fromDatabaseValue(dbValue).flatMap { UInt256(decimal: $0) }
    }
}
