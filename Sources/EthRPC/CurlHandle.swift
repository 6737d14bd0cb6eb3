import CCurl

/// One libcurl easy handle and what must live as long as it: the error buffer and the string lists
/// handed to it. The JSON-RPC transport and the alert channels both drive libcurl through this, so
/// the global init, option checking, cleanup and the reading of a failure exist once.
///
/// Not thread-safe: libcurl forbids using one easy handle from two threads at once, so an owner
/// that may be called concurrently serialises its transfers.
public final class CurlHandle {
    /// The raw handle, for options and callbacks whose user data is the owner's own object.
    public let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []

    /// curl_global_init must run before the first handle; a static let runs it exactly once.
    private static let globalInit: CURLcode = ccurl_global_init_default()

    /// A new handle with the options every use here wants: no signals (threads), no redirects
    /// followed, and libcurl's error text collected for messages.
    public init() throws(CurlError) {
        guard CurlHandle.globalInit == CURLE_OK, let raw = curl_easy_init() else { throw .initialisationFailed }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do throws(CurlError) {
            try set(CURLOPT_NOSIGNAL, 1, "NOSIGNAL")
            try set(CURLOPT_FOLLOWLOCATION, 0, "FOLLOWLOCATION")
            guard ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK else {
                throw CurlError.optionRejected("ERRORBUFFER")
            }
        } catch {
            curl_easy_cleanup(raw)
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(raw)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    public func set(_ option: CURLoption, _ value: Int, _ name: String) throws(CurlError) {
        guard ccurl_setopt_long(raw, option, value) == CURLE_OK else { throw .optionRejected(name) }
    }

    public func set(_ option: CURLoption, _ value: String, _ name: String) throws(CurlError) {
        guard ccurl_setopt_string(raw, option, value) == CURLE_OK else { throw .optionRejected(name) }
    }

    public func setOffset(_ option: CURLoption, _ value: Int, _ name: String) throws(CurlError) {
        guard ccurl_setopt_off_t(raw, option, curl_off_t(value)) == CURLE_OK else { throw .optionRejected(name) }
    }

    public func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?, _ name: String) throws(CurlError) {
        guard ccurl_setopt_pointer(raw, option, pointer) == CURLE_OK else { throw .optionRejected(name) }
    }

    public func set(_ option: CURLoption, callback: ccurl_data_callback, _ name: String) throws(CurlError) {
        guard ccurl_setopt_callback(raw, option, callback) == CURLE_OK else { throw .optionRejected(name) }
    }

    /// A string list option (headers, mail recipients); the list lives as long as the handle.
    public func set(_ option: CURLoption, list items: [String], _ name: String) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for item in items {
            guard let appended = curl_slist_append(list, item) else { break }
            list = appended
        }
        if let list { lists.append(list) }
        guard ccurl_setopt_slist(raw, option, list) == CURLE_OK else { throw .optionRejected(name) }
    }

    /// Never uses a proxy from the environment: requests go where they were told to, or through
    /// `proxy` when one is configured.
    public func setProxy(_ proxy: String?) throws(CurlError) {
        if let proxy {
            try set(CURLOPT_PROXY, proxy, "PROXY")
        } else {
            try set(CURLOPT_NOPROXY, "*", "NOPROXY")
            try set(CURLOPT_PROXY, "", "PROXY")
        }
    }

    /// Runs the transfer. nil when it completed; otherwise what failed, with libcurl's message.
    public func perform() -> CurlTransferFailure? {
        errorBuffer[0] = 0
        let code = curl_easy_perform(raw)
        guard code != CURLE_OK else { return nil }
        let message = String(cString: errorBuffer)
        return CurlTransferFailure(code: code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message)
    }

    /// The HTTP status (or the last SMTP reply code) of the last transfer; 0 when none came.
    public var responseCode: Int {
        var status = 0
        _ = ccurl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// Microseconds the last transfer took.
    public var totalTimeMicroseconds: Int {
        var elapsed: curl_off_t = 0
        _ = ccurl_getinfo_off_t(raw, CURLINFO_TOTAL_TIME_T, &elapsed)
        return Int(elapsed)
    }
}

public enum CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    case initialisationFailed
    case optionRejected(String)

    public var description: String {
        switch self {
        case .initialisationFailed: return "libcurl could not be initialised"
        case .optionRejected(let name): return "libcurl rejected option \(name) (libcurl too old or built without it?)"
        }
    }
}

/// A transfer that did not complete, read once for every user of libcurl here.
public struct CurlTransferFailure: Sendable {
    public let code: CURLcode
    /// libcurl's own text; may contain the URL, so callers redact it before showing it.
    public let message: String

    public var kind: Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT: return .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .hostNotFound
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .invalidURL
        case CURLE_WRITE_ERROR: return .aborted
        default: return .other
        }
    }

    public enum Kind: Sendable, Equatable {
        case timeout, connectionRefused, hostNotFound, connectionLost, tls, invalidURL
        /// A callback stopped the transfer (e.g. a response over its size limit).
        case aborted
        /// Anything else, including a server refusing mid-conversation (an SMTP 550).
        case other

        /// The peer could not be reached or the connection broke, as opposed to a peer that answered no.
        public var isUnreachable: Bool {
            switch self {
            case .timeout, .connectionRefused, .hostNotFound, .connectionLost, .tls, .invalidURL: return true
            case .aborted, .other: return false
            }
        }
    }
}
