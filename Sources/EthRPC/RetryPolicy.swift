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
    /// The most one call may take, attempts and pauses included: each attempt's timeout is cut to
    /// what is left, and no retry starts that could not finish in time.
    public var callTimeoutSeconds: Double
    /// A deadline shared across calls (a whole command); nil for none.
    public var deadline: RPCDeadline?

    public init(
        maxRetries: Int = 3, baseDelaySeconds: Double = 0.25, maxDelaySeconds: Double = 8,
        sleep: @escaping @Sendable (Double) -> Void = RetryPolicy.threadSleep,
        onRetry: (@Sendable (RPCError, Int, Double) -> Void)? = nil,
        callTimeoutSeconds: Double = 30, deadline: RPCDeadline? = nil
    ) {
        self.maxRetries = max(0, min(maxRetries, 3))
        self.baseDelaySeconds = max(0, baseDelaySeconds)
        self.maxDelaySeconds = max(0, maxDelaySeconds)
        self.sleep = sleep
        self.onRetry = onRetry
        self.callTimeoutSeconds = callTimeoutSeconds.isFinite && callTimeoutSeconds > 0 ? callTimeoutSeconds : 30
        self.deadline = deadline
    }

    /// Seconds a call starting now may take.
    func budget() -> Double {
        min(callTimeoutSeconds, deadline?.remainingSeconds ?? .infinity)
    }

    /// Whether `error` from `method` is worth another attempt. Idempotent reads are retried also
    /// on a garbled or truncated reply (a proxy or a flaky link, not the node's answer); anything
    /// that changes state (a broadcast, a devnet snapshot) is never re-sent blindly: the caller
    /// reconciles with the chain instead.
    public static func shouldRetry(_ error: RPCError, idempotent: Bool) -> Bool {
        guard idempotent else { return false }
        if case .malformedReply = error { return true }
        return error.isRetryable
    }

    /// Methods whose repetition is harmless. Everything else (eth_sendRawTransaction,
    /// eth_sendTransaction, evm_snapshot/revert/mine, …) is sent once.
    public static func isIdempotent(_ method: String) -> Bool {
        if method.hasPrefix("eth_send") || method.hasPrefix("evm_") || method.hasPrefix("personal_")
            || method.hasPrefix("eth_sign") || method.hasPrefix("anvil_") || method.hasPrefix("hardhat_") {
            return false
        }
        return true
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
