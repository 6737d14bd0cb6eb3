import Execution
/// A channel that delivers alert messages (webhook, e-mail).
public protocol AlertNotifier: Sendable {
    func send(_ message: AlertMessage) throws(AlertError)
    /// Names the channel and where it sends, secrets masked: safe to log.
    var channelDescription: String { get }
}

/// Sends one message through every channel; one channel failing does not stop the others.
public enum AlertDispatch {
    /// The channels that failed, with why. Empty when every channel delivered.
    public static func send(_ message: AlertMessage, through notifiers: [any AlertNotifier]) -> [AlertError] {
        var failures: [AlertError] = []
        for notifier in notifiers {
            do throws(AlertError) {
                try notifier.send(message)
            } catch {
                failures.append(error)
            }
        }
        return failures
    }
}
