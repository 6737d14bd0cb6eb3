import EthCore

// Revert data from a failed eth_call / eth_estimateGas, and the decoding of the two standard
// Solidity/Vyper revert payloads: Error(string) and Panic(uint256). Everything else is kept raw.

public enum RevertReason: Sendable, Equatable {
    /// `Error(string)`, selector 0x08c379a0: `require(cond, "msg")` / Vyper `assert cond, "msg"`.
    case error(String)
    /// `Panic(uint256)`, selector 0x4e487b71: assert failure, overflow, division by zero, ...
    case panic(UInt256)
    /// Any other payload of at least 4 bytes: a custom error selector the caller may decode with the ABI.
    case custom(selector: [UInt8])

    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// Decodes revert data; nil for empty data (a bare `revert()`) or data shorter than a selector.
    public static func decode(_ data: [UInt8]) -> RevertReason? {
        guard data.count >= 4 else { return nil }
        let selector = Array(data[0..<4])
        let body = Array(data[4...])
        if selector == errorSelector, let text = decodeABIString(body) {
            return .error(text)
        }
        if selector == panicSelector, body.count == 32, let code = UInt256(bigEndian: body) {
            return .panic(code)
        }
        return .custom(selector: selector)
    }

    /// ABI-decodes a single `string` argument, with every offset and length bounds-checked.
    static func decodeABIString(_ body: [UInt8]) -> String? {
        guard let offset = word(body, at: 0), offset <= body.count,
            let length = word(body, at: offset)
        else { return nil }
        let start = offset + 32
        guard length <= body.count - start else { return nil }
        return String(decoding: body[start..<(start + length)], as: UTF8.self)
    }

    /// The 32-byte big-endian word at `position` as an Int, nil if out of bounds or too large.
    static func word(_ bytes: [UInt8], at position: Int) -> Int? {
        guard position >= 0, position <= bytes.count - 32 else { return nil }
        // Anything above 2^32 cannot be a valid offset or length into a reply we hold in memory.
        for i in position..<(position + 28) where bytes[i] != 0 { return nil }
        var value = 0
        for i in (position + 28)..<(position + 32) { value = value << 8 | Int(bytes[i]) }
        return value
    }

    public var description: String {
        switch self {
        case .error(let text): return "Error(\"\(text)\")"
        case .panic(let code): return "Panic(\(code.hexString): \(RevertReason.panicMeaning(code)))"
        case .custom(let selector): return "custom error \(Hex.encode(selector))"
        }
    }

    /// The Solidity meaning of a panic code.
    public static func panicMeaning(_ code: UInt256) -> String {
        switch code {
        case 0x00: return "generic compiler panic"
        case 0x01: return "assert failed"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "invalid enum value"
        case 0x22: return "corrupt storage byte array"
        case 0x31: return "pop on empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "out of memory"
        case 0x51: return "call to zero-initialized function"
        default: return "unknown panic code"
        }
    }
}

public struct RevertInfo: Sendable, Equatable {
    /// Raw revert data (may be empty).
    public let data: [UInt8]
    /// Decoded standard reason, when the data is Error(string) or Panic(uint256) or has a selector.
    public let reason: RevertReason?
    /// The node's own message, e.g. "execution reverted: too little received".
    public let nodeMessage: String

    public init(data: [UInt8], nodeMessage: String) {
        self.data = data
        self.reason = RevertReason.decode(data)
        self.nodeMessage = nodeMessage
    }

    public var summary: String {
        if let reason { return reason.description }
        if data.isEmpty { return "no revert data (\(nodeMessage))" }
        return "revert data \(Hex.encode(data))"
    }

    /// Recognises a revert in a JSON-RPC error object. Nodes differ: geth uses code 3 with hex
    /// `data`; others put "revert" in the message and the data as a string or under `data.data`.
    static func detect(code: Int, message: String, data: JSONValue?) -> RevertInfo? {
        let lower = message.lowercased()
        let looksLikeRevert = code == 3 || lower.contains("revert")
        guard looksLikeRevert else { return nil }
        return RevertInfo(data: revertBytes(in: data) ?? [], nodeMessage: message)
    }

    private static func revertBytes(in data: JSONValue?) -> [UInt8]? {
        guard let data else { return nil }
        switch data {
        case .string(let text):
            return try? Hex.decode(text)
        case .object(let members):
            for key in ["data", "result", "returnData"] {
                if let inner = members[key], let bytes = revertBytes(in: inner) { return bytes }
            }
            return nil
        default:
            return nil
        }
    }
}
