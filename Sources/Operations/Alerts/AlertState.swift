import Execution
import Foundation

/// What the tracker remembers between ticks. Small and Codable so a daemon can persist it (in the
/// journal) and not page the operator again for the same incident after a restart.
public struct AlertState: Sendable, Codable, Hashable {
    /// Failed or blocked ticks since the last success.
    public var consecutiveFailures: Int
    /// When the current run of bad ticks began.
    public var incidentStartedAt: Date?
    /// The reason given by the latest bad tick.
    public var lastReason: String?
    /// When the alert for the current incident went out; nil while no alert has been sent.
    public var alertedAt: Date?

    public init(consecutiveFailures: Int = 0, incidentStartedAt: Date? = nil, lastReason: String? = nil, alertedAt: Date? = nil) {
        self.consecutiveFailures = consecutiveFailures
        self.incidentStartedAt = incidentStartedAt
        self.lastReason = lastReason
        self.alertedAt = alertedAt
    }

    /// Nothing wrong, nothing alerted.
    public static let healthy = AlertState()

    public var isAlerting: Bool { alertedAt != nil }
}
