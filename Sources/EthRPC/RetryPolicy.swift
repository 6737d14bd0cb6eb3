import Foundation

/// Exponential backoff with jitter for retryable RPC failures.
/// Attempt n (0-based) waits a random time in [d/2, d] where d = min(maxDelay, baseDelay * 2^n);
/// a server's Retry-After (HTTP 429) raises the wait, still capped at maxDelay.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt; the brief caps this at 3.
    public var maxRetries: Int
    public var baseDelaySeconds: Double
    public var maxDelaySeconds: Double
    /// How the client waits; tests pass a recorder instead of sleeping.
    public var sleep: @Sendable (Double) -> Void
    /// Called before each retry (error, retry number 1..., delay in seconds): for progress output.
    /// Error descriptions are already redacted.
    public var onRetry: (@Sendable (RPCError, Int, Double) -> Void)?

    public init(
        maxRetries: Int = 3, baseDelaySeconds: Double = 0.25, maxDelaySeconds: Double = 8,
        sleep: @escaping @Sendable (Double) -> Void = RetryPolicy.threadSleep,
        onRetry: (@Sendable (RPCError, Int, Double) -> Void)? = nil
    ) {
        self.maxRetries = max(0, min(maxRetries, 3))
        self.baseDelaySeconds = max(0, baseDelaySeconds)
        self.maxDelaySeconds = max(0, maxDelaySeconds)
        self.sleep = sleep
        self.onRetry = onRetry
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxRetries: 0)

    public static let threadSleep: @Sendable (Double) -> Void = { seconds in
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    }

    /// The wait before retry number `retry` (1-based) after `error`.
    public func delay(beforeRetry retry: Int, after error: RPCError) -> Double {
        let exponent = Double(max(0, min(retry - 1, 30)))
        let ceiling = min(maxDelaySeconds, baseDelaySeconds * pow(2, exponent))
        var wait = ceiling / 2 + Double.random(in: 0...1) * ceiling / 2
        if case .rateLimited(_, let retryAfter?) = error {
            wait = max(wait, Double(retryAfter))
        }
        return min(wait, maxDelaySeconds)
    }
}
