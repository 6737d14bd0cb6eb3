import TestSupport
import EthCore
import Foundation
import Testing

@testable import EthRPC

/// JSON-RPC batches through the real transport against a local server that misbehaves per member.
@Suite("JSON-RPC batches")
struct BatchTests {
    static let noSleep = RetryPolicy(maxRetries: 3) { _ in }

    func client(_ server: LocalHTTPServer, retries: RetryPolicy = BatchTests.noSleep) throws -> JSONRPCClient {
        JSONRPCClient(transport: try HTTPTransport(url: server.url), retryPolicy: retries)
    }

    /// Answers eth_getBalance with the first param's last byte as the balance.
    static func answer(_ method: String, _ params: [JSONValue]) -> Result<JSONValue, FakeNode.RPCFailure> {
        switch method {
        case "eth_blockNumber": return .success("0x10")
        case "eth_getBalance":
            let tail = params.first?.stringValue?.suffix(2) ?? "00"
            return .success(.string("0x" + tail))
        case "eth_call":
            // Error("too little received") as geth reports it.
            let data = "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
                + "0000000000000000000000000000000000000000000000000000000000000013"
                + "746f6f206c6974746c6520726563656976656400000000000000000000000000"
            return .failure(.init(code: 3, message: "execution reverted: too little received", data: .string(data)))
        default: return .failure(.init(code: -32601, message: "the method \(method) does not exist"))
        }
    }

    @Test func repliesInAnyOrderAreMatchedById() throws {
        let server = try LocalHTTPServer { _, request in
            guard case .respond(let status, let body, let headers) = FakeNode.reply(to: request, answer: Self.answer),
                let members = (try? JSONValue.parse(body))?.arrayValue
            else { return .close }
            return .respond(status: status, body: JSONValue.array(members.reversed()).serialized, headers: headers)
        }
        let rpc = try client(server)
        let results = try rpc.batch([
            RPCCall("eth_getBalance", ["0x00000000000000000000000000000000000000aa", "latest"]),
            RPCCall("eth_blockNumber"),
            RPCCall("eth_getBalance", ["0x00000000000000000000000000000000000000bb", "latest"]),
        ])
        #expect(try results.map { try $0.get() } == ["0xaa", "0x10", "0xbb"])
        #expect(server.requestCount == 1)
    }

    @Test func oneFailingMemberIsReportedForThatMemberOnly() throws {
        let server = try LocalHTTPServer { _, request in FakeNode.reply(to: request, answer: Self.answer) }
        let rpc = try client(server)
        let results = try rpc.batch([
            RPCCall("eth_blockNumber"),
            RPCCall("eth_call", [["to": "0x00000000000000000000000000000000000000aa", "data": "0x"], "latest"]),
            RPCCall("eth_nonexistent"),
        ])
        #expect(try results[0].get() == "0x10")
        guard case .failure(.executionReverted(let info)) = results[1] else {
            Issue.record("expected a revert, got \(results[1])")
            return
        }
        #expect(info.reason == .error("too little received"))
        #expect(results[2] == .failure(.rpc(code: -32601, message: "the method eth_nonexistent does not exist")))
        // Neither failure is retryable: one HTTP request.
        #expect(server.requestCount == 1)
    }

    @Test func missingIdIsRetriedForThatMemberAloneThenReported() throws {
        // The server always drops the answer to eth_blockNumber.
        let server = try LocalHTTPServer { _, request in
            guard let calls = request.json?.arrayValue else { return .close }
            let kept = calls.filter { $0["method"] != "eth_blockNumber" }
            let sub = LocalHTTPServer.Request(
                method: request.method, path: request.path, headers: request.headers,
                body: JSONValue.array(kept).serialized)
            return FakeNode.reply(to: sub, answer: Self.answer)
        }
        let rpc = try client(server)
        let results = try rpc.batch([
            RPCCall("eth_getBalance", ["0x00000000000000000000000000000000000000aa", "latest"]),
            RPCCall("eth_blockNumber"),
        ])
        #expect(try results[0].get() == "0xaa")
        guard case .failure(.missingResponse(_, let method)) = results[1] else {
            Issue.record("expected missingResponse, got \(results[1])")
            return
        }
        #expect(method == "eth_blockNumber")
        // First attempt + 3 retries; the retries carry only the missing member.
        #expect(server.requestCount == 4)
        #expect(server.requests.dropFirst().allSatisfy { FakeNode.methods(of: $0) == ["eth_blockNumber"] })
    }

    @Test func missingIdThatAppearsOnRetrySucceeds() throws {
        let server = try LocalHTTPServer { index, request in
            guard index == 0, let calls = request.json?.arrayValue else { return FakeNode.reply(to: request, answer: Self.answer) }
            let sub = LocalHTTPServer.Request(
                method: request.method, path: request.path, headers: request.headers,
                body: JSONValue.array(Array(calls.prefix(1))).serialized)
            return FakeNode.reply(to: sub, answer: Self.answer)
        }
        let rpc = try client(server)
        let results = try rpc.batch([RPCCall("eth_blockNumber"), RPCCall("eth_blockNumber")])
        #expect(try results.map { try $0.get() } == ["0x10", "0x10"])
        #expect(server.requestCount == 2)
    }

    @Test func rateLimitedMemberIsRetried() throws {
        let server = try LocalHTTPServer { index, request in
            FakeNode.reply(to: request) { method, params in
                if index == 0 && method == "eth_blockNumber" {
                    return .failure(.init(code: -32005, message: "limit exceeded"))
                }
                return Self.answer(method, params)
            }
        }
        let rpc = try client(server)
        let results = try rpc.batch([RPCCall("eth_blockNumber"), RPCCall("eth_getBalance", ["0x00000000000000000000000000000000000000cc", "latest"])])
        #expect(try results.map { try $0.get() } == ["0x10", "0xcc"])
        #expect(server.requestCount == 2)
    }

    @Test func wholeBatchTransportFailureIsRetriedThenThrown() throws {
        let server = try LocalHTTPServer { index, request in
            index == 0 ? .respond(status: 502, body: []) : FakeNode.reply(to: request, answer: Self.answer)
        }
        let rpc = try client(server)
        let results = try rpc.batch([RPCCall("eth_blockNumber")])
        #expect(try results[0].get() == "0x10")
        #expect(server.requestCount == 2)

        let broken = try LocalHTTPServer { _, _ in .json("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch too large\"}}") }
        #expect(throws: RPCError.rpc(code: -32600, message: "batch too large")) {
            try client(broken).batch([RPCCall("eth_blockNumber")])
        }
        let garbage = try LocalHTTPServer { _, _ in .json("]]") }
        #expect(throws: RPCError.self) { try client(garbage).batch([RPCCall("eth_blockNumber")]) }
        #expect(garbage.requestCount == 4, "a garbled reply to reads is asked again (3 retries)")
        let garbledSend = try LocalHTTPServer { _, _ in .json("]]") }
        #expect(throws: RPCError.self) { try client(garbledSend).batch([RPCCall("eth_sendRawTransaction", ["0x02"])]) }
        #expect(garbledSend.requestCount == 1, "a broadcast is never re-sent blindly")
    }

    @Test func emptyBatchSendsNothing() throws {
        let server = try LocalHTTPServer { _, request in FakeNode.reply(to: request, answer: Self.answer) }
        #expect(try client(server).batch([]).isEmpty)
        #expect(server.requestCount == 0)
    }
}
