import Execution
import Foundation
import Market
import Strategy

/// The two-week rule on mainnet (`policy.graduation`): until the journal's paper runs of this
/// portfolio prove the policy, each run is capped; `plan`, `dry-run` and `run` say so on stderr.
enum GraduationCheck {
    static func apply(_ portfolio: PortfolioConfig, network: NetworkConfig, portfolioFile: String, journal: Journal?) -> PortfolioConfig {
        guard network.mainnet else { return portfolio }
        let evidence = (try? journal?.graduationEvidence(network: network.name, portfolio: portfolioFile))
            ?? GraduationEvidence(cleanDays: 0, losingRuns: 0)
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
