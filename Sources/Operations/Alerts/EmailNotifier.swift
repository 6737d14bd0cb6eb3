import CCurl
import EthRPC
import Execution
import Foundation

/// Where and how to send alert e-mail.
public struct SMTPSettings: Sendable, CustomStringConvertible {
    /// `smtp://host:port` (STARTTLS when offered) or `smtps://host:port` (TLS from the start).
    let rawURL: String
    public let url: RedactedURL
    public var username: String?
    /// Never printed: `description` shows only whether one is set.
    var password: String?
    public var from: String
    public var to: [String]
    public var timeoutMilliseconds: Int
    /// PEM file of the CA that signed the server's certificate, for a private relay; nil: the
    /// system's trusted CAs.
    public var caFile: String?

    public init(url: String, username: String? = nil, password: String? = nil, from: String, to: [String],
                timeoutMilliseconds: Int = 20_000, caFile: String? = nil) throws(AlertError) {
        let redacted = RedactedURL(url)
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), SMTPSettings.host(of: url).map({ !$0.isEmpty }) == true else {
            throw .invalidConfiguration(variable: "SMTP URL \(redacted.display)", problem: "must look like smtp://host:587 or smtps://host:465")
        }
        try EmailMessage.checkAddress(from, role: "From")
        guard !to.isEmpty else { throw .invalidMessage("no recipient (To is empty)") }
        for address in to { try EmailMessage.checkAddress(address, role: "To") }
        rawURL = url
        self.url = redacted
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.timeoutMilliseconds = max(1, timeoutMilliseconds)
        self.caFile = caFile
    }

    public var description: String {
        "smtp \(url.display) from \(from) to \(to.joined(separator: ", "))"
            + (username.map { " as \($0)" } ?? "") + (password == nil ? "" : " (password set)")
    }

    /// The host part of an smtp(s) URL, without user info or port.
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") { return authority.firstIndex(of: "]").map { String(authority[...$0]) } }
        return String(authority.prefix { $0 != ":" })
    }

    /// TLS is mandatory when a password would otherwise cross the network; else STARTTLS is
    /// used whenever the server offers it.
    public var requiresTLS: Bool { password != nil && !isLoopback }

    var isLoopback: Bool {
        guard let host = SMTPSettings.host(of: rawURL)?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
    }
}

/// Sends alerts as e-mail over SMTP with libcurl. Upgrades to TLS with STARTTLS whenever the
/// server offers it; with a password and a server that is not on this machine it insists on TLS,
/// so credentials never cross the network in clear.
public struct EmailNotifier: AlertNotifier {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) { self.settings = settings }

    public var channelDescription: String { "e-mail via \(settings.url.display) to \(settings.to.joined(separator: ", "))" }

    public func send(_ message: AlertMessage) throws(AlertError) {
        let email = try EmailMessage(from: settings.from, to: settings.to, subject: message.subject, body: message.body, date: message.time)
        try send(email)
    }

    public func send(_ email: EmailMessage) throws(AlertError) {
        let session = try CurlSession(channel: "e-mail", rawURL: settings.rawURL)
        session.upload = email.rendered
        try session.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps", "PROTOCOLS_STR")
        try session.set(CURLOPT_USE_SSL, Int(settings.requiresTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue), "USE_SSL")
        try session.set(CURLOPT_MAIL_FROM, "<\(email.from)>", "MAIL_FROM")
        try session.set(CURLOPT_MAIL_RCPT, list: email.to.map { "<\($0)>" }, "MAIL_RCPT")
        try session.set(CURLOPT_UPLOAD, 1, "UPLOAD")
        try session.setOffset(CURLOPT_INFILESIZE_LARGE, session.upload.count, "INFILESIZE_LARGE")
        try session.set(CURLOPT_CONNECTTIMEOUT_MS, min(settings.timeoutMilliseconds, 10_000), "CONNECTTIMEOUT_MS")
        try session.set(CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds, "TIMEOUT_MS")
        if let caFile = settings.caFile { try session.set(CURLOPT_CAINFO, caFile, "CAINFO") }
        if let user = settings.username { try session.set(CURLOPT_USERNAME, user, "USERNAME") }
        if let password = settings.password {
            session.secrets.append(password)
            try session.set(CURLOPT_PASSWORD, password, "PASSWORD")
        }
        let code = try session.perform()
        // libcurl reports an SMTP refusal as an error; a 4xx/5xx here would be a server that
        // closed the exchange oddly.
        if code >= 400 {
            throw .rejected(channel: "e-mail", url: settings.url.display, status: code, detail: session.receivedSnippet)
        }
    }
}
