import EthCore
import Foundation
import GRDB
import Market
import Strategy

public enum JournalError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case database(String)
    case unknownRun(Int64)
    case duplicateIntent(runId: Int64, intent: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open the journal \(path): \(reason)"
        case .database(let why): return "journal: \(why)"
        case .unknownRun(let id): return "journal has no run \(id)"
        case .duplicateIntent(let run, let intent):
            return "journal already holds a live transaction for run \(run) step \"\(intent)\": refusing to send it twice"
        }
    }
}

/// The crash-safe record of every run and transaction (SQLite through GRDB). Each write is a
/// committed, fully synced transaction before the call returns, so "journaled" means "on disk".
public final class Journal: @unchecked Sendable {
    let db: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the journal at `path`; `:memory:` for tests.
    public init(path: String) throws(JournalError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // FULL: a commit is on disk before it returns, even with WAL.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            if path != ":memory:" {
                let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            db = path == ":memory:" ? try DatabaseQueue(configuration: config) : try DatabaseQueue(path: path, configuration: config)
            try Self.migrator.migrate(db)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .datetime).notNull()
                t.column("network", .text).notNull()
                t.column("portfolio", .text).notNull()
                t.column("mode", .text).notNull()
                t.column("blockNumber", .integer)
                t.column("decision", .text).notNull()
                t.column("reasons", .text).notNull()
                t.column("plan", .text)
                t.column("status", .text).notNull()
                t.column("finishedAt", .datetime)
                t.column("outcome", .text)
            }
            try db.create(table: "tx") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runId", .integer).notNull().references("run")
                t.column("intent", .text).notNull()
                t.column("sender", .text).notNull()
                t.column("nonce", .integer).notNull()
                t.column("hash", .text).notNull().unique()
                t.column("raw", .text).notNull()
                t.column("maxFeePerGas", .text).notNull()
                t.column("maxPriorityFeePerGas", .text).notNull()
                t.column("gasLimit", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("broadcastAt", .datetime)
                t.column("minedBlock", .integer)
                t.column("gasUsed", .integer)
                t.column("effectiveGasPrice", .text)
                t.column("replacesId", .integer).references("tx")
                t.column("isCancellation", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "tx_sender_nonce", on: "tx", columns: ["sender", "nonce"])
            try db.create(table: "price") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("network", .text).notNull()
                t.column("observedAt", .datetime).notNull()
                t.column("blockNumber", .integer).notNull()
                t.column("blockTimestamp", .integer).notNull()
                t.column("token", .text).notNull()
                t.column("quote", .text).notNull()
                t.column("price", .double).notNull()
            }
            try db.create(index: "price_network_time", on: "price", columns: ["network", "blockTimestamp"])
        }
        // How each transaction was sent: its routes in order ("public", or relays then maybe
        // "public" after a fallback), the last relay status seen, and the head when first sent.
        m.registerMigration("v2-send-route") { db in
            try db.alter(table: "tx") { t in
                t.add(column: "sentVia", .text)
                t.add(column: "relayStatus", .text)
                t.add(column: "sentAtBlock", .integer)
            }
        }
        // Paper trading: the hypothetical holdings after each paper run (Journal+Paper.swift).
        m.registerMigration("v2-paper") { db in
            try db.create(table: "paper") { t in
                t.primaryKey("runId", .integer).references("run")
                t.column("portfolio", .text).notNull()
                t.column("quote", .text).notNull()
                t.column("balances", .text).notNull()
                t.column("startBalances", .text).notNull()
                t.column("value", .double).notNull()
                t.column("holdValue", .double).notNull()
                t.column("predictedCosts", .double).notNull()
                t.column("gasPaid", .double).notNull()
            }
        }
        return m
    }

    func write<T>(_ body: (GRDB.Database) throws -> T) throws(JournalError) -> T {
        do { return try db.write(body) } catch let e as JournalError { throw e } catch { throw .database("\(error)") }
    }

    func read<T>(_ body: (GRDB.Database) throws -> T) throws(JournalError) -> T {
        do { return try db.read(body) } catch let e as JournalError { throw e } catch { throw .database("\(error)") }
    }

    // MARK: Runs

    @discardableResult
    public func beginRun(network: String, portfolio: String, mode: RunKind, blockNumber: UInt64?, decision: RunDecision,
                         reasons: [String], plan: String?, status: RunStatus, at date: Date = Date()) throws(JournalError) -> Int64 {
        var run = RunRecord(id: nil, startedAt: date, network: network, portfolio: portfolio, mode: mode,
                            blockNumber: blockNumber, decision: decision, reasons: reasons,
                            plan: plan, status: status, finishedAt: status == .planned || status == .sending ? nil : date, outcome: nil)
        return try write { db in
            try run.insert(db)
            return run.id!
        }
    }

    public func finishRun(_ id: Int64, status: RunStatus, outcome: String?, at date: Date = Date()) throws(JournalError) {
        try write { db in
            guard var run = try RunRecord.fetchOne(db, key: id) else { throw JournalError.unknownRun(id) }
            run.status = status
            run.outcome = outcome
            run.finishedAt = date
            try run.update(db)
        }
    }

    public func setRunStatus(_ id: Int64, _ status: RunStatus) throws(JournalError) {
        try write { db in
            guard var run = try RunRecord.fetchOne(db, key: id) else { throw JournalError.unknownRun(id) }
            run.status = status
            try run.update(db)
        }
    }

    public func run(_ id: Int64) throws(JournalError) -> RunRecord? {
        try read { db in try RunRecord.fetchOne(db, key: id) }
    }

    /// Most recent first.
    public func runs(limit: Int = 50, network: String? = nil) throws(JournalError) -> [RunRecord] {
        try read { db in
            var q = RunRecord.order(Column("id").desc).limit(limit)
            if let network { q = q.filter(Column("network") == network) }
            return try q.fetchAll(db)
        }
    }

    /// Runs that signed transactions and have not reached an end state: reconcile these first.
    public func unfinishedRuns() throws(JournalError) -> [RunRecord] {
        try read { db in try RunRecord.filter(Column("status") == RunStatus.sending.rawValue).order(Column("id")).fetchAll(db) }
    }

    // MARK: Transactions

    /// Journals a signed transaction before broadcast. Refuses a second live transaction for the
    /// same run and step unless it explicitly replaces the live one (same nonce, higher fees).
    @discardableResult
    public func recordSigned(runId: Int64, intent: String, sender: Address, nonce: UInt64, hash: Hash32, raw: String,
                             maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256, gasLimit: UInt64,
                             replacing: Int64? = nil, isCancellation: Bool = false, at date: Date = Date()) throws(JournalError) -> Int64 {
        try write { db in
            let live = try TransactionRecord
                .filter(Column("runId") == runId && Column("intent") == intent)
                .filter([TransactionStatus.signed.rawValue, TransactionStatus.broadcast.rawValue, TransactionStatus.mined.rawValue]
                    .contains(Column("status")))
                .fetchAll(db)
            if !live.isEmpty && (replacing == nil || !live.contains { $0.id == replacing }) {
                throw JournalError.duplicateIntent(runId: runId, intent: intent)
            }
            var tx = TransactionRecord(id: nil, runId: runId, intent: intent, sender: sender, nonce: nonce,
                                       hash: hash, raw: raw, maxFeePerGas: maxFeePerGas,
                                       maxPriorityFeePerGas: maxPriorityFeePerGas, gasLimit: gasLimit, status: .signed,
                                       createdAt: date, broadcastAt: nil, minedBlock: nil, gasUsed: nil, effectiveGasPrice: nil,
                                       replacesId: replacing, isCancellation: isCancellation)
            try tx.insert(db)
            return tx.id!
        }
    }

    public func markBroadcast(_ id: Int64, at date: Date = Date()) throws(JournalError) {
        try update(id) { $0.status = .broadcast; $0.broadcastAt = date }
    }

    public func markMined(_ id: Int64, block: UInt64, gasUsed: UInt64, effectiveGasPrice: UInt256?, success: Bool) throws(JournalError) {
        try write { db in
            guard var tx = try TransactionRecord.fetchOne(db, key: id) else { return }
            tx.status = success ? .mined : .reverted
            tx.minedBlock = block
            tx.gasUsed = gasUsed
            tx.effectiveGasPrice = effectiveGasPrice
            try tx.update(db)
            // Every other transaction with this sender and nonce lost the race.
            try TransactionRecord
                .filter(Column("sender") == tx.sender && Column("nonce") == tx.nonce && Column("id") != id)
                .filter([TransactionStatus.signed.rawValue, TransactionStatus.broadcast.rawValue].contains(Column("status")))
                .updateAll(db, Column("status").set(to: TransactionStatus.replaced.rawValue))
        }
    }

    public func markStatus(_ id: Int64, _ status: TransactionStatus) throws(JournalError) {
        try update(id) { $0.status = status }
    }

    /// Records that the transaction's bytes now (also) go through `route` (appended to `sentVia`).
    public func markRoute(_ id: Int64, _ route: String, atBlock block: UInt64? = nil) throws(JournalError) {
        try update(id) { tx in
            var routes = tx.routes
            if routes.last != route { routes.append(route) }
            tx.sentVia = routes.joined(separator: ",")
            if tx.sentAtBlock == nil, let block { tx.sentAtBlock = block }
        }
    }

    public func markRelayStatus(_ id: Int64, _ status: String) throws(JournalError) {
        try update(id) { $0.relayStatus = status }
    }

    func update(_ id: Int64, _ change: (inout TransactionRecord) -> Void) throws(JournalError) {
        try write { db in
            guard var tx = try TransactionRecord.fetchOne(db, key: id) else { return }
            change(&tx)
            try tx.update(db)
        }
    }

    public func transactions(runId: Int64) throws(JournalError) -> [TransactionRecord] {
        try read { db in try TransactionRecord.filter(Column("runId") == runId).order(Column("id")).fetchAll(db) }
    }

    public func transaction(hash: Hash32) throws(JournalError) -> TransactionRecord? {
        try read { db in try TransactionRecord.filter(Column("hash") == hash).fetchOne(db) }
    }

    /// Signed or broadcast transactions not yet known to be mined: the reconciler's work list.
    public func pendingTransactions() throws(JournalError) -> [TransactionRecord] {
        try read { db in
            try TransactionRecord
                .filter([TransactionStatus.signed.rawValue, TransactionStatus.broadcast.rawValue].contains(Column("status")))
                .order(Column("nonce"), Column("id")).fetchAll(db)
        }
    }

    // MARK: Prices

    public func recordPrices(network: String, blockNumber: UInt64, blockTimestamp: UInt64, quote: String,
                             prices: [String: Double], at date: Date = Date()) throws(JournalError) {
        try write { db in
            for (token, price) in prices.sorted(by: { $0.key < $1.key }) where token != quote && price.isFinite && price > 0 {
                var r = PriceRecord(id: nil, network: network, observedAt: date, blockNumber: Int64(blockNumber),
                                    blockTimestamp: Int64(blockTimestamp), token: token, quote: quote, price: price)
                try r.insert(db)
            }
        }
    }

    /// Recent observations, oldest first, grouped by block, as the strategy's guard wants them.
    public func priceHistory(network: String, quote: String, limit: Int) throws(JournalError) -> [PriceHistory.Sample] {
        try read { db in
            let blocks = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT blockTimestamp FROM price WHERE network = ? AND quote = ?
                ORDER BY blockTimestamp DESC LIMIT ?
                """, arguments: [network, quote, limit])
            guard let oldest = blocks.last else { return [] }
            let rows = try PriceRecord.filter(Column("network") == network && Column("quote") == quote && Column("blockTimestamp") >= oldest)
                .order(Column("blockTimestamp")).fetchAll(db)
            var byTime: [Int64: [String: Double]] = [:]
            for r in rows { byTime[r.blockTimestamp, default: [:]][r.token] = r.price }
            return byTime.keys.sorted().map { PriceHistory.Sample(timestamp: UInt64($0), prices: byTime[$0]!) }
        }
    }
}
