// Values from command-line text, the way foundry's cast reads them:
// `rebalancer util abi-encode "f(uint256[],(address,string))" "[1, 0x2]" "(0xAbC…, \"hi, there\")"`.

extension ABIValue {
    /// Parses `text` as a value of `type`: decimal or `0x` integers (a leading `-` for intN),
    /// `true`/`false`, `0x` hex bytes (bytesN needs exactly N), addresses (a mixed-case checksum
    /// must be right), plain strings, `[a, b]` arrays and `(a, b)` tuples, nested. Inside brackets a
    /// string may be quoted (`"a, b"`, with `\"` and `\\` escapes) and whitespace is ignored. A
    /// top-level string is taken verbatim.
    public static func parse(_ text: String, as type: ABIType) throws(ABIError) -> ABIValue {
        try type.validate()
        if case .string = type { return .string(text) }
        var reader = ValueTextReader(text)
        let value = try reader.value(type)
        reader.skipSpaces()
        guard reader.atEnd else {
            throw .invalidValueText(text, type: type.canonicalName, reason: "unexpected \"\(reader.rest)\" after the value")
        }
        return value
    }

    /// Reads one scalar (non-composite) value from its text.
    static func parseScalar(_ raw: String, as type: ABIType) throws(ABIError) -> ABIValue {
        let text = raw.trimmingSpaces
        func fail(_ reason: String) -> ABIError { .invalidValueText(raw, type: type.canonicalName, reason: reason) }
        switch type {
        case .uint(let bits):
            guard let v = UInt256(parsing: text) else {
                throw fail(text.hasPrefix("-") ? "an unsigned integer cannot be negative" : "not a decimal or 0x integer below 2^256")
            }
            guard bits == 256 || v < (UInt256.one << UInt256(UInt64(bits))) else { throw fail("out of range for uint\(bits)") }
            return .uint(v)
        case .int(let bits):
            guard let v = Int256(parsing: text) else { throw fail("not a decimal or 0x integer in the int256 range") }
            guard v.fits(inBits: bits) else { throw fail("out of range for int\(bits)") }
            return .int(v)
        case .bool:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw fail("expected true or false")
            }
        case .address:
            do { return .address(try Address(text)) } catch { throw fail(error.description) }
        case .fixedBytes(let n):
            let b = try hexBytes(text, fail: fail)
            guard b.count == n else { throw fail("bytes\(n) needs exactly \(n) bytes, got \(b.count)") }
            return .fixedBytes(b)
        case .bytes:
            return .bytes(try hexBytes(text, fail: fail))
        case .string:
            return .string(raw)
        case .array, .fixedArray, .tuple:
            throw fail("expected a bracketed list")
        }
    }

    private static func hexBytes(_ text: String, fail: (String) -> ABIError) throws(ABIError) -> [UInt8] {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { throw fail("bytes are written as 0x hex") }
        do { return try Hex.decode(text) } catch { throw fail(error.description) }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}

/// Reads nested `[…]` / `(…)` value text.
private struct ValueTextReader {
    let text: String
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    var rest: String { ABIError.oneLine(String(String.UnicodeScalarView(scalars[min(position, scalars.count)...])), limit: 40) }

    mutating func skipSpaces() {
        while let c = peek, c.properties.isWhitespace { position += 1 }
    }

    func fail(_ type: ABIType, _ reason: String) -> ABIError {
        .invalidValueText(text, type: type.canonicalName, reason: reason)
    }

    mutating func value(_ type: ABIType) throws(ABIError) -> ABIValue {
        skipSpaces()
        switch type {
        case .array(let e):
            return .array(try list(open: "[", close: "]", type: type) { (r: inout ValueTextReader, _: Int) throws(ABIError) in try r.value(e) })
        case .fixedArray(let e, let k):
            let elements = try list(open: "[", close: "]", type: type) { (r: inout ValueTextReader, _: Int) throws(ABIError) in try r.value(e) }
            guard elements.count == k else { throw fail(type, "\(type.canonicalName) needs exactly \(k) elements, got \(elements.count)") }
            return .array(elements)
        case .tuple(let ts):
            let elements = try list(open: "(", close: ")", type: type) { (r: inout ValueTextReader, i: Int) throws(ABIError) in
                guard i < ts.count else { throw r.fail(type, "\(type.canonicalName) has \(ts.count) components, got more") }
                return try r.value(ts[i])
            }
            guard elements.count == ts.count else {
                throw fail(type, "\(type.canonicalName) has \(ts.count) components, got \(elements.count)")
            }
            return .tuple(elements)
        default:
            return try ABIValue.parseScalar(try scalarToken(type), as: type)
        }
    }

    /// `open elem, elem, … close`; an empty list is allowed (fixed sizes are checked by the caller).
    private mutating func list(
        open: Unicode.Scalar, close: Unicode.Scalar, type: ABIType,
        element: (inout ValueTextReader, Int) throws(ABIError) -> ABIValue
    ) throws(ABIError) -> [ABIValue] {
        guard peek == open else {
            throw fail(type, atEnd ? "expected \"\(open)\"" : "expected \"\(open)\" at \"\(rest)\"")
        }
        position += 1
        var out: [ABIValue] = []
        skipSpaces()
        if peek == close { position += 1; return out }
        while true {
            out.append(try element(&self, out.count))
            skipSpaces()
            guard let c = peek else { throw fail(type, "missing \"\(close)\"") }
            position += 1
            if c == "," { continue }
            if c == close { return out }
            throw fail(type, "expected \",\" or \"\(close)\" before \"\(c)\(rest)\"")
        }
    }

    /// A scalar inside or outside brackets: a quoted string, or text up to the next `,` `]` `)`.
    private mutating func scalarToken(_ type: ABIType) throws(ABIError) -> String {
        skipSpaces()
        if peek == "\"" {
            position += 1
            var out = String.UnicodeScalarView()
            while let c = peek {
                position += 1
                if c == "\"" { return String(out) }
                if c == "\\" {
                    guard let n = peek else { break }
                    position += 1
                    switch n {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    default: out.append(n)
                    }
                } else {
                    out.append(c)
                }
            }
            throw fail(type, "unterminated quoted string")
        }
        let start = position
        while let c = peek, c != ",", c != "]", c != ")" { position += 1 }
        let token = String(String.UnicodeScalarView(scalars[start..<position]))
        if token.trimmingSpaces.isEmpty, !isStringType(type) { throw fail(type, "a value is missing") }
        return isStringType(type) ? token.trimmingSpaces : token
    }

    private func isStringType(_ t: ABIType) -> Bool { if case .string = t { return true } else { return false } }
}
