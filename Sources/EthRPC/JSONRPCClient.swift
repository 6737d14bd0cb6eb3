import EthCore
import Foundation

/// One JSON-RPC method call, before an id is assigned.
public struct RPCCall: Sendable, Equatable {
    public let method: String
    public let params: [JSONValue]

    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }
}

/// JSON-RPC 2.0 over an `RPCTransport`: single calls and batches, retries with backoff for
/// retryable failures, and an optional client-side rate limit.
///
/// Batches: replies are matched by id in any order; a member that is missing or carries an error
/// is reported for that member only. Retryable member failures are re-sent (only those members).
public final class JSONRPCClient: Sendable {
    public let transport: any RPCTransport
    public let retryPolicy: RetryPolicy
    public let rateLimiter: RateLimiter?
    /// When true a rate limiter charges one token per batch member (how hosted providers bill);
    /// when false one per HTTP request.
    public let chargePerBatchMember: Bool
    private let ids = IDSource()

    public init(
        transport: any RPCTransport, retryPolicy: RetryPolicy = .default, rateLimiter: RateLimiter? = nil,
        chargePerBatchMember: Bool = true
    ) {
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.rateLimiter = rateLimiter
        self.chargePerBatchMember = chargePerBatchMember
    }

    public var endpointDescription: String { transport.endpointDescription }

    /// Sends one request (a JSON object, not a batch) and returns its `result`. Idempotent reads
    /// are retried (see `RetryPolicy.shouldRetry`) within the policy's time budget.
    public func call(_ method: String, _ params: [JSONValue] = []) throws(RPCError) -> JSONValue {
        let clock = CallClock(budget: retryPolicy.budget())
        let idempotent = RetryPolicy.isIdempotent(method)
        var retry = 0
        while true {
            do {
                return try callOnce(RPCCall(method, params), within: try clock.attemptMilliseconds(url: endpointDescription))
            } catch {
                guard RetryPolicy.shouldRetry(error, idempotent: idempotent), retry < retryPolicy.maxRetries else {
                    throw clock.final(error, url: endpointDescription)
                }
                retry += 1
                do { try pause(beforeRetry: retry, after: error, clock: clock) } catch { throw clock.final(error, url: endpointDescription) }
            }
        }
    }

    public func call(_ call: RPCCall) throws(RPCError) -> JSONValue {
        try self.call(call.method, call.params)
    }

    /// Sends the calls as one JSON-RPC batch (one HTTP request per attempt). The outer error is
    /// thrown only when no member got an answer (transport, HTTP, unparseable reply); otherwise
    /// every member has its own result, in the order of `calls`. A batch is retried only when
    /// every member is idempotent.
    public func batch(_ calls: [RPCCall]) throws(RPCError) -> [Result<JSONValue, RPCError>] {
        if calls.isEmpty { return [] }
        let clock = CallClock(budget: retryPolicy.budget())
        let idempotent = calls.allSatisfy { RetryPolicy.isIdempotent($0.method) }
        var results = [Result<JSONValue, RPCError>?](repeating: nil, count: calls.count)
        var pending = Array(calls.indices)
        var retry = 0
        while true {
            do {
                let answers = try batchOnce(pending.map { calls[$0] }, within: try clock.attemptMilliseconds(url: endpointDescription))
                for (index, answer) in zip(pending, answers) { results[index] = answer }
            } catch {
                let nothingAnswered = results.allSatisfy { $0 == nil }
                var retried = false
                if RetryPolicy.shouldRetry(error, idempotent: idempotent), retry < retryPolicy.maxRetries {
                    retry += 1
                    do { try pause(beforeRetry: retry, after: error, clock: clock); retried = true } catch {}
                }
                if retried { continue }
                if nothingAnswered { throw clock.final(error, url: endpointDescription) }
                for index in pending { results[index] = .failure(error) }
                break
            }
            let retryable = pending.filter { index in
                if case .failure(let e)? = results[index] { return idempotent && e.isRetryable }
                return false
            }
            guard retry < retryPolicy.maxRetries, let first = retryable.first,
                case .failure(let firstError)? = results[first]
            else { break }
            retry += 1
            do { try pause(beforeRetry: retry, after: firstError, clock: clock) } catch { break }
            pending = retryable
        }
        return results.map { $0 ?? .failure(.malformedReply("no answer recorded")) }
    }

    /// Waits before a retry, unless the wait would use up the call's budget: then the error stands.
    private func pause(beforeRetry retry: Int, after error: RPCError, clock: CallClock) throws(RPCError) {
        let delay = retryPolicy.delay(beforeRetry: retry, after: error)
        guard clock.remainingSeconds > delay + 0.05 else { throw error }
        retryPolicy.onRetry?(error, retry, delay)
        retryPolicy.sleep(delay)
    }

    private func request(_ call: RPCCall, id: Int) -> JSONValue {
        ["jsonrpc": "2.0", "id": JSONValue(id), "method": .string(call.method), "params": .array(call.params)]
    }

    private func exchange(_ body: JSONValue, cost: Int, within milliseconds: Int) throws(RPCError) -> JSONValue {
        rateLimiter?.acquire(chargePerBatchMember ? cost : 1)
        let reply = try transport.send(body.serialized, within: milliseconds)
        do {
            return try JSONValue.parse(reply)
        } catch {
            throw .malformedReply("response from \(transport.endpointDescription) is not JSON (\(error))")
        }
    }

    private func callOnce(_ call: RPCCall, within milliseconds: Int) throws(RPCError) -> JSONValue {
        let id = ids.next()
        let reply = try exchange(request(call, id: id), cost: 1, within: milliseconds)
        guard case .object = reply else {
            throw .malformedReply("\(call.method): expected a JSON-RPC response object, got \(JSONRPCClient.kind(of: reply))")
        }
        // A server may answer with an error and a null id when it could not read the request.
        if reply["id"]?.intValue != id, reply["error"] == nil {
            throw .malformedReply("\(call.method): response id \(reply["id"]?.description ?? "missing") does not match request id \(id)")
        }
        return try JSONRPCClient.outcome(of: reply, method: call.method).get()
    }

    private func batchOnce(_ calls: [RPCCall], within milliseconds: Int) throws(RPCError) -> [Result<JSONValue, RPCError>] {
        let idList = calls.map { _ in ids.next() }
        let body = JSONValue.array(zip(calls, idList).map { request($0, id: $1) })
        let reply = try exchange(body, cost: calls.count, within: milliseconds)
        guard case .array(let members) = reply else {
            // A single error object answers the whole batch (e.g. "batch too large").
            if case .object = reply, reply["error"] != nil {
                if case .failure(let error) = JSONRPCClient.outcome(of: reply, method: "batch") { throw error }
            }
            throw .malformedReply("batch: expected a JSON array, got \(JSONRPCClient.kind(of: reply))")
        }
        var byID: [Int: JSONValue] = [:]
        for member in members {
            if let id = member["id"]?.intValue, byID[id] == nil { byID[id] = member }
        }
        return zip(calls, idList).map { call, id in
            guard let member = byID[id] else { return .failure(.missingResponse(id: id, method: call.method)) }
            return JSONRPCClient.outcome(of: member, method: call.method)
        }
    }

    /// The `result` or the classified `error` of one response object.
    static func outcome(of response: JSONValue, method: String) -> Result<JSONValue, RPCError> {
        if let error = response["error"], !error.isNull {
            guard let code = error["code"]?.intValue else {
                return .failure(.malformedReply("\(method): error object without an integer code: \(truncated(error))"))
            }
            let message = error["message"]?.stringValue ?? ""
            return .failure(RPCError.classify(code: code, message: message, data: error["data"]))
        }
        guard let result = response["result"] else {
            return .failure(.malformedReply("\(method): response has neither result nor error"))
        }
        return .success(result)
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func truncated(_ value: JSONValue) -> String {
        let text = value.serializedString
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}

/// The time one call (with its retries) may still take.
private struct CallClock {
    let deadline: RPCDeadline
    let budgetMilliseconds: Int

    init(budget seconds: Double) {
        deadline = RPCDeadline(seconds: seconds)
        budgetMilliseconds = Int(min(max(seconds, 0), 1e9) * 1000)
    }

    var remainingSeconds: Double { deadline.remainingSeconds }

    /// A timeout after several attempts reports the whole wait, not the last attempt's share.
    func final(_ error: RPCError, url: String) -> RPCError {
        guard case .timeout = error else { return error }
        return .timeout(url: url, milliseconds: max(0, budgetMilliseconds - Int(remainingSeconds * 1000)))
    }

    /// The next attempt's timeout; a timeout error once the budget is spent.
    func attemptMilliseconds(url: String) throws(RPCError) -> Int {
        let left = remainingSeconds
        guard left > 0.001 else { throw .timeout(url: url, milliseconds: budgetMilliseconds) }
        return max(1, Int(left * 1000))
    }
}

/// Monotonic request ids, shared by concurrent callers.
private final class IDSource: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value = value &+ 1
        if value <= 0 { value = 1 }
        return value
    }
}
