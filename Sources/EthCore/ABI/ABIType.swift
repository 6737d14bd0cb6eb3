/// A Solidity ABI type, as the contract ABI specification defines them.
public indirect enum ABIType: Sendable, Hashable {
    case uint(Int)            // uint8 … uint256, bits a multiple of 8
    case int(Int)             // int8 … int256
    case address
    case bool
    case fixedBytes(Int)      // bytes1 … bytes32
    case bytes
    case string
    case array(ABIType)       // T[]
    case fixedArray(ABIType, Int)  // T[k], k ≥ 1
    case tuple([ABIType])     // (T1,…,Tn), n ≥ 1

    /// Deepest nesting of arrays and tuples accepted anywhere (type strings, JSON, encoder, decoder).
    /// It bounds recursion; real contracts stay far below it.
    public static let maxDepth = 32
    /// Largest static head accepted for one type, so that `T[k]` sizes cannot overflow or exhaust memory.
    public static let maxStaticSize = 1 << 24

    /// The name used in signatures: `uint256`, `bytes32`, `(uint256,address)[]`.
    public var canonicalName: String {
        switch self {
        case .uint(let b): return "uint\(b)"
        case .int(let b): return "int\(b)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let t): return t.canonicalName + "[]"
        case .fixedArray(let t, let k): return t.canonicalName + "[\(k)]"
        case .tuple(let ts): return "(" + ts.map(\.canonicalName).joined(separator: ",") + ")"
        }
    }

    /// Dynamic types are encoded in the tail with an offset in the head.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let t, _): return t.isDynamic
        case .tuple(let ts): return ts.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes this type takes in the head of its enclosing tuple: 32 for dynamic types (the offset),
    /// the whole encoding for static ones. Saturates instead of overflowing for absurd `T[k]`.
    public var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let t, let k):
            let r = t.headSize.multipliedReportingOverflow(by: max(k, 0))
            return r.overflow ? Int.max : r.partialValue
        case .tuple(let ts):
            var total = 0
            for t in ts {
                let r = total.addingReportingOverflow(t.headSize)
                if r.overflow { return Int.max }
                total = r.partialValue
            }
            return total
        default: return 32
        }
    }

    /// Nesting depth: 0 for elementary types.
    public var depth: Int {
        switch self {
        case .array(let t), .fixedArray(let t, _): return t.depth + 1
        case .tuple(let ts): return (ts.map(\.depth).max() ?? 0) + 1
        default: return 0
        }
    }

    /// Checks widths, sizes and nesting. Types built by hand may be invalid (`.uint(7)`); the encoder
    /// and decoder call this before touching values.
    public func validate() throws(ABIError) {
        try validate(depth: 0)
    }

    private func validate(depth: Int) throws(ABIError) {
        guard depth <= Self.maxDepth else { throw .tooDeep(limit: Self.maxDepth) }
        switch self {
        case .uint(let b), .int(let b):
            guard b >= 8, b <= 256, b % 8 == 0 else {
                throw .invalidType(canonicalName, reason: "integer width must be a multiple of 8 from 8 to 256")
            }
        case .fixedBytes(let n):
            guard n >= 1, n <= 32 else { throw .invalidType(canonicalName, reason: "bytesN needs N from 1 to 32") }
        case .address, .bool, .bytes, .string:
            break
        case .array(let t):
            try t.validate(depth: depth + 1)
        case .fixedArray(let t, let k):
            guard k >= 1 else { throw .invalidType(canonicalName, reason: "fixed array length must be at least 1") }
            try t.validate(depth: depth + 1)
            guard t.isDynamic || headSize <= Self.maxStaticSize else {
                throw .invalidType(canonicalName, reason: "static size exceeds \(Self.maxStaticSize) bytes")
            }
            guard k <= Self.maxStaticSize / 32 else {
                throw .invalidType(canonicalName, reason: "fixed array length exceeds \(Self.maxStaticSize / 32)")
            }
        case .tuple(let ts):
            guard !ts.isEmpty else { throw .invalidType("()", reason: "an empty tuple is not an ABI type") }
            for t in ts { try t.validate(depth: depth + 1) }
            guard isDynamic || headSize <= Self.maxStaticSize else {
                throw .invalidType(canonicalName, reason: "static size exceeds \(Self.maxStaticSize) bytes")
            }
        }
    }
}

extension ABIType: CustomStringConvertible {
    public var description: String { canonicalName }
}

// MARK: - Parsing type strings

extension ABIType {
    /// Parses a type as written in signatures and ABI JSON: `uint256`, `uint` (= uint256), `int`,
    /// `bytes32`, `address[]`, `uint256[2][]`, `(uint256,address)[3]`, `tuple(uint256,bool)`.
    /// Whitespace around tokens is ignored.
    public init(parsing text: String) throws(ABIError) {
        var scanner = SignatureScanner(text)
        let t = try scanner.parseType(depth: 0)
        scanner.skipSpaces()
        guard scanner.atEnd else {
            throw .invalidType(text, reason: "unexpected \"\(scanner.rest)\" after the type")
        }
        self = t
    }

    /// An elementary type name (no brackets or parentheses): `uint`, `int64`, `bytes7`, `address`.
    static func elementary(_ name: String) throws(ABIError) -> ABIType {
        func width(_ digits: Substring, prefix: String) throws(ABIError) -> Int {
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(digits.count > 1 && digits.first == "0"), let n = Int(digits)
            else { throw .invalidType(name, reason: "\"\(prefix)\" must be followed by a width") }
            return n
        }
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "bytes": return .bytes
        case "string": return .string
        case "uint": return .uint(256)
        case "int": return .int(256)
        default: break
        }
        let t: ABIType
        if name.hasPrefix("uint") {
            t = .uint(try width(name.dropFirst(4), prefix: "uint"))
        } else if name.hasPrefix("int") {
            t = .int(try width(name.dropFirst(3), prefix: "int"))
        } else if name.hasPrefix("bytes") {
            t = .fixedBytes(try width(name.dropFirst(5), prefix: "bytes"))
        } else if name.hasPrefix("fixed") || name.hasPrefix("ufixed") {
            throw .invalidType(name, reason: "fixed-point types are not supported")
        } else {
            throw .invalidType(name, reason: "unknown type name")
        }
        do { try t.validate() } catch { throw .invalidType(name, reason: Self.reason(error)) }
        return t
    }

    static func reason(_ e: ABIError) -> String {
        if case .invalidType(_, let r) = e.underlying { return r }
        return e.underlying.description
    }
}
