import TestSupport
import EthCore
import EthRPC

/// Builds JSON-RPC replies for a `LocalHTTPServer`: answers each request object (single or batch)
/// through `answer`, echoing ids. `answer` returns a result, or an error object via `.failure`.
enum FakeNode {
    struct RPCFailure: Error {
        let code: Int
        let message: String
        var data: JSONValue? = nil
    }

    static func reply(
        to request: LocalHTTPServer.Request,
        answer: (_ method: String, _ params: [JSONValue]) -> Result<JSONValue, RPCFailure>
    ) -> LocalHTTPServer.Action {
        guard let json = request.json else { return .json("not json", status: 400) }
        func one(_ call: JSONValue) -> JSONValue {
            let id = call["id"] ?? .null
            let method = call["method"]?.stringValue ?? ""
            let params = call["params"]?.arrayValue ?? []
            switch answer(method, params) {
            case .success(let result):
                return ["jsonrpc": "2.0", "id": id, "result": result]
            case .failure(let failure):
                var error: [String: JSONValue] = ["code": JSONValue(failure.code), "message": .string(failure.message)]
                if let data = failure.data { error["data"] = data }
                return ["jsonrpc": "2.0", "id": id, "error": .object(error)]
            }
        }
        if let calls = json.arrayValue {
            return .json(JSONValue.array(calls.map(one)).serializedString)
        }
        return .json(one(json).serializedString)
    }

    /// Method names of a recorded request (one for a single call, several for a batch).
    static func methods(of request: LocalHTTPServer.Request) -> [String] {
        guard let json = request.json else { return [] }
        let calls = json.arrayValue ?? [json]
        return calls.compactMap { $0["method"]?.stringValue }
    }
}
