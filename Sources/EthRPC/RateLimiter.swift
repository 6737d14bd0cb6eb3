import Foundation

/// Client-side token bucket: at most `requestsPerSecond` on average, bursts up to `burst`.
/// A caller that finds the bucket empty reserves its tokens (the balance goes negative) and sleeps
/// for the time the refill takes, so waiting callers are served in arrival order.
public final class RateLimiter: @unchecked Sendable {
    public let requestsPerSecond: Double
    public let burst: Double
    private let lock = NSLock()
    private var tokens: Double
    private var last: Double
    private let now: @Sendable () -> Double
    private let sleep: @Sendable (Double) -> Void

    public init(
        requestsPerSecond: Double, burst: Int? = nil,
        now: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds,
        sleep: @escaping @Sendable (Double) -> Void = RetryPolicy.threadSleep
    ) throws(RPCError) {
        guard requestsPerSecond > 0, requestsPerSecond <= 1_000_000 else {
            throw .invalidArgument("rate limit must be between 0 and 1000000 requests per second, got \(requestsPerSecond)")
        }
        self.requestsPerSecond = requestsPerSecond
        self.burst = Double(max(1, min(burst ?? Int(requestsPerSecond.rounded(.up)), 1_000_000)))
        self.tokens = self.burst
        self.now = now
        self.sleep = sleep
        self.last = now()
    }

    /// Takes `cost` tokens (capped at the burst size), sleeping if the bucket is short.
    /// Returns the time slept, in seconds.
    @discardableResult
    public func acquire(_ cost: Int = 1) -> Double {
        let need = min(Double(max(cost, 0)), burst)
        lock.lock()
        let t = now()
        tokens = min(burst, tokens + (t - last) * requestsPerSecond)
        last = t
        tokens -= need
        let wait = tokens < 0 ? -tokens / requestsPerSecond : 0
        lock.unlock()
        if wait > 0 { sleep(wait) }
        return wait
    }

    public static let monotonicSeconds: @Sendable () -> Double = {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
