import CCurl
import EthRPC
import Execution
import Foundation

/// Posts alerts to a Slack- or Discord-style incoming webhook. The body is
/// `{"content": "...", "text": "..."}`: Slack reads `text`, Discord reads `content`, each ignores
/// the other. The URL carries the webhook's secret token, so only its masked form is ever shown.
public struct WebhookNotifier: AlertNotifier {
    let rawURL: String
    public let url: RedactedURL
    public var timeoutMilliseconds: Int

    /// Discord refuses `content` over 2000 characters; Slack truncates long text anyway.
    static let maxTextLength = 1900

    public init(url: String, timeoutMilliseconds: Int = 10_000) throws(AlertError) {
        let redacted = RedactedURL(url)
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw .invalidConfiguration(variable: "webhook URL \(redacted.display)", problem: "must start with https:// (or http:// for a local receiver)")
        }
        rawURL = url
        self.url = redacted
        self.timeoutMilliseconds = max(1, timeoutMilliseconds)
    }

    public var channelDescription: String { "webhook \(url.display)" }

    /// The JSON body for `message`.
    public static func body(for message: AlertMessage) -> [UInt8] {
        var text = message.text
        if text.count > maxTextLength { text = String(text.prefix(maxTextLength)) + "…" }
        struct Payload: Encodable {
            let content: String
            let text: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding two plain strings cannot fail; an empty body would be refused by the server.
        return (try? Array(encoder.encode(Payload(content: text, text: text)))) ?? Array("{}".utf8)
    }

    public func send(_ message: AlertMessage) throws(AlertError) {
        let session = try CurlSession(channel: "webhook", rawURL: rawURL)
        let body = Self.body(for: message)
        session.upload = body
        try session.set(CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR")
        try session.set(CURLOPT_POST, 1, "POST")
        try session.setOffset(CURLOPT_POSTFIELDSIZE_LARGE, body.count, "POSTFIELDSIZE_LARGE")
        try session.set(CURLOPT_HTTPHEADER, list: ["Content-Type: application/json", "Expect:"], "HTTPHEADER")
        try session.set(CURLOPT_USERAGENT, "rebalancer-alerts/1", "USERAGENT")
        try session.set(CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMilliseconds, 5_000), "CONNECTTIMEOUT_MS")
        try session.set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds, "TIMEOUT_MS")
        let status = try session.perform()
        guard (200..<300).contains(status) else {
            throw .rejected(channel: "webhook", url: url.display, status: status, detail: session.receivedSnippet)
        }
    }
}
