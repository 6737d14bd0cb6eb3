import Execution
import Foundation
import TestSupport
import Testing
@testable import rebalancer

/// The two-week rule on a network marked mainnet: `plan` caps each run at
/// policy.graduation.maxTradePercent and says why until the journal holds policy.graduation.days of
/// paper runs or testnet rehearsals of the portfolio without a loss beyond predicted costs.
@Suite struct GraduationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A folder with networks/devmain.json: the devnet's file marked mainnet, the snapshot and a portfolio.
    func workspace(policy: String = "") throws -> (dir: URL, portfolio: String, state: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graduation-\(UUID().uuidString)")
        try MainnetLikeNetwork.write(name: "devmain", into: dir, devnetFile: Self.repositoryRoot.appendingPathComponent("networks/devnet.json"))
        let state = dir.appendingPathComponent("state.json").path
        try RoutePlanTests.stateJSON.write(toFile: state, atomically: true, encoding: .utf8)
        let portfolio = "portfolio.json"
        try """
            {"network": "devmain", "mode": "eoa", "operator": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
             "quoteToken": "USDC", "targets": [{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 50}],
             "policy": {"maxBlockAgeSeconds": 1000000000000, "maxTradePercentPerRun": 100\(policy)}}
            """.write(to: dir.appendingPathComponent(portfolio), atomically: true, encoding: .utf8)
        return (dir, portfolio, state)
    }

    func plan(_ w: (dir: URL, portfolio: String, state: String)) throws -> (notes: [String], stderr: String) {
        let r = try CLIRunner.run(["plan", "--portfolio", w.portfolio, "--state", w.state, "--json"],
                                  environment: ["REBALANCER_DATA_DIR": w.dir.appendingPathComponent("data").path], directory: w.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let decision = try #require(object["decision"] as? [String: Any])
        return (decision["notes"] as? [String] ?? [], r.stderr)
    }

    /// Paper runs of the portfolio, one a day; `losing` marks the ones that lost beyond their costs.
    func journalPaper(_ w: (dir: URL, portfolio: String, state: String), days: Int, losing: Set<Int> = []) throws {
        let journal = try Journal(path: w.dir.appendingPathComponent("data/devmain/journal.sqlite").path)
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        for day in 0..<days {
            let id = try journal.beginRun(network: "devmain", portfolio: w.portfolio, mode: .paper, blockNumber: UInt64(day), decision: .skip,
                                          reasons: [], plan: nil, status: .skipped, at: start.addingTimeInterval(Double(day) * 86_400))
            let value = losing.contains(day) ? 99_000.0 : 99_990
            try journal.recordPaper(PaperRecord(runId: id, portfolio: w.portfolio, quote: "USDC", balances: [:], startBalances: [:],
                                                value: value, holdValue: 100_000, predictedCosts: 10, gasPaid: 1))
        }
    }

    @Test func mainnetRunsAreCappedUntilTwoWeeksOfPaperRunsShowNoLoss() throws {
        let w = try workspace()
        let fresh = try plan(w)
        #expect(fresh.stderr.contains("graduation: the journal holds 0 day(s) of paper runs or testnet rehearsals of this portfolio"), "\(fresh.stderr)")
        #expect(fresh.stderr.contains("each mainnet run moves at most 5.00% of the portfolio"))
        #expect(fresh.notes.contains { $0.contains("per-run cap of 5.00%") }, "\(fresh.notes)")

        try journalPaper(w, days: 15, losing: [3])
        let lost = try plan(w)
        #expect(lost.stderr.contains("10.00 day(s)") && lost.stderr.contains("1 paper run(s) or rehearsal(s) lost more than their predicted costs"), "\(lost.stderr)")

        let clean = try workspace()
        try journalPaper(clean, days: 15)
        let graduated = try plan(clean)
        #expect(!graduated.stderr.contains("graduation:"), "\(graduated.stderr)")
        #expect(!graduated.notes.contains { $0.contains("per-run cap") }, "\(graduated.notes)")
    }

    @Test func theOwnerChangesTheRuleInThePolicyFile() throws {
        let w = try workspace(policy: #", "graduation": {"maxTradePercent": 2, "days": 3}"#)
        try journalPaper(w, days: 2)
        let capped = try plan(w)
        #expect(capped.stderr.contains("1.00 day(s)") && capped.stderr.contains("at most 2.00%"), "\(capped.stderr)")
        let typo = try workspace(policy: #", "graduation": {"maxTradePercnt": 2}"#)
        let r = try CLIRunner.run(["plan", "--portfolio", typo.portfolio, "--state", typo.state], directory: typo.dir)
        #expect(r.status != 0 && r.errorLine.contains("maxTradePercnt"), "\(r.stderr)")
    }

    /// Testnet rehearsals of the same portfolio (its fingerprint: targets, quote, mode, policy)
    /// count beside paper runs; a failed one restarts the count like a losing paper run.
    @Test func passedTestnetRehearsalsCountTowardTheTwoWeeks() throws {
        let w = try workspace()
        let dataDir = w.dir.appendingPathComponent("data").path
        let portfolio = try ConfigLoading.portfolio(path: w.dir.appendingPathComponent(w.portfolio).path)
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        func rehearse(day: Int, passed: Bool, network: String = "sepolia") throws {
            try RehearsalLog.append(RehearsalRecord(fingerprint: RehearsalLog.fingerprint(portfolio), portfolio: "sepolia-portfolio.json",
                                                    network: network, runId: Int64(day), passed: passed,
                                                    at: start.addingTimeInterval(Double(day) * 86_400), reason: nil), dataDir: dataDir)
        }
        // Eight days of rehearsals and a week of paper runs: 15 days together, but day 9 failed.
        try journalPaper(w, days: 8)
        for day in 8...14 { try rehearse(day: day, passed: day != 9) }
        let failed = try plan(w)
        #expect(failed.stderr.contains("4.00 day(s)") && failed.stderr.contains("1 paper run(s) or rehearsal(s)"), "\(failed.stderr)")
        // A "rehearsal" journaled for the mainnet itself does not count: ten clean days, still capped.
        for day in 15...20 { try rehearse(day: day, passed: true) }
        try rehearse(day: 40, passed: true, network: "devmain")
        #expect(try plan(w).stderr.contains("10.00 day(s)"))
        // Passing rehearsals up to day 24 make fourteen: graduated.
        for day in 21...24 { try rehearse(day: day, passed: true) }
        #expect(!(try plan(w)).stderr.contains("graduation:"))
        // Another portfolio's rehearsals (another policy, another fingerprint) do not count.
        let other = try workspace(policy: #", "driftBandPoints": 7"#)
        try RehearsalLog.append(RehearsalRecord(fingerprint: "another", portfolio: "x.json", network: "sepolia", runId: 1, passed: true,
                                                at: start, reason: nil), dataDir: other.dir.appendingPathComponent("data").path)
        #expect(try plan(other).stderr.contains("graduation: the journal holds 0 day(s)"))
    }
}
