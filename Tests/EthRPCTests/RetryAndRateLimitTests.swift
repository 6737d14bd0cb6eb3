import TestSupport
import Foundation
import Testing

@testable import EthRPC

@Suite("Backoff and client-side rate limit")
struct RetryAndRateLimitTests {
    @Test func backoffGrowsExponentiallyWithJitterAndCap() {
        let policy = RetryPolicy(maxRetries: 3, baseDelaySeconds: 0.5, maxDelaySeconds: 1.5) { _ in }
        let error = RPCError.timeout(url: "u", milliseconds: 1)
        for _ in 0..<200 {
            let d1 = policy.delay(beforeRetry: 1, after: error)
            let d2 = policy.delay(beforeRetry: 2, after: error)
            let d3 = policy.delay(beforeRetry: 3, after: error)
            #expect(d1 >= 0.25 && d1 <= 0.5)
            #expect(d2 >= 0.5 && d2 <= 1.0)
            #expect(d3 >= 0.75 && d3 <= 1.5)  // 2.0 capped at 1.5
        }
        let spread = Set((0..<50).map { _ in policy.delay(beforeRetry: 2, after: error) })
        #expect(spread.count > 1, "jitter must vary the delay")
        #expect(policy.delay(beforeRetry: 1, after: .rateLimited(url: "u", retryAfterSeconds: 1)) >= 1)
        #expect(policy.delay(beforeRetry: 1, after: .rateLimited(url: "u", retryAfterSeconds: 60)) == 1.5)
    }

    @Test func retriesAreCappedAtThree() {
        #expect(RetryPolicy(maxRetries: 10).maxRetries == 3)
        #expect(RetryPolicy(maxRetries: -1).maxRetries == 0)
    }

    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var time = 0.0
        private var _slept: [Double] = []
        var now: Double { lock.withLock { time } }
        var slept: [Double] { lock.withLock { _slept } }
        func sleep(_ d: Double) { lock.withLock { _slept.append(d); time += d } }
        func advance(_ d: Double) { lock.withLock { time += d } }
    }

    @Test func tokenBucketAllowsBurstThenPaces() throws {
        let clock = FakeClock()
        let limiter = try RateLimiter(requestsPerSecond: 10, burst: 2, now: { clock.now }, sleep: { clock.sleep($0) })
        #expect(limiter.acquire() == 0)
        #expect(limiter.acquire() == 0)
        #expect(abs(limiter.acquire() - 0.1) < 1e-9)
        #expect(abs(limiter.acquire() - 0.1) < 1e-9)
        clock.advance(1)  // refills to the burst size, not beyond
        #expect(limiter.acquire() == 0)
        #expect(limiter.acquire() == 0)
        #expect(limiter.acquire() > 0)
        // A cost above the burst is capped, so a large batch cannot wait forever.
        clock.advance(10)
        #expect(limiter.acquire(1_000) == 0)
        #expect(throws: RPCError.self) { try RateLimiter(requestsPerSecond: 0) }
        #expect(throws: RPCError.self) { try RateLimiter(requestsPerSecond: .nan) }
        #expect(throws: RPCError.self) { try RateLimiter(requestsPerSecond: 1e300) }
    }

    @Test func clientChargesTheLimiterPerBatchMember() throws {
        let server = try LocalHTTPServer { _, request in
            FakeNode.reply(to: request) { _, _ in .success("0x1") }
        }
        let clock = FakeClock()
        let limiter = try RateLimiter(requestsPerSecond: 5, burst: 5, now: { clock.now }, sleep: { clock.sleep($0) })
        let rpc = JSONRPCClient(transport: try HTTPTransport(url: server.url), retryPolicy: .none, rateLimiter: limiter)
        _ = try rpc.batch(Array(repeating: RPCCall("eth_blockNumber"), count: 5))
        #expect(clock.slept.isEmpty)
        _ = try rpc.call("eth_blockNumber")
        #expect(clock.slept.count == 1)
        #expect(abs(clock.slept[0] - 0.2) < 1e-9)
        #expect(server.requestCount == 2)
    }
}
