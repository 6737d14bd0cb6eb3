import Execution
import Foundation

/// Turns a stream of tick outcomes into at most one alert per incident and one recovery message
/// when a tick succeeds again. An incident is a run of failed or blocked ticks. Pure: no clock,
/// no I/O; the caller passes the time and sends what comes back.
public struct AlertTracker: Sendable {
    public var policy: AlertPolicy
    public private(set) var state: AlertState
    /// Names what is being watched in every message, e.g. "mainnet · portfolio.json".
    public var label: String

    public init(policy: AlertPolicy = AlertPolicy(), state: AlertState = .healthy, label: String) {
        self.policy = policy
        // A persisted state is read back from disk: clamp what arithmetic relies on.
        var s = state
        s.consecutiveFailures = max(0, s.consecutiveFailures)
        self.state = s
        self.label = label
    }

    /// Feeds one tick's outcome; returns the message to send, if any.
    public mutating func record(_ outcome: TickOutcome, at time: Date) -> AlertMessage? {
        switch outcome {
        case .success:
            defer { state = .healthy }
            guard let alertedAt = state.alertedAt else { return nil }
            let since = state.incidentStartedAt ?? alertedAt
            let count = state.consecutiveFailures
            return AlertMessage(
                kind: .recovery,
                subject: "[rebalancer] \(label): recovered",
                body: """
                    A tick succeeded again at \(Self.stamp(time)).
                    The incident lasted \(Self.duration(from: since, to: time)) (\(count) bad \(count == 1 ? "tick" : "ticks") since \(Self.stamp(since))).
                    Last problem: \(state.lastReason ?? "unknown")
                    """,
                time: time)

        case .failure(let reason):
            noteBadTick(reason, at: time)
            guard !state.isAlerting, state.consecutiveFailures >= policy.threshold else { return nil }
            return alert(
                at: time,
                subject: "[rebalancer] \(label): \(state.consecutiveFailures) failed ticks in a row",
                body: """
                    \(state.consecutiveFailures) ticks in a row have failed (the first at \(Self.stamp(state.incidentStartedAt ?? time))).
                    Latest: \(reason)
                    No further alert is sent for this incident; a message follows when a tick succeeds again.
                    """)

        case .blocked(let reason, let mainnet):
            noteBadTick(reason, at: time)
            guard !state.isAlerting else { return nil }
            if mainnet && policy.alertOnMainnetBlock {
                return alert(
                    at: time,
                    subject: "[rebalancer] \(label): mainnet run blocked by a guard",
                    body: """
                        A guard stopped the mainnet run at \(Self.stamp(time)); nothing was traded.
                        Reason: \(reason)
                        No further alert is sent for this incident; a message follows when a tick succeeds again.
                        """)
            }
            // Off mainnet a block counts like a failure: a guard tripping on every tick is a problem too.
            guard state.consecutiveFailures >= policy.threshold else { return nil }
            return alert(
                at: time,
                subject: "[rebalancer] \(label): \(state.consecutiveFailures) ticks in a row did not run",
                body: """
                    \(state.consecutiveFailures) ticks in a row failed or were blocked (the first at \(Self.stamp(state.incidentStartedAt ?? time))).
                    Latest: blocked by a guard: \(reason)
                    No further alert is sent for this incident; a message follows when a tick succeeds again.
                    """)
        }
    }

    private mutating func noteBadTick(_ reason: String, at time: Date) {
        if state.consecutiveFailures == 0 { state.incidentStartedAt = time }
        // Saturating: a state file that says Int.max must not trap.
        state.consecutiveFailures = state.consecutiveFailures < Int.max ? state.consecutiveFailures + 1 : Int.max
        state.lastReason = reason
    }

    private mutating func alert(at time: Date, subject: String, body: String) -> AlertMessage {
        state.alertedAt = time
        return AlertMessage(kind: .alert, subject: subject, body: body, time: time)
    }

    /// "2026-11-25 22:53:38 UTC"
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC"
    }

    /// "3 min", "2 h 5 min", "45 s".
    static func duration(from start: Date, to end: Date) -> String {
        let seconds = max(0, end.timeIntervalSince(start))
        guard seconds.isFinite, seconds < 1e12 else { return "a long time" }
        let s = Int(seconds)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) d \(s % 86_400 / 3600) h"
    }
}
