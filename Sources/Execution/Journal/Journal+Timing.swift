import Foundation
import GRDB
import Strategy

// What the timing rules read (policy.minIntervalMinutes, policy.triggerPriceMovePercent).
extension Journal {
    /// The last completed rebalance of `portfolio` on `network`: its block's time and the prices
    /// the run recorded at that block (the run's start when no prices were recorded). Paper runs
    /// time paper runs only, live runs live runs only.
    public func lastRebalance(network: String, portfolio: String, quote: String, paper: Bool = false) throws(JournalError) -> LastRebalance? {
        try read { db in
            let kind = paper ? Column("mode") == RunKind.paper.rawValue : Column("mode") != RunKind.paper.rawValue
            guard let run = try RunRecord
                .filter(Column("network") == network && Column("portfolio") == portfolio
                        && Column("decision") == RunDecision.rebalance.rawValue && Column("status") == RunStatus.completed.rawValue)
                .filter(kind)
                .order(Column("id").desc).fetchOne(db) else { return nil }
            var prices: [String: Double] = [:]
            var time = UInt64(max(0, run.startedAt.timeIntervalSince1970))
            if let block = run.blockNumber {
                let rows = try PriceRecord.filter(Column("network") == network && Column("quote") == quote
                                                  && Column("blockNumber") == Int64(block)).fetchAll(db)
                for r in rows { prices[r.token] = r.price }
                if let first = rows.first { time = UInt64(max(0, first.blockTimestamp)) }
            }
            return LastRebalance(time: time, prices: prices)
        }
    }
}
