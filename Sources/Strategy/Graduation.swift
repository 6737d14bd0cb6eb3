import Foundation

/// The article's golden rule, as policy: "never run on mainnet with more than 5 % of the portfolio
/// until two weeks simulated show no losses". Until `days` of paper runs or testnet rehearsals of
/// the portfolio show no loss beyond their predicted costs, each mainnet run moves at most
/// `maxTradePercent` of the portfolio. No command-line flag lifts it: the owner edits the policy.
public struct Graduation: Sendable, Codable, Hashable {
    public var maxTradePercent: Double = 5
    public var days: Double = 14

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case maxTradePercent, days }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)), refusingNull: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Graduation()
        maxTradePercent = try c.decodeIfPresent(Double.self, forKey: .maxTradePercent) ?? d.maxTradePercent
        days = try c.decodeIfPresent(Double.self, forKey: .days) ?? d.days
    }
}

/// One trial run of a portfolio: a paper run (clean: its book did not fall below holding by more
/// than its predicted costs) or a testnet rehearsal (clean: it passed).
public struct GraduationObservation: Sendable, Hashable {
    public var at: Date
    public var clean: Bool

    public init(at: Date, clean: Bool) {
        self.at = at
        self.clean = clean
    }
}

/// What the trial runs of a portfolio show.
public struct GraduationEvidence: Sendable, Hashable {
    /// Days from the first clean run after the last losing one to the latest run (0: none).
    public var cleanDays: Double
    /// Runs that were not clean.
    public var losingRuns: Int

    public init(cleanDays: Double, losingRuns: Int) {
        self.cleanDays = cleanDays
        self.losingRuns = losingRuns
    }

    /// The evidence of paper runs and rehearsals together, in time order.
    public init(_ observations: [GraduationObservation]) {
        var losing = 0
        var since: Date?
        let ordered = observations.sorted { $0.at < $1.at }
        for o in ordered {
            if !o.clean {
                losing += 1
                since = nil
            } else if since == nil {
                since = o.at
            }
        }
        guard let since, let last = ordered.last?.at else {
            self.init(cleanDays: 0, losingRuns: losing)
            return
        }
        self.init(cleanDays: max(0, last.timeIntervalSince(since)) / 86_400, losingRuns: losing)
    }
}

public enum GraduationRule {
    /// The cap a mainnet run gets and why, or nil when the portfolio has graduated.
    public static func cap(_ graduation: Graduation, evidence: GraduationEvidence) -> (percent: Double, why: String)? {
        guard evidence.cleanDays < graduation.days else { return nil }
        let losses = evidence.losingRuns > 0
            ? "; \(evidence.losingRuns) paper run(s) or rehearsal(s) lost more than their predicted costs or failed, the count restarts after the last one" : ""
        return (graduation.maxTradePercent,
                "the journal holds \(fmt(evidence.cleanDays)) day(s) of paper runs or testnet rehearsals of this portfolio without a loss beyond predicted costs, "
                + "policy.graduation.days asks for \(fmt(graduation.days))\(losses): each mainnet run moves at most "
                + "\(fmt(graduation.maxTradePercent))% of the portfolio (policy.graduation.maxTradePercent; `run --paper` and `rehearse` build the record)")
    }

    /// The portfolio with the cap applied (the smaller of the policy's own cap and the graduation cap).
    public static func capped(_ portfolio: PortfolioConfig, percent: Double) -> PortfolioConfig {
        var p = portfolio
        p.policy.maxTradePercentPerRun = min(p.policy.maxTradePercentPerRun ?? 100, percent)
        return p
    }
}
