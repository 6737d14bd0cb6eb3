import Execution
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// TEST-ONLY fault injection: `REBALANCER_TEST_CRASH=after-journal|after-broadcast|during-confirmation`
/// makes the process kill itself with SIGKILL right after the signed transactions are journaled
/// (nothing broadcast), right after the broadcast (before the journal says so), or at the
/// confirmer's first poll, so the crash-safety tests can prove that the next run (or daemon tick)
/// reconciles without sending twice. `run`, `daemon`, `rehearse` and `debug send-eth` honour it.
/// Never set it in production.
enum CrashInjection {
    static let variable = "REBALANCER_TEST_CRASH"

    static var point: String? { ProcessInfo.processInfo.environment[variable] }

    static func hooks() -> SendHooks {
        switch point {
        case "after-journal": return SendHooks(afterJournal: { die() })
        case "after-broadcast": return SendHooks(afterBroadcast: { die() })
        default: return SendHooks()
        }
    }

    /// The confirmer's progress callback, dying at its first poll when asked to.
    static func confirming(_ progress: (@Sendable (ConfirmerEvent) -> Void)?) -> (@Sendable (ConfirmerEvent) -> Void)? {
        guard point == "during-confirmation" else { return progress }
        return { event in
            if case .polled = event { die() }
            progress?(event)
        }
    }

    private static func die() {
        kill(getpid(), SIGKILL)
    }
}
