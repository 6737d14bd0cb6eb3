import EthCore
// Every way a JSON-RPC exchange can fail, each with a one-line message that says what happened
// and whether retrying can help.

/// What kind of network failure prevented an HTTP exchange.
public enum TransportFailure: String, Sendable, Equatable {
    case connectionRefused = "connection refused"
    case hostNotFound = "host name not resolved (DNS)"
    case connectionLost = "connection lost"
    case tls = "TLS failure"
    case invalidURL = "invalid URL"
    case other = "network failure"
}

public enum RPCError: Error, Sendable, Equatable {
    /// The request never got an HTTP answer (refused, DNS, reset, TLS).
    case transport(TransportFailure, url: String, detail: String)
    /// No complete answer within the connect or total timeout.
    case timeout(url: String, milliseconds: Int)
    /// HTTP 429: the provider is rate limiting; `retryAfterSeconds` from the Retry-After header if any.
    case rateLimited(url: String, retryAfterSeconds: Int?)
    /// HTTP 5xx.
    case httpServerError(status: Int, url: String, body: String)
    /// Any other non-2xx HTTP status (401, 403, 404, ...).
    case httpStatus(status: Int, url: String, body: String)
    /// The response exceeded the transport's size limit.
    case responseTooLarge(limitBytes: Int)
    /// The reply is not JSON or not a well-formed JSON-RPC 2.0 response / result of the expected shape.
    case malformedReply(String)
    /// A batch reply had no member for this request id.
    case missingResponse(id: Int, method: String)
    /// A JSON-RPC error object not classified more precisely below.
    case rpc(code: Int, message: String)
    /// The call reverted; `data` is the raw revert data, `reason` decoded when standard.
    case executionReverted(RevertInfo)
    case nonceTooLow(String)
    case replacementUnderpriced(String)
    case insufficientFunds(String)
    /// The node already has this transaction in its pool (a re-broadcast of the same bytes).
    case alreadyKnown(String)
    /// The node answered null for a block that must exist (e.g. a pinned block number it has not seen).
    case notFound(String)
    /// A node is behind: too far from the best node, or its head block is too old.
    case staleNode(StalenessReport)
    /// A caller passed an argument the client refuses (bad URL, bad option).
    case invalidArgument(String)

    /// True when the same request may succeed if sent again after a pause.
    public var isRetryable: Bool {
        switch self {
        case .transport(let kind, _, _):
            switch kind {
            case .connectionRefused, .hostNotFound, .connectionLost, .other: return true
            case .tls, .invalidURL: return false
            }
        case .timeout, .rateLimited, .httpServerError, .missingResponse: return true
        case .rpc(let code, let message): return RPCError.isRetryableRPC(code: code, message: message)
        case .httpStatus(let status, _, _): return status == 408
        case .responseTooLarge, .malformedReply, .executionReverted, .nonceTooLow, .replacementUnderpriced,
            .insufficientFunds, .alreadyKnown, .staleNode, .invalidArgument, .notFound:
            return false
        }
    }

    /// Node-side throttling and "not yet synced" answers that providers send as JSON-RPC errors.
    static func isRetryableRPC(code: Int, message: String) -> Bool {
        if code == -32005 { return true }  // EIP-1474 "limit exceeded"
        let m = message.lowercased()
        return m.contains("rate limit") || m.contains("too many requests") || m.contains("header not found")
            || m.contains("try again")
    }

    /// Maps a JSON-RPC error object to the most specific case.
    public static func classify(code: Int, message: String, data: JSONValue?) -> RPCError {
        let m = message.lowercased()
        if let revert = RevertInfo.detect(code: code, message: message, data: data) {
            return .executionReverted(revert)
        }
        if m.contains("nonce too low") || m.contains("nonce is too low") { return .nonceTooLow(message) }
        if m.contains("replacement transaction underpriced") || m.contains("replacement underpriced") {
            return .replacementUnderpriced(message)
        }
        if m.contains("insufficient funds") { return .insufficientFunds(message) }
        if m.contains("already known") || m.contains("known transaction") || m.contains("already imported")
            || m.contains("alreadyknown")
        {
            return .alreadyKnown(message)
        }
        return .rpc(code: code, message: message)
    }
}

extension RPCError: CustomStringConvertible {
    public var description: String {
        let retry = isRetryable ? "retryable" : "not retryable"
        switch self {
        case .transport(let kind, let url, let detail):
            return "RPC transport error (\(kind.rawValue)) for \(url): \(detail) [\(retry)]"
        case .timeout(let url, let ms):
            return "RPC timeout: no complete answer from \(url) within \(ms) ms [\(retry)]"
        case .rateLimited(let url, let after):
            let hint = after.map { ", Retry-After \($0) s" } ?? ""
            return "RPC rate limited: HTTP 429 from \(url)\(hint) [\(retry): back off]"
        case .httpServerError(let status, let url, let body):
            return "RPC server error: HTTP \(status) from \(url)\(RPCError.snippet(body)) [\(retry)]"
        case .httpStatus(let status, let url, let body):
            return "RPC HTTP error: HTTP \(status) from \(url)\(RPCError.snippet(body)) [\(retry): check URL and credentials]"
        case .responseTooLarge(let limit):
            return "RPC response larger than \(limit) bytes [\(retry)]"
        case .malformedReply(let what):
            return "malformed RPC reply: \(what) [\(retry)]"
        case .missingResponse(let id, let method):
            return "RPC batch reply has no answer for id \(id) (\(method)) [\(retry)]"
        case .rpc(let code, let message):
            return "JSON-RPC error \(code): \(message) [\(retry)]"
        case .executionReverted(let info):
            return "execution reverted: \(info.summary) [\(retry)]"
        case .nonceTooLow(let m):
            return "nonce too low: \(m) [\(retry): refresh the nonce]"
        case .replacementUnderpriced(let m):
            return "replacement transaction underpriced: \(m) [\(retry): raise both fees by at least 10%]"
        case .insufficientFunds(let m):
            return "insufficient funds for gas * price + value: \(m) [\(retry)]"
        case .alreadyKnown(let m):
            return "transaction already known to the node: \(m) [\(retry): it is already pending]"
        case .notFound(let what):
            return "not found on the node: \(what) [\(retry): the node may lag; try another node or a later block]"
        case .staleNode(let report):
            return "stale node: \(report.summary) [\(retry)]"
        case .invalidArgument(let m):
            return "invalid RPC argument: \(m)"
        }
    }

    /// At most 200 characters of a response body, on one line.
    static func snippet(_ body: String) -> String {
        if body.isEmpty { return "" }
        let oneLine = body.map { $0.isNewline ? " " : $0 }
        let cut = oneLine.prefix(200)
        return ": " + String(cut) + (oneLine.count > 200 ? "…" : "")
    }
}
