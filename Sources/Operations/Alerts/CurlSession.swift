import CCurl
import EthRPC
import Execution
import Foundation

/// One libcurl easy handle for one alert delivery: options, the error buffer, the response body,
/// and the mapping of libcurl failures to `AlertError` with the URL masked.
final class CurlSession {
    let channel: String
    let url: RedactedURL
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// Response body (HTTP) or server replies, bounded.
    var received: [UInt8] = []
    /// Bytes still to upload and where the read callback is.
    var upload: [UInt8] = []
    var uploadOffset = 0
    static let maxReceived = 64 << 10
    /// Values to mask in any text shown (a password set as an option, not part of the URL).
    var secrets: [String] = []

    /// curl_global_init must run before the first handle; a static let runs it exactly once.
    private static let globalInit: CURLcode = ccurl_global_init_default()

    init(channel: String, rawURL: String) throws(AlertError) {
        self.channel = channel
        url = RedactedURL(rawURL)
        guard CurlSession.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .unreachable(channel: channel, url: RedactedURL(rawURL).display, detail: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var ok = ccurl_setopt_string(handle, CURLOPT_URL, rawURL) == CURLE_OK
        ok = ok && ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK
        ok = ok && ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK
        ok = ok && ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0) == CURLE_OK
        // Alerts go straight to their server; an environment proxy is not silently used.
        ok = ok && ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*") == CURLE_OK
        ok = ok && ccurl_setopt_string(handle, CURLOPT_PROXY, "") == CURLE_OK
        let context = Unmanaged.passUnretained(self).toOpaque()
        ok = ok && ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            guard let data, let context else { return 0 }
            let session = Unmanaged<CurlSession>.fromOpaque(context).takeUnretainedValue()
            let n = size * count
            let room = max(0, CurlSession.maxReceived - session.received.count)
            data.withMemoryRebound(to: UInt8.self, capacity: n) {
                session.received.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(n, room)))
            }
            return n  // keep reading (and discarding) past the cap: the status still matters
        }) == CURLE_OK
        ok = ok && ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context) == CURLE_OK
        ok = ok && ccurl_setopt_callback(handle, CURLOPT_READFUNCTION, { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let session = Unmanaged<CurlSession>.fromOpaque(context).takeUnretainedValue()
            let n = min(size * count, session.upload.count - session.uploadOffset)
            guard n > 0 else { return 0 }
            buffer.withMemoryRebound(to: UInt8.self, capacity: n) { out in
                session.upload.withUnsafeBufferPointer { src in
                    guard let base = src.baseAddress else { return }
                    out.update(from: base + session.uploadOffset, count: n)
                }
            }
            session.uploadOffset += n
            return n
        }) == CURLE_OK
        ok = ok && ccurl_setopt_pointer(handle, CURLOPT_READDATA, context) == CURLE_OK
        guard ok else {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw .unreachable(channel: channel, url: url.display, detail: "libcurl rejected an option (libcurl too old?)")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Sets an option or throws naming it.
    func set(_ option: CURLoption, _ value: Int, _ name: String) throws(AlertError) {
        guard ccurl_setopt_long(handle, option, value) == CURLE_OK else { throw rejectedOption(name) }
    }

    func set(_ option: CURLoption, _ value: String, _ name: String) throws(AlertError) {
        guard ccurl_setopt_string(handle, option, value) == CURLE_OK else { throw rejectedOption(name) }
    }

    func setOffset(_ option: CURLoption, _ value: Int, _ name: String) throws(AlertError) {
        guard ccurl_setopt_off_t(handle, option, curl_off_t(value)) == CURLE_OK else { throw rejectedOption(name) }
    }

    /// A string list option; the list lives as long as the session.
    func set(_ option: CURLoption, list items: [String], _ name: String) throws(AlertError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for item in items {
            guard let appended = curl_slist_append(list, item) else { break }
            list = appended
        }
        if let list { lists.append(list) }
        guard ccurl_setopt_slist(handle, option, list) == CURLE_OK else { throw rejectedOption(name) }
    }

    private func rejectedOption(_ name: String) -> AlertError {
        .unreachable(channel: channel, url: url.display, detail: "libcurl rejected option \(name) (libcurl too old or built without it?)")
    }

    /// Runs the transfer; returns the response code (HTTP status or last SMTP reply code).
    func perform() throws(AlertError) -> Int {
        errorBuffer[0] = 0
        let code = withExtendedLifetime(self) { curl_easy_perform(handle) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            let message = String(cString: errorBuffer)
            let detail = mask(message.isEmpty ? String(cString: curl_easy_strerror(code)) : message).oneLine()
            switch code {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_SSL_CONNECT_ERROR,
                CURLE_PEER_FAILED_VERIFICATION, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
                CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_USE_SSL_FAILED:
                throw .unreachable(channel: channel, url: url.display, detail: detail)
            default:
                // The server said no mid-conversation (e.g. an SMTP 550 for a recipient).
                if status > 0 { throw .rejected(channel: channel, url: url.display, status: status, detail: detail) }
                throw .unreachable(channel: channel, url: url.display, detail: detail)
            }
        }
        return status
    }

    /// The start of the response, masked and on one line, for error messages.
    var receivedSnippet: String {
        mask(String(decoding: received.prefix(300), as: UTF8.self)).oneLine(max: 200)
    }

    func mask(_ text: String) -> String {
        var result = url.redact(text)
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "****")
        }
        return result
    }
}
