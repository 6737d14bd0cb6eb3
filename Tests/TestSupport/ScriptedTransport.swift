import EthCore
import EthRPC
import Foundation

/// A scripted node at the transport level: every JSON-RPC request (single or batch) is answered by
/// `answer(method, params)`; HTTP bodies are recorded so tests can count requests and batch members.
public final class ScriptedTransport: RPCTransport, @unchecked Sendable {
    public struct Failure: Error {
        public var code: Int
        public var message: String
        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
    }

    private let lock = NSLock()
    private var _bodies: [JSONValue] = []
    let answer: @Sendable (String, [JSONValue]) -> Result<JSONValue, Failure>

    public init(_ answer: @escaping @Sendable (String, [JSONValue]) -> Result<JSONValue, Failure>) { self.answer = answer }

    public var bodies: [JSONValue] { lock.withLock { _bodies } }
    /// Method names per HTTP request.
    public var requests: [[String]] {
        bodies.map { body in (body.arrayValue ?? [body]).compactMap { $0["method"]?.stringValue } }
    }

    public func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        guard let json = try? JSONValue.parse(body) else { throw .malformedReply("test transport: request is not JSON") }
        lock.withLock { _bodies.append(json) }
        func one(_ call: JSONValue) -> JSONValue {
            let id = call["id"] ?? .null
            switch answer(call["method"]?.stringValue ?? "", call["params"]?.arrayValue ?? []) {
            case .success(let result): return ["jsonrpc": "2.0", "id": id, "result": result]
            case .failure(let f):
                return ["jsonrpc": "2.0", "id": id, "error": ["code": JSONValue(f.code), "message": .string(f.message)]]
            }
        }
        if let calls = json.arrayValue { return JSONValue.array(calls.map(one)).serialized }
        return one(json).serialized
    }
}

