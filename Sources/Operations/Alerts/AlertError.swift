import Execution
/// Why an alert could not be configured or delivered. Every message is one line; URLs in it are
/// masked (webhook tokens and SMTP passwords never appear).
public enum AlertError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An environment variable is missing, malformed, or inconsistent with another.
    case invalidConfiguration(variable: String, problem: String)
    /// The channel could not reach its server (refused, DNS, TLS, timeout).
    case unreachable(channel: String, url: String, detail: String)
    /// The server answered but refused the message (HTTP status, SMTP reply).
    case rejected(channel: String, url: String, status: Int, detail: String)
    /// The message itself cannot be sent (a header line break, an address without '@').
    case invalidMessage(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let variable, let problem):
            return "alert configuration: \(variable) \(problem)"
        case .unreachable(let channel, let url, let detail):
            return "\(channel) alert to \(url) failed: \(detail)"
        case .rejected(let channel, let url, let status, let detail):
            return "\(channel) alert to \(url) was refused (status \(status))" + (detail.isEmpty ? "" : ": \(detail)")
        case .invalidMessage(let problem):
            return "alert message: \(problem)"
        }
    }
}

extension String {
    /// On one line: line breaks and tabs become spaces, runs of spaces collapse, capped in length.
    func oneLine(max: Int = 300) -> String {
        var out = ""
        var lastWasSpace = false
        for scalar in unicodeScalars {
            let isSpace = scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == "\0"
            if isSpace {
                if !lastWasSpace && !out.isEmpty { out.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out.count > max ? String(out.prefix(max)) + "…" : out
    }
}
