import ArgumentParser
import Foundation

/// How an error reaches the user: one line on stderr, and never a secret typed on the command line.
///
/// A private key pasted where it does not belong (an extra positional, `--key-file 0x…`) would be
/// echoed by "Unexpected argument '…'" or "cannot read …". Every argument holding 64 or more hex
/// digits (a key's length) is treated as a secret and masked wherever an error would repeat it.
enum ErrorOutput {
    static let redacted = "<redacted: looks like a private key>"

    /// The runs of ≥ 64 hex digits inside the arguments: what must never be echoed.
    static func secrets(in arguments: [String]) -> [String] {
        var found: [String] = []
        for argument in arguments {
            var run = ""
            for c in argument + " " {
                if c.isHexDigit && c.isASCII { run.append(c); continue }
                if run.count >= 64 { found.append(run) }
                run = ""
            }
        }
        // Longest first, so a key inside a longer run is not half-replaced.
        return found.sorted { $0.count > $1.count }
    }

    /// `message` with every secret (and its 0x-prefixed form) masked, case-insensitively.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var text = message
        for secret in secrets {
            for form in ["0x" + secret, "0X" + secret, secret] {
                text = text.replacingOccurrences(of: form, with: redacted, options: [.caseInsensitive])
            }
        }
        return text
    }

    /// The one line to print for `error` (ArgumentParser's usage dump cut to its first line, plus
    /// where to find help for the command the arguments named), scrubbed.
    static func line(for error: Error, command root: ParsableCommand.Type, arguments: [String]) -> String {
        let full = root.fullMessage(for: error)
        guard var first = full.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) else { return "" }
        if full.contains("\nUsage:") { first += " (see '\(commandPath(root, arguments)) --help')" }
        return scrub(first, secrets: secrets(in: arguments))
    }

    /// "rebalancer vault deposit": the root and the subcommands the leading arguments name.
    static func commandPath(_ root: ParsableCommand.Type, _ arguments: [String]) -> String {
        var path = [root._commandName]
        var current = root
        for argument in arguments {
            guard let next = current.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(argument)
            current = next
        }
        return path.joined(separator: " ")
    }
}
