import Foundation
import Operations
import TestSupport
import Testing
@testable import rebalancer

@Suite struct DaemonScheduleTests {
    @Test func everyAndAtSchedules() {
        #expect(Daemon.seconds("90s") == 90 && Daemon.seconds("15m") == 900 && Daemon.seconds("1h") == 3600 && Daemon.seconds("1d") == 86_400)
        #expect(Daemon.seconds("1w") == nil && Daemon.seconds("-1h") == nil && Daemon.seconds("h") == nil)
        #expect(Daemon.dailyTime("06:30") == 6 * 3600 + 30 * 60)
        #expect(Daemon.dailyTime("24:00") == nil && Daemon.dailyTime("6") == nil)
        // 2026-11-25 05:00 UTC → today 06:30; 07:00 UTC → tomorrow 06:30.
        let morning = Date(timeIntervalSince1970: 1_795_582_800)   // 2026-11-25T05:00:00Z
        let next = Daemon.nextTick(after: morning, every: nil, at: "06:30", lastStart: morning)
        #expect(next.timeIntervalSince(morning) == 5400)
        let later = morning.addingTimeInterval(2 * 3600)
        #expect(Daemon.nextTick(after: later, every: nil, at: "06:30", lastStart: later).timeIntervalSince(later) == 23.5 * 3600)
        #expect(Daemon.nextTick(after: morning, every: "15m", at: nil, lastStart: morning).timeIntervalSince(morning) == 900)
    }

    @Test func badSchedulesAreOneLineErrors() throws {
        let both = try CLIRunner.run(["daemon", "--portfolio", "p.json", "--every", "1h", "--at", "06:00"])
        #expect(both.status != 0 && both.stderr.contains("either --every or --at"))
        let neither = try CLIRunner.run(["daemon", "--portfolio", "p.json"])
        #expect(neither.status != 0 && neither.stderr.contains("give --every"))
        let badTime = try CLIRunner.run(["daemon", "--portfolio", "p.json", "--at", "25:00"])
        #expect(badTime.status != 0 && badTime.stderr.contains("--at: write a UTC time of day as HH:MM"))
    }

    /// The failure count survives restarts only if it is saved; a save that fails must be said,
    /// and a state file that cannot be read must not silently restart the count.
    @Test func alertStateIsSavedWholeAndAnUnreadableOneIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alert-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("alert-state.json").path
        #expect(try Daemon.loadAlertState(path) == .healthy)
        let state = AlertState(consecutiveFailures: 3, incidentStartedAt: Date(timeIntervalSince1970: 1_795_582_800), lastReason: "node down")
        try Daemon.saveAlertState(state, to: path)
        #expect(try Daemon.loadAlertState(path) == state)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: (any Error).self) { try Daemon.saveAlertState(state, to: dir.appendingPathComponent("missing/alert-state.json").path) }
        try Data("{\"consecutiveFailures\":".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try Daemon.loadAlertState(path) }
    }
}
