import Foundation
import Testing
@testable import Execution
@testable import Operations
@testable import Strategy

@Suite struct AlertTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_764_000_000)
    func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }

    @Test func twoFailuresAlertOnceAndSuccessRecoversOnce() throws {
        var tracker = AlertTracker(label: "devnet")
        #expect(tracker.record(.failure(reason: "node refused the connection"), at: at(0)) == nil)
        let alertEmitted = tracker.record(.failure(reason: "node timed out after 30 s"), at: at(5))
        let alert = try #require(alertEmitted)
        #expect(alert.kind == .alert)
        #expect(alert.subject.contains("devnet"))
        #expect(alert.subject.contains("2 failed ticks"))
        #expect(alert.body.contains("node timed out after 30 s"))
        #expect(tracker.state.isAlerting)
        // The same incident goes on: no second alert, however long it lasts.
        #expect(tracker.record(.failure(reason: "node timed out"), at: at(10)) == nil)
        #expect(tracker.record(.failure(reason: "node timed out"), at: at(15)) == nil)
        #expect(tracker.state.consecutiveFailures == 4)

        let recoveryEmitted = tracker.record(.success, at: at(20))
        let recovery = try #require(recoveryEmitted)
        #expect(recovery.kind == .recovery)
        #expect(recovery.subject.contains("recovered"))
        #expect(recovery.body.contains("4 bad ticks"))
        #expect(recovery.body.contains("20 min"))
        #expect(tracker.state == .healthy)
        // A further success says nothing.
        #expect(tracker.record(.success, at: at(25)) == nil)
    }

    @Test func aSingleFailureFollowedBySuccessIsSilent() {
        var tracker = AlertTracker(label: "devnet")
        #expect(tracker.record(.failure(reason: "flaky"), at: at(0)) == nil)
        #expect(tracker.record(.success, at: at(1)) == nil)
        #expect(tracker.record(.failure(reason: "flaky"), at: at(2)) == nil)
        #expect(tracker.state.consecutiveFailures == 1)
    }

    @Test func mainnetBlockAlertsAtOnce() throws {
        var tracker = AlertTracker(label: "mainnet")
        let alertEmitted = tracker.record(.blocked(reason: "block is 900 s old", mainnet: true), at: at(0))
        let alert = try #require(alertEmitted)
        #expect(alert.kind == .alert)
        #expect(alert.subject.contains("blocked"))
        #expect(alert.body.contains("block is 900 s old"))
        #expect(tracker.record(.blocked(reason: "block is 960 s old", mainnet: true), at: at(1)) == nil)
        #expect(tracker.record(.failure(reason: "node down"), at: at(2)) == nil)
        #expect(tracker.record(.success, at: at(3))?.kind == .recovery)
    }

    @Test func testnetBlockCountsLikeAFailure() throws {
        var tracker = AlertTracker(label: "sepolia")
        #expect(tracker.record(.blocked(reason: "pools disagree", mainnet: false), at: at(0)) == nil)
        let alertEmitted = tracker.record(.blocked(reason: "pools disagree", mainnet: false), at: at(1))
        let alert = try #require(alertEmitted)
        #expect(alert.subject.contains("2 ticks in a row did not run"))

        var quiet = AlertTracker(policy: AlertPolicy(failuresBeforeAlert: 3, alertOnMainnetBlock: false), label: "mainnet")
        #expect(quiet.record(.blocked(reason: "stale", mainnet: true), at: at(0)) == nil)
        #expect(quiet.record(.failure(reason: "x"), at: at(1)) == nil)
        #expect(quiet.record(.failure(reason: "y"), at: at(2))?.kind == .alert)
    }

    @Test func persistedStateSurvivesARestartWithoutReAlerting() throws {
        var tracker = AlertTracker(label: "mainnet")
        _ = tracker.record(.failure(reason: "a"), at: at(0))
        #expect(tracker.record(.failure(reason: "b"), at: at(1))?.kind == .alert)
        let saved = try JSONEncoder().encode(tracker.state)

        // The daemon restarts: the state comes back from disk.
        let restored = try JSONDecoder().decode(AlertState.self, from: saved)
        #expect(restored == tracker.state)
        var again = AlertTracker(state: restored, label: "mainnet")
        #expect(again.record(.failure(reason: "c"), at: at(2)) == nil)
        #expect(again.record(.success, at: at(3))?.kind == .recovery)
    }

    @Test func hostileStateAndPolicyDoNotTrap() {
        var tracker = AlertTracker(
            policy: AlertPolicy(failuresBeforeAlert: 0), state: AlertState(consecutiveFailures: Int.max), label: "x")
        #expect(tracker.record(.failure(reason: "r"), at: at(0))?.kind == .alert)
        #expect(tracker.state.consecutiveFailures == Int.max)
        var negative = AlertTracker(policy: AlertPolicy(failuresBeforeAlert: -5), state: AlertState(consecutiveFailures: -3), label: "x")
        // A threshold below 1 means "alert on the first failure".
        #expect(negative.record(.failure(reason: "r"), at: at(0))?.kind == .alert)
    }

    @Test func subjectsNeverCarryLineBreaks() {
        var tracker = AlertTracker(policy: AlertPolicy(failuresBeforeAlert: 1), label: "dev\r\nBcc: evil@example.com")
        let alert = tracker.record(.failure(reason: "r"), at: at(0))
        #expect(alert?.subject.contains("\r") == false)
        #expect(alert?.subject.contains("\n") == false)
    }
}

@Suite struct AlertOutcomeFromDecisionTests {
    @Test func guardsBlockAndBenignSkipsSucceed() {
        let stale = Decision(action: .skip, reasons: [.insideBands, .staleBlock(ageSeconds: 900, maxSeconds: 300)], notes: [])
        #expect(TickOutcome(decision: stale, mainnet: true)
            == .blocked(reason: "block is 900 s old (max 300 s): the node may be behind", mainnet: true))
        let calm = Decision(action: .skip, reasons: [.insideBands], notes: [])
        #expect(TickOutcome(decision: calm, mainnet: true) == .success)
        let go = Decision(action: .rebalance, reasons: [], notes: [])
        #expect(TickOutcome(decision: go, mainnet: false) == .success)
    }
}
