/// Everything that can go wrong with ABI types, values, encodings and ABI JSON.
/// Each message is one line and names what is wrong; `.at` says where (an argument, element or field).
public indirect enum ABIError: Error, Equatable, Sendable, CustomStringConvertible {
    // Types and signatures.
    case invalidType(String, reason: String)
    case invalidSignature(String, reason: String)
    // Values given to the encoder (or to an accessor).
    case typeMismatch(expected: String, got: String)
    case outOfRange(value: String, type: String)
    case wrongArrayLength(type: String, expected: Int, got: Int)
    case wrongByteCount(type: String, expected: Int, got: Int)
    case wrongArgumentCount(expected: Int, got: Int)
    // Data given to the decoder.
    case dataTooShort(needed: Int, available: Int)
    case offsetOutOfBounds(offset: String, dataSize: Int)
    case lengthOutOfBounds(length: String, available: Int)
    case nonCanonicalPadding(type: String, word: String)
    case invalidUTF8
    case overlappingData(limit: Int)
    case tooDeep(limit: Int)
    case selectorMismatch(expected: String, got: String)
    case topicCountMismatch(expected: Int, got: Int)
    // Text and JSON given by a person.
    case invalidValueText(String, type: String, reason: String)
    case invalidJSON(field: String, reason: String)
    case unknownMember(String)
    case ambiguousMember(String, candidates: [String])
    /// Where the wrapped error happened, e.g. `arg1[2].0` or `abi[3].inputs[0]`.
    case at(String, ABIError)

    /// The error without its location.
    public var underlying: ABIError {
        if case .at(_, let inner) = self { return inner.underlying }
        return self
    }

    /// The location prefixed by `component` (`arg1`, `[2]`, `.0`).
    func located(_ component: String) -> ABIError {
        if case .at(let path, let inner) = self {
            let joined = path.hasPrefix("[") || path.hasPrefix(".") ? component + path : component + "." + path
            return .at(joined, inner)
        }
        return .at(component, self)
    }

    public var description: String {
        switch self {
        case .invalidType(let t, let r): return "invalid ABI type \"\(Self.oneLine(t))\": \(r)"
        case .invalidSignature(let s, let r): return "invalid signature \"\(Self.oneLine(s))\": \(r)"
        case .typeMismatch(let e, let g): return "expected a value of type \(e), got \(g)"
        case .outOfRange(let v, let t): return "value \(v) is out of range for \(t)"
        case .wrongArrayLength(let t, let e, let g): return "\(t) needs exactly \(e) elements, got \(g)"
        case .wrongByteCount(let t, let e, let g): return "\(t) needs exactly \(e) bytes, got \(g)"
        case .wrongArgumentCount(let e, let g): return "expected \(e) values, got \(g)"
        case .dataTooShort(let n, let a): return "ABI data too short: need \(n) bytes, have \(a)"
        case .offsetOutOfBounds(let o, let size): return "ABI offset \(o) points outside the data (\(size) bytes) or into the head"
        case .lengthOutOfBounds(let l, let a): return "ABI length \(l) exceeds the \(a) bytes remaining"
        case .nonCanonicalPadding(let t, let w): return "non-canonical \(t) word \(w) (dirty padding bits)"
        case .invalidUTF8: return "string is not valid UTF-8"
        case .overlappingData(let limit): return "ABI data decodes to more than its \(limit) bytes allow (overlapping offsets)"
        case .tooDeep(let limit): return "ABI type nests deeper than \(limit) levels"
        case .selectorMismatch(let e, let g): return "selector \(g) does not match \(e)"
        case .topicCountMismatch(let e, let g): return "log has \(g) topics, the event needs \(e)"
        case .invalidValueText(let text, let t, let r): return "cannot read \"\(Self.oneLine(text))\" as \(t): \(r)"
        case .invalidJSON(let f, let r): return "invalid ABI JSON at \(f): \(r)"
        case .unknownMember(let n): return "no function, event or error \"\(Self.oneLine(n))\" in the ABI"
        case .ambiguousMember(let n, let c): return "\"\(n)\" is overloaded, use a full signature: \(c.joined(separator: ", "))"
        case .at(let path, let inner): return "\(path): \(inner.description)"
        }
    }

    /// User text quoted in a message: control characters escaped, long text shortened, so that the
    /// message stays one readable line.
    static func oneLine(_ text: String, limit: Int = 120) -> String {
        var out = ""
        var count = 0
        for u in text.unicodeScalars {
            if count >= limit { return out + "…" }
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
            count += 1
        }
        return out
    }
}
