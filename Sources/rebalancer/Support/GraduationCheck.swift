import Execution
import Foundation
import Market
import Strategy

/// The two-week rule on mainnet (`policy.graduation`): until the journal's paper runs of this
/// portfolio prove the policy, each run is capped; `plan`, `dry-run` and `run` say so on stderr.
enum GraduationCheck {
    /// The evidence: the portfolio's paper runs in this network's journal, and its rehearsals on
    /// other (test) networks from the data directory's rehearsal log, matched by the portfolio's
    /// fingerprint (targets, quote token, mode and policy), since a testnet copy has its own file.
    static func apply(_ portfolio: PortfolioConfig, network: NetworkConfig, portfolioFile: String, journal: Journal?,
                      dataDir: String?) -> PortfolioConfig {
        guard network.mainnet else { return portfolio }
        let paper = (try? journal?.graduationObservations(network: network.name, portfolio: portfolioFile)) ?? []
        let fingerprint = RehearsalLog.fingerprint(portfolio)
        let rehearsals = RehearsalLog.load(dataDir: dataDir)
            .filter { $0.fingerprint == fingerprint && $0.network != network.name }
            .map { GraduationObservation(at: $0.at, clean: $0.passed) }
        let evidence = GraduationEvidence(paper + rehearsals)
        guard let (percent, why) = GraduationRule.cap(portfolio.policy.graduation, evidence: evidence) else { return portfolio }
        note("graduation: \(why)")
        return GraduationRule.capped(portfolio, percent: percent)
    }

    /// The journal of `network` in `dataDir` when one exists (a plan never creates one).
    static func existingJournal(dataDir: String?, network: String) -> Journal? {
        let path = DataDirectory(dataDir).journalPath(network: network)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? Journal(path: path)
    }
}
