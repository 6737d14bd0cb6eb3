/// A value of some ABI type. Arrays (dynamic or fixed) hold `.array`, tuples `.tuple`.
public indirect enum ABIValue: Sendable, Hashable {
    case uint(UInt256)
    case int(Int256)
    case address(Address)
    case bool(Bool)
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    case array([ABIValue])
    case tuple([ABIValue])

    /// The kind of value, for messages: `uint`, `address`, `array of 3`.
    public var kindName: String {
        switch self {
        case .uint: return "uint"
        case .int: return "int"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let b): return "bytes\(b.count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let a): return "array of \(a.count)"
        case .tuple(let t): return "tuple of \(t.count)"
        }
    }

    private func mismatch(_ expected: String) -> ABIError { .typeMismatch(expected: expected, got: kindName) }

    public var asUInt256: UInt256 {
        get throws(ABIError) {
            guard case .uint(let v) = self else { throw mismatch("uint") }
            return v
        }
    }

    public var asInt256: Int256 {
        get throws(ABIError) {
            guard case .int(let v) = self else { throw mismatch("int") }
            return v
        }
    }

    /// A `uint` that fits in 64 bits (block numbers, decimals, timestamps).
    public var asUInt64: UInt64 {
        get throws(ABIError) {
            let v = try asUInt256
            guard let small = v.uint64Value else { throw .outOfRange(value: v.description, type: "UInt64") }
            return small
        }
    }

    public var asAddress: Address {
        get throws(ABIError) {
            guard case .address(let v) = self else { throw mismatch("address") }
            return v
        }
    }

    public var asBool: Bool {
        get throws(ABIError) {
            guard case .bool(let v) = self else { throw mismatch("bool") }
            return v
        }
    }

    /// The bytes of a `bytes` or `bytesN` value.
    public var asBytes: [UInt8] {
        get throws(ABIError) {
            switch self {
            case .bytes(let b), .fixedBytes(let b): return b
            default: throw mismatch("bytes")
            }
        }
    }

    public var asString: String {
        get throws(ABIError) {
            guard case .string(let v) = self else { throw mismatch("string") }
            return v
        }
    }

    public var asArray: [ABIValue] {
        get throws(ABIError) {
            guard case .array(let v) = self else { throw mismatch("array") }
            return v
        }
    }

    public var asTuple: [ABIValue] {
        get throws(ABIError) {
            guard case .tuple(let v) = self else { throw mismatch("tuple") }
            return v
        }
    }
}

extension ABIValue: CustomStringConvertible {
    /// A string in double quotes with `\\`, `\"`, `\n`, `\r`, `\t` escaped, as `parse` reads it back.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// Cast-style text: decimal integers, checksummed addresses, 0x bytes, `[a, b]`, `(a, b)`.
    public var description: String {
        switch self {
        case .uint(let v): return v.description
        case .int(let v): return v.description
        case .address(let a): return a.checksummed
        case .bool(let b): return b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): return b.hexString
        case .string(let s): return Self.quoted(s)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let t): return "(" + t.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
