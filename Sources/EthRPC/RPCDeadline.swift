import Foundation

/// A moment after which no more requests are made: one per command, shared by every client it
/// opens, so a node that never answers costs the deadline, not attempts × per-attempt timeout.
public final class RPCDeadline: Sendable {
    /// Monotonic clock (uptime), immune to wall-clock changes.
    private let end: UInt64

    public init(seconds: Double) {
        let nanos = seconds.isFinite && seconds > 0 ? min(seconds, 1e9) * 1e9 : 0
        end = DispatchTime.now().uptimeNanoseconds &+ UInt64(nanos)
    }

    /// Seconds left (0 once passed).
    public var remainingSeconds: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= end ? 0 : Double(end - now) / 1e9
    }

    public var hasPassed: Bool { remainingSeconds <= 0 }
}
