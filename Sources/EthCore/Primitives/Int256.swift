/// A signed 256-bit integer in two's complement, for ABI `intN` values and signed amounts
/// (Balancer's `queryBatchSwap` deltas). Only what those need: no arithmetic beyond negation.
public struct Int256: Sendable, Hashable {
    public var bitPattern: UInt256

    public init(bitPattern: UInt256) { self.bitPattern = bitPattern }

    public init(_ value: Int) {
        let magnitude = UInt256(value.magnitude.toUInt64)
        self.bitPattern = value < 0 ? (~magnitude) &+ .one : magnitude
    }

    /// A non-negative value; `nil` if it does not fit below 2^255.
    public init?(exactly value: UInt256) {
        guard value.w3 >> 63 == 0 else { return nil }
        self.bitPattern = value
    }

    public static let min = Int256(bitPattern: .one << UInt256(255))
    public static let max = Int256(bitPattern: (UInt256.one << UInt256(255)) - .one)

    public var isNegative: Bool { bitPattern.w3 >> 63 == 1 }

    /// |self| as an unsigned value (2^255 for `Int256.min`).
    public var magnitude: UInt256 { isNegative ? (~bitPattern) &+ .one : bitPattern }

    public static prefix func - (x: Int256) -> Int256 { Int256(bitPattern: (~x.bitPattern) &+ .one) }

    /// Decimal with an optional leading `-`, or `0x` hex of the magnitude with an optional `-`.
    public init?(parsing text: some StringProtocol) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        guard let m = UInt256(parsing: body) else { return nil }
        let limit = UInt256.one << UInt256(255)
        if negative {
            guard m <= limit else { return nil }
            self.bitPattern = (~m) &+ .one
        } else {
            guard m < limit else { return nil }
            self.bitPattern = m
        }
    }

    /// Sign-extends a value of `bits` bits (as read from an ABI word) and reports whether the word
    /// was a valid sign extension.
    public func fits(inBits bits: Int) -> Bool {
        if bits >= 256 { return true }
        let limit = UInt256.one << UInt256(bits - 1)
        return isNegative ? magnitude <= limit : bitPattern < limit
    }
}

extension Int256: Comparable {
    public static func < (lhs: Int256, rhs: Int256) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        return lhs.bitPattern < rhs.bitPattern
    }
}

extension Int256: CustomStringConvertible {
    public var description: String { isNegative ? "-" + magnitude.decimalString : bitPattern.decimalString }
}

extension Int256: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Int256(parsing: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a signed integer as a decimal string, got \"\(s)\"")
        }
        self = v
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
