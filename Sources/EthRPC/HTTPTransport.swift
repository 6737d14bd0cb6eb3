import EthCore
import CCurl
import Foundation

/// Carries one JSON-RPC request body to a node and returns the response body.
/// The HTTP transport implements it over libcurl; tests may substitute a fault-injecting transport.
public protocol RPCTransport: Sendable {
    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8]
    /// The same within `milliseconds` (the caller's remaining deadline); transports without a
    /// per-request timeout ignore it.
    func send(_ body: [UInt8], within milliseconds: Int) throws(RPCError) -> [UInt8]
    /// Where requests go, safe to print (secrets masked).
    var endpointDescription: String { get }
}

extension RPCTransport {
    public var endpointDescription: String { "custom transport" }
    public func send(_ body: [UInt8], within milliseconds: Int) throws(RPCError) -> [UInt8] { try send(body) }
}

/// One HTTP header. `description` never shows the value: headers often carry credentials.
public struct HTTPHeader: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    let value: String

    public init(name: String, value: String) throws(RPCError) {
        // CR/LF in a header would let a config file inject extra headers or split the request.
        // Checked per Unicode scalar: "\r\n" is a single Character in Swift.
        let bad: (Unicode.Scalar) -> Bool = { $0 == "\r" || $0 == "\n" || $0 == "\0" }
        guard !name.isEmpty, !name.unicodeScalars.contains(where: bad), !name.contains(":"),
            !value.unicodeScalars.contains(where: bad)
        else {
            let shown = String(String.UnicodeScalarView(name.unicodeScalars.filter { !bad($0) }))
            throw .invalidArgument("HTTP header '\(shown)' has an empty name, a line break or ':' in its name, or a line break in its value")
        }
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): ****" }

    /// `Authorization: <value of env var>`; names the variable (never the value) when it is missing.
    public static func authorization(
        fromEnvironment variable: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RPCError) -> HTTPHeader {
        guard let value = environment[variable], !value.isEmpty else {
            throw .invalidArgument("environment variable \(variable) (RPC Authorization header) is not set")
        }
        return try HTTPHeader(name: "Authorization", value: value)
    }
}

/// JSON-RPC over HTTP(S) with libcurl. One easy handle per transport, reused for every request so
/// the TCP/TLS connection stays open (keep-alive). Requests are serialised by a lock: an easy handle
/// must not be used from two threads at once.
public final class HTTPTransport: RPCTransport, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var url: RedactedURL
        public var connectTimeoutMilliseconds: Int = 5_000
        public var totalTimeoutMilliseconds: Int = 12_000
        public var headers: [HTTPHeader] = []
        /// nil: no proxy at all, whatever the environment says (`NOPROXY *`). Otherwise the proxy URL.
        public var proxy: String? = nil
        /// Larger bodies are refused: a hostile or broken node cannot exhaust memory.
        public var maxResponseBytes: Int = 64 << 20
        public var userAgent: String = "rebalancer-ethrpc/1"
        /// GET instead of POST, the body ignored: for the REST status APIs beside JSON-RPC (a
        /// private relay's `/tx/<hash>`).
        public var httpGet = false

        public init(url: String) { self.url = RedactedURL(url) }
    }

    public let configuration: Configuration
    public var endpointDescription: String { configuration.url.display }

    private let lock = NSLock()
    private let curl: CurlHandle

    public init(_ configuration: Configuration) throws(RPCError) {
        let url = configuration.url
        guard url.raw.hasPrefix("http://") || url.raw.hasPrefix("https://") else {
            throw .transport(.invalidURL, url: url.display, detail: "only http:// and https:// RPC URLs are supported")
        }
        guard configuration.connectTimeoutMilliseconds > 0, configuration.totalTimeoutMilliseconds > 0 else {
            throw .invalidArgument("RPC timeouts must be positive")
        }
        self.configuration = configuration
        do throws(CurlError) {
            curl = try CurlHandle()
            try curl.set(CURLOPT_URL, url.raw, "URL")
            try curl.set(configuration.httpGet ? CURLOPT_HTTPGET : CURLOPT_POST, 1, configuration.httpGet ? "HTTPGET" : "POST")
            try curl.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds, "CONNECTTIMEOUT_MS")
            try curl.set(CURLOPT_TIMEOUT_MS, configuration.totalTimeoutMilliseconds, "TIMEOUT_MS")
            try curl.set(CURLOPT_TCP_KEEPALIVE, 1, "TCP_KEEPALIVE")
            try curl.set(CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR")
            // "" = offer every encoding libcurl can decode (gzip, deflate, ...), decoded transparently.
            try curl.set(CURLOPT_ACCEPT_ENCODING, "", "ACCEPT_ENCODING")
            try curl.set(CURLOPT_USERAGENT, configuration.userAgent, "USERAGENT")
            let lines = ["Content-Type: application/json", "Accept: application/json", "Expect:"]
                + configuration.headers.map { "\($0.name): \($0.value)" }
            try curl.set(CURLOPT_HTTPHEADER, list: lines, "HTTPHEADER")
            try curl.setProxy(configuration.proxy)
            try curl.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
                guard let context else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                return sink.appendBody(data, size * count)
            }, "WRITEFUNCTION")
            try curl.set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, context in
                guard let context else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                return sink.appendHeader(data, size * count)
            }, "HEADERFUNCTION")
        } catch {
            throw .transport(.other, url: url.display, detail: error.description)
        }
    }

    public convenience init(url: String) throws(RPCError) {
        try self.init(Configuration(url: url))
    }

    public func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        try send(body, within: configuration.totalTimeoutMilliseconds)
    }

    public func send(_ body: [UInt8], within milliseconds: Int) throws(RPCError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let limit = max(1, min(milliseconds, configuration.totalTimeoutMilliseconds))
        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        let failure: CurlTransferFailure? = withExtendedLifetime(sink) {
            let context = Unmanaged.passUnretained(sink).toOpaque()
            return body.withUnsafeBytes { raw -> CurlTransferFailure? in
                do throws(CurlError) {
                    try curl.set(CURLOPT_TIMEOUT_MS, limit, "TIMEOUT_MS")
                    try curl.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, min(limit, configuration.connectTimeoutMilliseconds)), "CONNECTTIMEOUT_MS")
                    try curl.set(CURLOPT_WRITEDATA, pointer: context, "WRITEDATA")
                    try curl.set(CURLOPT_HEADERDATA, pointer: context, "HEADERDATA")
                    if configuration.httpGet { return curl.perform() }
                    try curl.setOffset(CURLOPT_POSTFIELDSIZE_LARGE, raw.count, "POSTFIELDSIZE_LARGE")
                    // POSTFIELDS is not copied: `body` stays alive until perform returns.
                    try curl.set(
                        CURLOPT_POSTFIELDS, pointer: raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) } ?? emptyBody,
                        "POSTFIELDS")
                } catch {
                    return CurlTransferFailure(code: CURLE_FAILED_INIT, message: error.description)
                }
                return curl.perform()
            }
        }
        let display = configuration.url.display
        if let failure {
            if sink.overflowed { throw .responseTooLarge(limitBytes: configuration.maxResponseBytes) }
            throw rpcError(for: failure)
        }
        let status = curl.responseCode
        if (200..<300).contains(status) { return sink.body }
        if status == 429 {
            throw .rateLimited(url: display, retryAfterSeconds: sink.retryAfterSeconds)
        }
        // Some gateways send JSON-RPC errors (reverts, bad params) with a 4xx/5xx status; the
        // JSON-RPC error says more than the status, so hand such a body up unchanged.
        if HTTPTransport.isJSONRPCErrorReply(sink.body) { return sink.body }
        let text = configuration.url.redact(String(decoding: sink.body.prefix(512), as: UTF8.self))
        if (500..<600).contains(status) { throw .httpServerError(status: status, url: display, body: text) }
        throw .httpStatus(status: status, url: display, body: text)
    }

    private func rpcError(for failure: CurlTransferFailure) -> RPCError {
        let display = configuration.url.display
        let detail = configuration.url.redact(failure.message)
        switch failure.kind {
        case .timeout: return .timeout(url: display, milliseconds: curl.totalTimeMicroseconds / 1000)
        case .connectionRefused: return .transport(.connectionRefused, url: display, detail: detail)
        case .hostNotFound: return .transport(.hostNotFound, url: display, detail: detail)
        case .connectionLost: return .transport(.connectionLost, url: display, detail: detail)
        case .tls: return .transport(.tls, url: display, detail: detail)
        case .invalidURL: return .transport(.invalidURL, url: display, detail: detail)
        case .aborted, .other: return .transport(.other, url: display, detail: detail)
        }
    }

    static func isJSONRPCErrorReply(_ body: [UInt8]) -> Bool {
        guard let value = try? JSONValue.parse(body) else { return false }
        let members = value.arrayValue ?? [value]
        return !members.isEmpty && members.allSatisfy { $0["jsonrpc"] == "2.0" && $0["error"] != nil }
    }
}

/// A non-null pointer for an empty POST body.
private nonisolated(unsafe) let emptyBody = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

/// Collects one response: body bytes (bounded) and the Retry-After header.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var overflowed = false
    var retryAfterSeconds: Int? = nil

    init(limit: Int) { self.limit = limit }

    func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return 0 }
        guard body.count + count <= limit else {
            overflowed = true
            return 0  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) {
            body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
        return count
    }

    func appendHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return 0 }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
        let lower = line.lowercased()
        if lower.hasPrefix("http/") {
            retryAfterSeconds = nil  // a new response (after 100-continue or a redirect) starts
        } else if lower.hasPrefix("retry-after:") {
            let value = line.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            // Only the delta-seconds form; an HTTP date is ignored (backoff applies instead).
            if let seconds = Int(value), seconds >= 0 { retryAfterSeconds = seconds }
        }
        return count
    }
}
