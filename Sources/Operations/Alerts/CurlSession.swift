import CCurl
import EthRPC
import Execution
import Foundation

/// One alert delivery over libcurl: the channel's options, the response body, the upload, and
/// failures read as `AlertError` with the URL and any secret masked.
final class CurlSession {
    let channel: String
    let url: RedactedURL
    private let curl: CurlHandle
    /// Response body (HTTP) or server replies, bounded.
    var received: [UInt8] = []
    /// Bytes still to upload and where the read callback is.
    var upload: [UInt8] = []
    var uploadOffset = 0
    static let maxReceived = 64 << 10
    /// Values to mask in any text shown (a password set as an option, not part of the URL).
    var secrets: [String] = []

    init(channel: String, rawURL: String) throws(AlertError) {
        self.channel = channel
        url = RedactedURL(rawURL)
        do {
            curl = try CurlHandle()
        } catch {
            throw .unreachable(channel: channel, url: url.display, detail: error.description)
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        try attempt { () throws(CurlError) in
            try curl.set(CURLOPT_URL, rawURL, "URL")
            // Alerts go straight to their server; an environment proxy is not silently used.
            try curl.setProxy(nil)
            try curl.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
                guard let data, let context else { return 0 }
                let session = Unmanaged<CurlSession>.fromOpaque(context).takeUnretainedValue()
                let n = size * count
                let room = max(0, CurlSession.maxReceived - session.received.count)
                data.withMemoryRebound(to: UInt8.self, capacity: n) {
                    session.received.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(n, room)))
                }
                return n  // keep reading (and discarding) past the cap: the status still matters
            }, "WRITEFUNCTION")
            try curl.set(CURLOPT_WRITEDATA, pointer: context, "WRITEDATA")
            try curl.set(CURLOPT_READFUNCTION, callback: { buffer, size, count, context in
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
            }, "READFUNCTION")
            try curl.set(CURLOPT_READDATA, pointer: context, "READDATA")
        }
    }

    /// Runs option setting, reporting a rejected option as this channel's failure.
    private func attempt(_ body: () throws(CurlError) -> Void) throws(AlertError) {
        do {
            try body()
        } catch {
            throw .unreachable(channel: channel, url: url.display, detail: error.description)
        }
    }

    func set(_ option: CURLoption, _ value: Int, _ name: String) throws(AlertError) {
        try attempt { () throws(CurlError) in try curl.set(option, value, name) }
    }

    func set(_ option: CURLoption, _ value: String, _ name: String) throws(AlertError) {
        try attempt { () throws(CurlError) in try curl.set(option, value, name) }
    }

    func setOffset(_ option: CURLoption, _ value: Int, _ name: String) throws(AlertError) {
        try attempt { () throws(CurlError) in try curl.setOffset(option, value, name) }
    }

    func set(_ option: CURLoption, list items: [String], _ name: String) throws(AlertError) {
        try attempt { () throws(CurlError) in try curl.set(option, list: items, name) }
    }

    /// Runs the transfer; returns the response code (HTTP status or last SMTP reply code).
    func perform() throws(AlertError) -> Int {
        let failure = withExtendedLifetime(self) { curl.perform() }
        let status = curl.responseCode
        guard let failure else { return status }
        let detail = mask(failure.message).oneLine()
        // A peer that answered no mid-conversation (an SMTP 550 for a recipient) is a rejection.
        if !failure.kind.isUnreachable && status > 0 {
            throw .rejected(channel: channel, url: url.display, status: status, detail: detail)
        }
        throw .unreachable(channel: channel, url: url.display, detail: detail)
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
