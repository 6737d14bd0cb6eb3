// ABI values as JSON, for `--json` output and JSON input: integers as decimal strings (they exceed
// 2^53), addresses checksummed, bytes as 0x hex, bools as booleans, arrays and tuples as arrays.

extension ABIValue {
    /// A tree of `String`, `Bool` and `[Any]` that `JSONSerialization` can write.
    public var jsonValue: Any {
        switch self {
        case .uint(let v): return v.description
        case .int(let v): return v.description
        case .address(let a): return a.checksummed
        case .bool(let b): return b
        case .fixedBytes(let b), .bytes(let b): return b.hexString
        case .string(let s): return s
        case .array(let a), .tuple(let a): return a.map(\.jsonValue)
        }
    }

    /// The same tree as compact JSON text.
    public var jsonString: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .array(let a), .tuple(let a): return "[" + a.map(\.jsonString).joined(separator: ",") + "]"
        case .string(let s): return Self.jsonQuoted(s)
        default: return Self.jsonQuoted(jsonValue as? String ?? "")
        }
    }

    static func jsonQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Reads a value of `type` from a JSON tree (as `JSONSerialization` produces it): the form
    /// `jsonValue` writes, plus JSON numbers for integers and any text `parse(_:as:)` accepts.
    public init(json: Any, type: ABIType) throws(ABIError) {
        try type.validate()
        self = try Self.fromJSON(json, type: type)
    }

    private static func fromJSON(_ json: Any, type: ABIType) throws(ABIError) -> ABIValue {
        func mismatch() -> ABIError { .typeMismatch(expected: type.canonicalName, got: "JSON \(Swift.type(of: json))") }
        switch type {
        case .array(let e):
            guard let items = json as? [Any] else { throw mismatch() }
            return .array(try elements(items, types: repeatElement(e, count: items.count), component: { "[\($0)]" }))
        case .fixedArray(let e, let k):
            guard let items = json as? [Any] else { throw mismatch() }
            guard items.count == k else { throw .wrongArrayLength(type: type.canonicalName, expected: k, got: items.count) }
            return .array(try elements(items, types: repeatElement(e, count: k), component: { "[\($0)]" }))
        case .tuple(let ts):
            guard let items = json as? [Any] else { throw mismatch() }
            guard items.count == ts.count else { throw .wrongArrayLength(type: type.canonicalName, expected: ts.count, got: items.count) }
            return .tuple(try elements(items, types: ts, component: { ".\($0)" }))
        case .bool:
            if let b = json as? Bool { return .bool(b) }
            if let s = json as? String { return try parseScalar(s, as: type) }
            throw mismatch()
        case .string:
            guard let s = json as? String else { throw mismatch() }
            return .string(s)
        default:
            if let s = json as? String { return try parseScalar(s, as: type) }
            if let i = json as? Int, !(json is Bool) { return try parseScalar(String(i), as: type) }
            throw mismatch()
        }
    }

    private static func elements<C: Collection<ABIType>>(
        _ items: [Any], types: C, component: (Int) -> String
    ) throws(ABIError) -> [ABIValue] {
        var out: [ABIValue] = []
        for (i, (item, t)) in zip(items, types).enumerated() {
            do { out.append(try fromJSON(item, type: t)) } catch { throw error.located(component(i)) }
        }
        return out
    }
}
