// An RPC URL that never prints its secrets. Hosted providers put the API key in the path
// (`https://mainnet.example.io/v3/<key>`), in the query (`?apikey=<key>`) or in user info
// (`https://user:<key>@host`); all three are masked in `display` and in any text passed to `redact`.

public struct RedactedURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given; only the transport reads it.
    let raw: String
    /// Safe to print: secrets replaced by `****`.
    public let display: String
    /// The substrings that were masked, longest first, for scrubbing other text (e.g. libcurl messages).
    let secrets: [String]

    /// Path segments longer than this are treated as keys. Real path words ("v3", "rpc", "mainnet")
    /// are short; provider keys are 20+ characters.
    static let longestPlainSegment = 8

    public init(_ url: String) {
        raw = url
        var secrets: [String] = []
        var rest = Substring(url)
        var out = ""
        if let schemeEnd = rest.utf8Range(of: "://") {
            out += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
        }
        // Authority: up to the first "/", "?" or "#".
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if !userInfo.isEmpty { secrets.append(String(userInfo)) }
            // The password alone, too: error texts may quote it without the user name.
            if let colon = userInfo.firstIndex(of: ":"), userInfo.index(after: colon) < userInfo.endIndex {
                secrets.append(String(userInfo[userInfo.index(after: colon)...]))
            }
            out += "****@"
            authority = authority[authority.index(after: at)...]
        }
        out += authority
        // Fragment: dropped from display entirely.
        if let hash = rest.firstIndex(of: "#") {
            let fragment = rest[rest.index(after: hash)...]
            if !fragment.isEmpty { secrets.append(String(fragment)) }
            rest = rest[..<hash]
        }
        var query: Substring? = nil
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false)
        out += segments.map { segment -> String in
            if segment.count > RedactedURL.longestPlainSegment {
                secrets.append(String(segment))
                return "****"
            }
            return String(segment)
        }.joined(separator: "/")
        if let query {
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                if let eq = pair.firstIndex(of: "=") {
                    let value = pair[pair.index(after: eq)...]
                    if !value.isEmpty { secrets.append(String(value)) }
                    return String(pair[...eq]) + "****"
                }
                if !pair.isEmpty { secrets.append(String(pair)) }
                return pair.isEmpty ? "" : "****"
            }
            out += "?" + pairs.joined(separator: "&")
        }
        display = out
        self.secrets = secrets.sorted { $0.count > $1.count }
    }

    public var description: String { display }

    /// `text` with the full URL and every secret part of it replaced.
    public func redact(_ text: String) -> String {
        var result = text.replacingAll(raw, with: display)
        for secret in secrets where !secret.isEmpty {
            result = result.replacingAll(secret, with: "****")
        }
        return result
    }

    public static func == (a: RedactedURL, b: RedactedURL) -> Bool { a.raw == b.raw }
}

extension String {
    /// Plain substring replacement without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.utf8Range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    func utf8Range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty else { return nil }
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i
            var k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] {
                j = u.index(after: j)
                k += 1
            }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
