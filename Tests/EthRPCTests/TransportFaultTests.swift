import TestSupport
import EthCore
import Foundation
import Testing

@testable import EthRPC

/// Faults injected by a real local HTTP server and seen through the real libcurl transport.
/// Retries sleep through a recorder, so the tests take no backoff time.
@Suite("Transport faults against a local HTTP server")
struct TransportFaultTests {
    /// Records the retry policy's sleeps and the errors that caused them, without sleeping.
    final class SleepRecorder: @unchecked Sendable {
        private let lock = NSLock()
        private var _delays: [Double] = []
        private var _errors: [RPCError] = []
        var delays: [Double] { lock.withLock { _delays } }
        var errors: [RPCError] { lock.withLock { _errors } }
        var policy: RetryPolicy {
            RetryPolicy(
                maxRetries: 3, baseDelaySeconds: 0.25, maxDelaySeconds: 8,
                sleep: { [self] d in lock.withLock { _delays.append(d) } },
                onRetry: { [self] error, _, _ in lock.withLock { _errors.append(error) } })
        }
    }

    func client(_ server: LocalHTTPServer, path: String = "", retries: RetryPolicy, timeoutMs: Int = 5_000)
        throws -> JSONRPCClient
    {
        var config = HTTPTransport.Configuration(url: server.url + path)
        config.totalTimeoutMilliseconds = timeoutMs
        config.connectTimeoutMilliseconds = 1_000
        return JSONRPCClient(transport: try HTTPTransport(config), retryPolicy: retries)
    }

    static func chainIdAnswer(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Action {
        FakeNode.reply(to: request) { method, _ in
            method == "eth_chainId" ? .success("0x7a69") : .failure(.init(code: -32601, message: "method not found"))
        }
    }

    @Test func successAndKeepAliveReuseOneConnection() throws {
        let server = try LocalHTTPServer { _, request in Self.chainIdAnswer(request) }
        let rpc = try client(server, retries: .none)
        for _ in 0..<3 {
            #expect(try rpc.call("eth_chainId") == "0x7a69")
        }
        #expect(server.requestCount == 3)
        #expect(server.connectionCount == 1)
        let first = try #require(server.requests.first)
        #expect(first.method == "POST")
        #expect(first.headers["content-type"] == "application/json")
        #expect(first.headers["accept-encoding"]?.contains("gzip") == true)
        #expect(first.headers["expect"] == nil)
        let body = try #require(first.json)
        #expect(body["jsonrpc"] == "2.0")
        #expect(body["method"] == "eth_chainId")
        #expect(body["params"] == [])
    }

    @Test func http500ThenSuccessIsRetried() throws {
        let server = try LocalHTTPServer { index, request in
            index == 0 ? .respond(status: 500, body: Array("upstream exploded".utf8)) : Self.chainIdAnswer(request)
        }
        let sleeps = SleepRecorder()
        let rpc = try client(server, retries: sleeps.policy)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
        #expect(server.requestCount == 2)
        #expect(sleeps.delays.count == 1, "\(sleeps.errors)")
        #expect(sleeps.errors == [.httpServerError(status: 500, url: server.url, body: "upstream exploded")])
        // First retry waits within [base/2, base].
        #expect(sleeps.delays.allSatisfy { $0 >= 0.125 && $0 <= 0.25 })
    }

    @Test func persistent503EndsInTypedErrorAfterThreeRetries() throws {
        let server = try LocalHTTPServer { _, _ in .respond(status: 503, body: Array("busy".utf8)) }
        let sleeps = SleepRecorder()
        let rpc = try client(server, retries: sleeps.policy)
        #expect {
            try rpc.call("eth_chainId")
        } throws: { error in
            guard case .httpServerError(503, _, let body) = error as? RPCError else { return false }
            return body == "busy" && (error as? RPCError)?.isRetryable == true
        }
        #expect(server.requestCount == 4)
        #expect(sleeps.delays.count == 3)
    }

    @Test func http429HonoursRetryAfterAndGivesUpTyped() throws {
        let server = try LocalHTTPServer { _, _ in
            .respond(status: 429, body: Array("slow down".utf8), headers: [("Retry-After", "2")])
        }
        let sleeps = SleepRecorder()
        let rpc = try client(server, retries: sleeps.policy)
        do {
            _ = try rpc.call("eth_chainId")
            Issue.record("expected rate limit error")
        } catch {
            #expect(error == .rateLimited(url: server.url, retryAfterSeconds: 2))
            #expect(error.isRetryable)
            #expect(error.description.contains("429"))
        }
        #expect(server.requestCount == 4)
        #expect(sleeps.delays.count == 3)
        #expect(sleeps.delays.allSatisfy { $0 >= 2 })
    }

    @Test func http429ThenSuccess() throws {
        let server = try LocalHTTPServer { index, request in
            index < 2 ? .respond(status: 429, body: []) : Self.chainIdAnswer(request)
        }
        let rpc = try client(server, retries: SleepRecorder().policy)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
        #expect(server.requestCount == 3)
    }

    @Test func timeoutIsTypedAndRetried() throws {
        let server = try LocalHTTPServer { index, request in
            index < 2 ? .delay(seconds: 1.5, then: Self.chainIdAnswer(request)) : Self.chainIdAnswer(request)
        }
        let sleeps = SleepRecorder()
        let start = Date()
        let rpc = try client(server, retries: sleeps.policy, timeoutMs: 300)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
        #expect(server.requestCount == 3)
        #expect(Date().timeIntervalSince(start) < 5)

        let slow = try LocalHTTPServer { _, request in .delay(seconds: 1.5, then: Self.chainIdAnswer(request)) }
        let noRetry = try client(slow, retries: .none, timeoutMs: 300)
        do {
            _ = try noRetry.call("eth_chainId")
            Issue.record("expected timeout")
        } catch {
            guard case .timeout(let url, let ms) = error else {
                Issue.record("expected .timeout, got \(error)")
                return
            }
            #expect(url == slow.url)
            #expect(ms >= 250 && ms < 1_500)
            #expect(error.isRetryable)
        }
        #expect(slow.requestCount == 1)
    }

    @Test func connectionRefusedIsTypedAndRetryable() throws {
        let port = try LocalHTTPServer.closedPort()
        let sleeps = SleepRecorder()
        let transport = try HTTPTransport(url: "http://127.0.0.1:\(port)/v3/0123456789abcdef0123456789abcdef")
        let rpc = JSONRPCClient(transport: transport, retryPolicy: sleeps.policy)
        do {
            _ = try rpc.call("eth_chainId")
            Issue.record("expected connection refused")
        } catch {
            guard case .transport(.connectionRefused, let url, _) = error else {
                Issue.record("expected connection refused, got \(error)")
                return
            }
            #expect(url == "http://127.0.0.1:\(port)/v3/****")
            #expect(!error.description.contains("0123456789abcdef"))
            #expect(error.isRetryable)
        }
        #expect(sleeps.delays.count == 3)
    }

    @Test func droppedConnectionThenSuccess() throws {
        let server = try LocalHTTPServer { index, request in index == 0 ? .close : Self.chainIdAnswer(request) }
        let rpc = try client(server, retries: SleepRecorder().policy)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
        #expect(server.requestCount == 2)
    }

    @Test func garbledJSONIsRetriedForReadsButNeverForSends() throws {
        // A truncated reply to a read is a flaky link: the read is asked again.
        let flaky = try LocalHTTPServer { index, request in
            index == 0 ? .json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a") : Self.chainIdAnswer(request)
        }
        #expect(try client(flaky, retries: SleepRecorder().policy).call("eth_chainId") == "0x7a69")
        #expect(flaky.requestCount == 2)
        // Always garbled: a typed malformed-reply error after the retries.
        let server = try LocalHTTPServer { _, _ in .json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a") }
        let rpc = try client(server, retries: SleepRecorder().policy)
        #expect {
            try rpc.call("eth_chainId")
        } throws: { error in
            guard case .malformedReply(let what) = error as? RPCError else { return false }
            return what.contains("not JSON")
        }
        #expect(server.requestCount == 4)
        // A broadcast is sent once whatever comes back (or does not): only the chain settles it.
        for action in [LocalHTTPServer.Action.json("{\"jsonrpc\":\"2.0\",\"id\":1,\"res"), .respond(status: 503, body: []), .close] {
            let node = try LocalHTTPServer { _, _ in action }
            let sender = try client(node, retries: SleepRecorder().policy)
            #expect(throws: RPCError.self) { try sender.call("eth_sendRawTransaction", ["0x02"]) }
            #expect(throws: RPCError.self) { try sender.batch([RPCCall("eth_sendRawTransaction", ["0x02"])]).first?.get() }
            #expect(node.requestCount == 2, "one request per send, got \(node.requestCount)")
        }
    }

    @Test func aNodeThatNeverAnswersCostsTheDeadlineNotAttemptsTimesTimeout() throws {
        let silent = try LocalHTTPServer { _, request in .delay(seconds: 60, then: Self.chainIdAnswer(request)) }
        // 30 s per attempt, 3 retries: 121 s before; the call's 2 s budget bounds it now.
        let start = Date()
        let rpc = try client(silent, retries: RetryPolicy(maxRetries: 3, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2, callTimeoutSeconds: 2),
                             timeoutMs: 30_000)
        #expect {
            try rpc.call("eth_chainId")
        } throws: { error in
            guard case .timeout = error as? RPCError else { return false }
            return true
        }
        let elapsed = Date().timeIntervalSince(start)
        print("never-answering node, 2 s budget, 30 s per attempt: failed after \(String(format: "%.2f", elapsed)) s")
        #expect(elapsed < 3, "took \(elapsed) s")
        // A shared command deadline bounds every later call too.
        let deadline = RPCDeadline(seconds: 1)
        let shared = try client(silent, retries: RetryPolicy(maxRetries: 3, callTimeoutSeconds: 30, deadline: deadline), timeoutMs: 30_000)
        let t0 = Date()
        #expect(throws: RPCError.self) { try shared.call("eth_chainId") }
        #expect(throws: RPCError.self) { try shared.call("eth_blockNumber") }
        #expect(Date().timeIntervalSince(t0) < 2)
    }

    @Test func wrongReplyShapesAreMalformed() throws {
        let replies = [
            "[1,2,3]",  // array for a single call
            "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}",  // id mismatch
            "{\"jsonrpc\":\"2.0\",\"id\":1}",  // neither result nor error
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"no code\"}}",
        ]
        for reply in replies {
            let server = try LocalHTTPServer { _, _ in .json(reply) }
            let rpc = try client(server, retries: SleepRecorder().policy)
            #expect(throws: RPCError.self) { try rpc.call("eth_chainId") }
            do {
                _ = try rpc.call("eth_chainId")
            } catch {
                guard case .malformedReply = error else {
                    Issue.record("\(reply): expected malformedReply, got \(error)")
                    continue
                }
            }
        }
    }

    @Test func otherHTTPStatusIsNotRetried() throws {
        let server = try LocalHTTPServer { _, _ in .respond(status: 401, body: Array("bad key\nsecond line".utf8)) }
        let rpc = try client(server, retries: SleepRecorder().policy)
        do {
            _ = try rpc.call("eth_chainId")
            Issue.record("expected HTTP 401")
        } catch {
            #expect(error == .httpStatus(status: 401, url: server.url, body: "bad key\nsecond line"))
            #expect(!error.isRetryable)
            #expect(!error.description.contains("\n"))
        }
        #expect(server.requestCount == 1)
    }

    @Test func jsonRPCErrorInsideHTTPErrorStatusIsReportedAsSuch() throws {
        let server = try LocalHTTPServer { _, request in
            let id = request.json?["id"] ?? .null
            let reply: JSONValue = [
                "jsonrpc": "2.0", "id": id, "error": ["code": -32000, "message": "nonce too low: next nonce 5, tx nonce 3"],
            ]
            return .json(reply.serializedString, status: 400)
        }
        let rpc = try client(server, retries: SleepRecorder().policy)
        #expect(throws: RPCError.nonceTooLow("nonce too low: next nonce 5, tx nonce 3")) {
            try rpc.call("eth_sendRawTransaction", ["0x00"])
        }
        #expect(server.requestCount == 1)
    }

    @Test func oversizedResponseIsRefused() throws {
        let big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x" + String(repeating: "ab", count: 5_000) + "\"}"
        let server = try LocalHTTPServer { _, _ in .json(big) }
        var config = HTTPTransport.Configuration(url: server.url)
        config.maxResponseBytes = 1_000
        let rpc = JSONRPCClient(transport: try HTTPTransport(config), retryPolicy: .none)
        #expect(throws: RPCError.responseTooLarge(limitBytes: 1_000)) { try rpc.call("eth_getCode") }
    }

    @Test func gzipResponseIsDecoded() throws {
        // gzip of {"jsonrpc":"2.0","id":1,"result":"0x7a69"} (made with Python's gzip module, mtime 0).
        let gzipped: [UInt8] = try Hex.decode(
            "1f8b0800000000000203ab56ca2acecf2b2a4856b25232d23350d251ca4c51b232d4512a4a2d2ecd29018a1a5498279a592ad50200d22089f52a000000"
        )
        let server = try LocalHTTPServer { _, _ in
            .respond(status: 200, body: gzipped, headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/json")])
        }
        let rpc = try client(server, retries: .none)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
    }

    @Test func extraHeadersAreSentAndNeverPrinted() throws {
        let server = try LocalHTTPServer { _, request in Self.chainIdAnswer(request) }
        var config = HTTPTransport.Configuration(url: server.url)
        let auth = try HTTPHeader.authorization(
            fromEnvironment: "TEST_RPC_AUTH", environment: ["TEST_RPC_AUTH": "Bearer not-a-real-token"])
        config.headers = [auth, try HTTPHeader(name: "X-Client", value: "rebalancer")]
        let rpc = JSONRPCClient(transport: try HTTPTransport(config), retryPolicy: .none)
        _ = try rpc.call("eth_chainId")
        let headers = try #require(server.requests.first?.headers)
        #expect(headers["authorization"] == "Bearer not-a-real-token")
        #expect(headers["x-client"] == "rebalancer")
        #expect(auth.description == "Authorization: ****")
        #expect(throws: RPCError.self) { try HTTPHeader.authorization(fromEnvironment: "UNSET_VAR", environment: [:]) }
        #expect(throws: RPCError.self) { try HTTPHeader(name: "X", value: "a\r\nInjected: 1") }
        #expect(throws: RPCError.self) { try HTTPHeader(name: "X", value: "a\nInjected: 1") }
        #expect(throws: RPCError.self) { try HTTPHeader(name: "X-A: b", value: "c") }
    }

    @Test func explicitProxyIsUsedWhenConfigured() throws {
        // The local server plays the proxy: a proxied HTTP request names the absolute target URL.
        let proxy = try LocalHTTPServer { _, request in Self.chainIdAnswer(request) }
        var config = HTTPTransport.Configuration(url: "http://node.invalid:8545/rpc")
        config.proxy = proxy.url
        let rpc = JSONRPCClient(transport: try HTTPTransport(config), retryPolicy: .none)
        #expect(try rpc.call("eth_chainId") == "0x7a69")
        #expect(proxy.requests.first?.path == "http://node.invalid:8545/rpc")
    }

    @Test func nonHTTPURLIsRejected() {
        #expect(throws: RPCError.self) { try HTTPTransport(url: "ftp://127.0.0.1/") }
        #expect(throws: RPCError.self) { try HTTPTransport(url: "127.0.0.1:8545") }
    }
}
