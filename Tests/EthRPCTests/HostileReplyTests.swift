import TestSupport
import EthCore
import Foundation
import Testing

@testable import EthRPC

/// Replies mangled at the transport level (the one place mocks are allowed): every outcome must be
/// a value or a typed error, never a crash.
@Suite("Hostile replies")
struct HostileReplyTests {
    /// Answers every request with `reply(requestBody)`.
    struct ScriptedTransport: RPCTransport {
        let reply: @Sendable ([UInt8]) -> [UInt8]
        func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] { reply(body) }
    }

    /// A deterministic generator so a failure can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let block = #"{"number":"0x4b4","hash":"0xabababababababababababababababababababababababababababababababab","parentHash":"0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd","timestamp":"0x692e1f00","baseFeePerGas":"0x7","gasLimit":"0x1c9c380","gasUsed":"0x0"}"#

    @Test func mutatedBatchRepliesNeverCrash() throws {
        var rng = SplitMix(state: 42)
        var outcomes = (values: 0, errors: 0)
        for _ in 0..<400 {
            let mutation = (rng.next(), rng.next(), rng.next())
            let transport = ScriptedTransport { body in
                // Answer with a well-formed reply for the request ids, then damage it.
                let ids = (try? JSONValue.parse(body))?.arrayValue?.compactMap { $0["id"] } ?? []
                var text = "["
                for (i, id) in ids.enumerated() {
                    if i > 0 { text += "," }
                    text += #"{"jsonrpc":"2.0","id":\#(id.serializedString),"result":\#(i == 0 ? HostileReplyTests.block : "\"0x10\"")}"#
                }
                text += "]"
                var bytes = Array(text.utf8)
                guard !bytes.isEmpty else { return bytes }
                let position = Int(mutation.0 % UInt64(bytes.count))
                switch mutation.1 % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: mutation.2)
                case 1: bytes.removeSubrange(position...)
                case 2: bytes.insert(contentsOf: Array("\"x\",{}[".utf8).shuffled(), at: position)
                default: bytes.remove(at: position)
                }
                return bytes
            }
            let client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: .none))
            do {
                let (header, number) = try client.batch(at: .latest) { b in (b.header(), b.add(Eth.blockNumber())) }
                for result in [header.result.map { _ in () }, number.result.map { _ in () }] {
                    if case .success = result { outcomes.values += 1 } else { outcomes.errors += 1 }
                }
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.values > 0)
        #expect(outcomes.errors > 0)
    }

    @Test func wrongTypesInResultsAreTypedErrors() throws {
        let replies: [String] = [
            #"{"jsonrpc":"2.0","id":1,"result":null}"#, #"{"jsonrpc":"2.0","id":1,"result":[]}"#,
            #"{"jsonrpc":"2.0","id":1,"result":{"number":1}}"#, #"{"jsonrpc":"2.0","id":1,"result":"0x"}"#,
            #"{"jsonrpc":"2.0","id":1,"result":"-0x1"}"#, #"{"jsonrpc":"2.0","id":1,"result":true}"#,
        ]
        for reply in replies {
            let client = EthClient(rpc: JSONRPCClient(transport: ScriptedTransport { _ in Array(reply.utf8) }, retryPolicy: .none))
            #expect(throws: RPCError.self) { try client.blockNumber() }
            #expect(throws: RPCError.self) { try client.getBlock(.latest) }
            #expect(throws: RPCError.self) { try client.feeHistory(blockCount: 1, newest: .latest, percentiles: []) }
            #expect(throws: RPCError.self) { try client.getLogs(LogFilter(fromBlock: .latest, toBlock: .latest)) }
        }
    }

    @Test func concurrentCallersShareOneConnection() throws {
        let server = try LocalHTTPServer { _, request in
            FakeNode.reply(to: request) { _, params in .success(params.first ?? nil) }
        }
        let rpc = JSONRPCClient(transport: try HTTPTransport(url: server.url), retryPolicy: .none)
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let answer = try? rpc.call("echo", [JSONValue(i)])
            results.set(i, answer)
        }
        #expect(results.all == (0..<16).map { JSONValue($0) })
        #expect(server.requestCount == 16)
        #expect(server.connectionCount == 1)
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values = [JSONValue?](repeating: nil, count: 16)
        func set(_ i: Int, _ v: JSONValue?) { lock.withLock { values[i] = v } }
        var all: [JSONValue?] { lock.withLock { values } }
    }
}
