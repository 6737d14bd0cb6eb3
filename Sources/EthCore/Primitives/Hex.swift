/// Hex text ⇄ bytes, the way Ethereum writes them (`0x`-prefixed, lowercase on output).
public enum HexError: Error, Equatable, CustomStringConvertible {
    case oddLength(Int)
    case invalidCharacter(Character, at: Int)

    public var description: String {
        switch self {
        case .oddLength(let n): return "hex has an odd number of digits (\(n))"
        case .invalidCharacter(let c, let i): return "invalid hex character '\(c)' at position \(i)"
        }
    }
}

public enum Hex {
    @inlinable
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// Decodes hex digits, with or without `0x`; an even number of digits is required.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        var offset = 0
        if utf8.count >= 2, utf8.first == 48, let x = utf8.dropFirst().first, x == 120 || x == 88 {
            utf8 = utf8.dropFirst(2)
            offset = 2
        }
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var hi: UInt8 = 0
        var i = 0
        for c in utf8 {
            guard let v = nibble(c) else { throw .invalidCharacter(Character(UnicodeScalar(c)), at: i + offset) }
            if i % 2 == 0 { hi = v } else { out.append(hi << 4 | v) }
            i += 1
        }
        return out
    }

    /// True when `text` is `0x` followed by hex digits (any length, even empty).
    public static func isPrefixedHex(_ text: some StringProtocol) -> Bool {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return false }
        return text.utf8.dropFirst(2).allSatisfy { nibble($0) != nil }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex, `0x`-prefixed unless `prefix` is false.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2 + 2)
        if prefix { out.append(48); out.append(120) }
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// `0x`-prefixed lowercase hex.
    public var hexString: String { Hex.encode(self) }
}
