/// The article's golden rule, as policy: "never run on mainnet with more than 5 % of the portfolio
/// until two weeks simulated show no losses". Until the journal holds `days` of paper runs of the
/// portfolio with no loss beyond their predicted costs, each mainnet run moves at most
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

/// What the journal shows of a portfolio's paper runs.
public struct GraduationEvidence: Sendable, Hashable {
    /// Days from the first paper run after the last losing one to the latest paper run (0: none).
    public var cleanDays: Double
    /// Paper runs whose book ended below holding by more than their predicted costs.
    public var losingRuns: Int

    public init(cleanDays: Double, losingRuns: Int) {
        self.cleanDays = cleanDays
        self.losingRuns = losingRuns
    }
}

public enum GraduationRule {
    /// The cap a mainnet run gets and why, or nil when the portfolio has graduated.
    public static func cap(_ graduation: Graduation, evidence: GraduationEvidence) -> (percent: Double, why: String)? {
        guard evidence.cleanDays < graduation.days else { return nil }
        let losses = evidence.losingRuns > 0
            ? "; \(evidence.losingRuns) paper run(s) lost more than their predicted costs, the count restarts after the last one" : ""
        return (graduation.maxTradePercent,
                "the journal holds \(fmt(evidence.cleanDays)) day(s) of paper runs of this portfolio without a loss beyond predicted costs, "
                + "policy.graduation.days asks for \(fmt(graduation.days))\(losses): each mainnet run moves at most "
                + "\(fmt(graduation.maxTradePercent))% of the portfolio (policy.graduation.maxTradePercent; `run --paper` builds the record)")
    }

    /// The portfolio with the cap applied (the smaller of the policy's own cap and the graduation cap).
    public static func capped(_ portfolio: PortfolioConfig, percent: Double) -> PortfolioConfig {
        var p = portfolio
        p.policy.maxTradePercentPerRun = min(p.policy.maxTradePercentPerRun ?? 100, percent)
        return p
    }
}
