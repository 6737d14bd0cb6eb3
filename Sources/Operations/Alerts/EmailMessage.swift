import Execution
import Foundation

/// An RFC 5322 message for SMTP: Date, From, To, Subject, Message-ID and MIME headers, CRLF line
/// endings. Header values are checked so a line break in a subject or address cannot inject headers.
public struct EmailMessage: Sendable, Hashable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String

    public init(from: String, to: [String], subject: String, body: String, date: Date, messageID: String? = nil) throws(AlertError) {
        try EmailMessage.checkAddress(from, role: "From")
        guard !to.isEmpty else { throw .invalidMessage("no recipient (To is empty)") }
        for address in to { try EmailMessage.checkAddress(address, role: "To") }
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased()).\(Int64(date.timeIntervalSince1970))@\(domain)>"
    }

    /// A bare addr-spec (`ops@example.com`): one '@', no spaces, brackets, quotes or line breaks.
    static func checkAddress(_ address: String, role: String) throws(AlertError) {
        let forbidden = Set<Unicode.Scalar>(["<", ">", ",", ";", "\"", "(", ")", "\\", " ", "\t", "\r", "\n", "\0"])
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !address.unicodeScalars.contains(where: { forbidden.contains($0) || $0.value < 0x20 })
        else {
            throw .invalidMessage("\(role) address '\(address.oneLine(max: 80))' is not a plain address like ops@example.com")
        }
    }

    /// "Wed, 25 Nov 2026 22:53:38 +0000"
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// The Subject value: plain ASCII as is (folded at spaces), anything else as RFC 2047
    /// encoded words of UTF-8, each short enough for one header line.
    static func encodedSubject(_ subject: String) -> String {
        let flat = subject.oneLine(max: 400)
        if flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return fold(flat, firstLineUsed: "Subject: ".count)
        }
        var words: [String] = []
        var chunk = ""
        for character in flat {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Folds a header value at spaces so lines stay under 78 characters.
    static func fold(_ value: String, firstLineUsed: Int) -> String {
        var lines: [String] = []
        var line = ""
        var used = firstLineUsed
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && used + line.count + 1 + word.count > 78 {
                lines.append(line)
                line = String(word)
                used = 1
            } else {
                line += line.isEmpty ? String(word) : " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n ")
    }

    /// The message bytes as sent: headers, a blank line, the body.
    public var rendered: [UInt8] {
        var head = [
            "Date: \(EmailMessage.rfc5322Date(date))",
            "From: Rebalancer <\(from)>",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(EmailMessage.encodedSubject(subject))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        let plain = body.unicodeScalars.allSatisfy { $0.value < 0x7F } && lines.allSatisfy { $0.utf8.count <= 900 }
        var text: String
        if plain {
            head.append("Content-Transfer-Encoding: 7bit")
            text = lines.joined(separator: "\r\n")
        } else {
            // Non-ASCII or very long lines: base64 passes any relay unchanged.
            head.append("Content-Transfer-Encoding: base64")
            let encoded = Data(lines.joined(separator: "\r\n").utf8).base64EncodedString()
            var chunks: [Substring] = []
            var rest = Substring(encoded)
            while !rest.isEmpty {
                chunks.append(rest.prefix(76))
                rest = rest.dropFirst(76)
            }
            text = chunks.joined(separator: "\r\n")
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return Array((head.joined(separator: "\r\n") + "\r\n\r\n" + text).utf8)
    }
}
