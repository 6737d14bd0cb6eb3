import EthCore
import Foundation
import GRDB
import Strategy

/// A paper run's book: what the portfolio would hold after it, and what it started with.
public struct PaperRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "paper"
    public var runId: Int64
    public var portfolio: String
    public var quote: String
    /// Raw balances by symbol, after the run's hypothetical fills.
    public var balances: [String: UInt256]
    /// The balances the first paper run of this portfolio started from (its hold benchmark).
    public var startBalances: [String: UInt256]
    /// In quote units at the run's prices: the paper holdings less the gas paid so far, and the
    /// start balances held.
    public var value: Double
    public var holdValue: Double
    /// Fees, price impact and gas the paper fills cost, quote units, over all paper runs so far.
    public var predictedCosts: Double
    /// The gas part of it (the operator pays gas from its own ether, outside the book).
    public var gasPaid: Double

    public init(runId: Int64, portfolio: String, quote: String, balances: [String: UInt256], startBalances: [String: UInt256],
                value: Double, holdValue: Double, predictedCosts: Double, gasPaid: Double) {
        self.runId = runId
        self.portfolio = portfolio
        self.quote = quote
        self.balances = balances
        self.startBalances = startBalances
        self.value = value
        self.holdValue = holdValue
        self.predictedCosts = predictedCosts
        self.gasPaid = gasPaid
    }

    enum Field: String, ColumnExpression { case runId, portfolio, quote, balances, startBalances, value, holdValue, predictedCosts, gasPaid }

    public init(row: Row) throws {
        runId = row[Field.runId]
        portfolio = row[Field.portfolio]
        quote = row[Field.quote]
        balances = try Self.decode(row[Field.balances])
        startBalances = try Self.decode(row[Field.startBalances])
        value = row[Field.value]
        holdValue = row[Field.holdValue]
        predictedCosts = row[Field.predictedCosts]
        gasPaid = row[Field.gasPaid]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Field.runId] = runId
        container[Field.portfolio] = portfolio
        container[Field.quote] = quote
        container[Field.balances] = Self.encode(balances)
        container[Field.startBalances] = Self.encode(startBalances)
        container[Field.value] = value
        container[Field.holdValue] = holdValue
        container[Field.predictedCosts] = predictedCosts
        container[Field.gasPaid] = gasPaid
    }

    /// Amounts as decimal text, like every amount in the journal.
    static func encode(_ balances: [String: UInt256]) -> String {
        let text = balances.mapValues(\.description)
        let data = (try? JSONSerialization.data(withJSONObject: text, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: UInt256] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw JournalError.database("paper balances are not a JSON object of decimal strings")
        }
        var out: [String: UInt256] = [:]
        for (symbol, value) in object {
            guard let amount = UInt256(decimal: value) else { throw JournalError.database("paper balance of \(symbol) is not a decimal integer") }
            out[symbol] = amount
        }
        return out
    }
}

extension Journal {
    public func recordPaper(_ record: PaperRecord) throws(JournalError) {
        try write { db in try record.insert(db) }
    }

    /// The latest paper book of `portfolio` on `network`.
    public func lastPaper(network: String, portfolio: String) throws(JournalError) -> PaperRecord? {
        try read { db in
            try PaperRecord.fetchOne(db, sql: """
                SELECT paper.* FROM paper JOIN run ON run.id = paper.runId
                WHERE run.network = ? AND paper.portfolio = ? ORDER BY paper.runId DESC LIMIT 1
                """, arguments: [network, portfolio])
        }
    }

    public func paper(runId: Int64) throws(JournalError) -> PaperRecord? {
        try read { db in try PaperRecord.fetchOne(db, key: runId) }
    }
}

extension Journal {
    /// The graduation rule's evidence from this portfolio's paper runs on `network`, oldest first:
    /// a run is clean unless its book lost against holding by more than its predicted costs (a cent
    /// of float slack).
    public func graduationObservations(network: String, portfolio: String) throws(JournalError) -> [GraduationObservation] {
        let rows: [(Date, PaperRecord)] = try read { db in
            let records = try PaperRecord.fetchAll(db, sql: """
                SELECT paper.* FROM paper JOIN run ON run.id = paper.runId
                WHERE run.network = ? AND paper.portfolio = ? ORDER BY paper.runId
                """, arguments: [network, portfolio])
            return try records.compactMap { r in try RunRecord.fetchOne(db, key: r.runId).map { ($0.startedAt, r) } }
        }
        return rows.map { date, record in
            GraduationObservation(at: date, clean: record.holdValue - record.value <= record.predictedCosts + 0.01)
        }
    }
}
