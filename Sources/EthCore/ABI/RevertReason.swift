/// Why a call reverted, read from its revert data.
public enum RevertReason: Sendable, Hashable {
    /// No revert data (`revert()`, `require(cond)` without a message, out of gas, …).
    case empty
    /// `Error(string)`: `require(cond, "message")` / `revert("message")`.
    case error(String)
    /// `Panic(uint256)`: a failed assert, overflow, division by zero, …
    case panic(code: UInt256, meaning: String)
    /// A custom error the registry knows.
    case custom(name: String, values: [ABIValue])
    /// Data we cannot read.
    case unknown([UInt8])

    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    public static func decode(_ data: [UInt8], registry: CustomErrorRegistry = CustomErrorRegistry()) -> RevertReason {
        if data.isEmpty { return .empty }
        guard data.count >= 4 else { return .unknown(data) }
        let selector = Array(data.prefix(4))
        let body = Array(data.dropFirst(4))
        if selector == errorSelector {
            guard let v = try? ABIDecoder.decode(.string, body), case .string(let s) = v else { return .unknown(data) }
            return .error(s)
        }
        if selector == panicSelector {
            guard let v = try? ABIDecoder.decode(.uint(256), body), case .uint(let code) = v else { return .unknown(data) }
            return .panic(code: code, meaning: panicMeaning(code))
        }
        if let e = registry.error(selector: selector), let values = try? e.decode(data) {
            return .custom(name: e.name, values: values)
        }
        return .unknown(data)
    }

    /// The meanings of panic codes as the Solidity documentation publishes them.
    public static func panicMeaning(_ code: UInt256) -> String {
        switch code.uint64Value {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assertion failed"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "invalid enum value"
        case 0x22: return "incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "out of memory (too much memory allocated or array too large)"
        case 0x51: return "call to a zero-initialized internal function"
        default: return "unknown panic code"
        }
    }
}

extension RevertReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: return "reverted without data"
        case .error(let s): return "reverted: \(s)"
        case .panic(let code, let meaning): return "panic \(code.hexString): \(meaning)"
        case .custom(let name, let values): return "reverted with \(name)(" + values.map(\.description).joined(separator: ", ") + ")"
        case .unknown(let data): return "reverted with unrecognised data \(data.hexString)"
        }
    }
}
