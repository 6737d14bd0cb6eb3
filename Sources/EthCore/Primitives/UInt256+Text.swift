// Decimal and hexadecimal text, big-endian bytes, Double for display, Codable as a decimal string.

extension UInt256 {
    /// Parses a decimal string of digits only (no sign, no separators); `nil` if malformed or > 2^256-1.
    public init?(decimal text: some StringProtocol) {
        let utf8 = text.utf8
        if utf8.isEmpty { return nil }
        var result = UInt256.zero
        var chunk: UInt64 = 0
        var chunkDigits = 0
        for c in utf8 {
            guard c >= 48 && c <= 57 else { return nil }
            chunk = chunk * 10 + UInt64(c - 48)
            chunkDigits += 1
            if chunkDigits == 19 {
                guard let r = result.appendingDecimalChunk(chunk, scale: UInt256.powersOfTen[19]) else { return nil }
                result = r
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            guard let r = result.appendingDecimalChunk(chunk, scale: UInt256.powersOfTen[chunkDigits]) else { return nil }
            result = r
        }
        self = result
    }

    static let powersOfTen: [UInt64] = (0...19).map { p in (0..<p).reduce(UInt64(1)) { acc, _ in acc * 10 } }

    private func appendingDecimalChunk(_ chunk: UInt64, scale: UInt64) -> UInt256? {
        guard let m = multiplied(by: UInt256(scale)) else { return nil }
        return m.adding(UInt256(chunk))
    }

    /// Parses hexadecimal digits, with or without a `0x` prefix; `nil` if malformed or too large.
    public init?(hex text: some StringProtocol) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        if digits.isEmpty { return nil }
        var result = UInt256.zero
        var significant = 0
        for c in digits.utf8 {
            guard let v = Hex.nibble(c) else { return nil }
            if significant == 0 && v == 0 { continue }
            significant += 1
            if significant > 64 { return nil }
            result = result.shiftedLeft(4) | UInt256(UInt64(v))
        }
        self = result
    }

    /// Parses `0x…` as hex and anything else as decimal.
    public init?(parsing text: some StringProtocol) {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { self.init(hex: text) } else { self.init(decimal: text) }
    }

    /// Big-endian bytes, at most 32; shorter input is left-padded with zeros.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        if bytes.count > 32 { return nil }
        var r = UInt256.zero
        for b in bytes { r = r.shiftedLeft(8) | UInt256(UInt64(b)) }
        self = r
    }

    /// The 32-byte big-endian encoding (an EVM word).
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for limb in 0..<4 {
            let v = self[limb: limb]
            for k in 0..<8 { out[31 - (limb * 8 + k)] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        return out
    }

    /// Big-endian bytes without leading zeros (empty for zero), as RLP wants integers.
    public var minimalBigEndianBytes: [UInt8] {
        let bytes = bigEndianBytes
        let skip = leadingZeroBitCount / 8
        return Array(bytes[skip...])
    }

    /// `0x`-prefixed lowercase hex without leading zeros; `0x0` for zero (JSON-RPC quantity form).
    public var hexString: String {
        if isZero { return "0x0" }
        var s = ""
        var started = false
        for limb in stride(from: 3, through: 0, by: -1) {
            let v = self[limb: limb]
            if !started {
                if v == 0 { continue }
                s += String(v, radix: 16)
                started = true
            } else {
                let part = String(v, radix: 16)
                s += String(repeating: "0", count: 16 - part.count) + part
            }
        }
        return "0x" + s
    }

    /// Decimal digits.
    public var decimalString: String {
        if let small = uint64Value { return String(small) }
        var chunks: [UInt64] = []
        var x = self
        let base = UInt256(10_000_000_000_000_000_000 as UInt64)
        while !x.isZero {
            let (q, r) = x.quotientAndRemainder(dividingBy: base)
            chunks.append(r.w0)
            x = q
        }
        var s = String(chunks.removeLast())
        for c in chunks.reversed() {
            let part = String(c)
            s += String(repeating: "0", count: 19 - part.count) + part
        }
        return s
    }
}

extension UInt256: CustomStringConvertible, CustomDebugStringConvertible, LosslessStringConvertible {
    public var description: String { decimalString }
    public var debugDescription: String { decimalString }
    public init?(_ description: String) { self.init(decimal: description) }
}

extension UInt256 {
    /// Nearest `Double`, for display and search only; never for amounts that reach the chain.
    public var doubleValue: Double {
        Double(w3) * 0x1p192 + Double(w2) * 0x1p128 + Double(w1) * 0x1p64 + Double(w0)
    }

    /// Truncates a non-negative finite `Double` toward zero; `nil` if negative, not finite or ≥ 2^256.
    public init?(truncating value: Double) {
        guard value.isFinite, value >= 0, value < 0x1p256 else { return nil }
        if value < 0x1p64 { self.init(UInt64(value)); return }
        let exponent = Int(value.exponent)                 // value = significand * 2^exponent, 64 ≤ exponent < 256
        let mantissa = UInt64(value.significandBitPattern) | (1 << 52)
        self = UInt256(mantissa).shiftedLeft(exponent - 52)
    }
}

extension UInt256: Codable {
    /// Decodes a decimal string, a `0x` hex string, or a JSON number that is an exact integer below 2^53.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            guard let v = UInt256(parsing: s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an unsigned integer as a decimal or 0x-hex string, got \"\(s)\"")
            }
            self = v
            return
        }
        if let n = try? c.decode(UInt64.self), n <= 1 << 53 {
            self.init(n)
            return
        }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an unsigned integer as a decimal string")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(decimalString)
    }
}

extension UInt256 {
    /// 10^n for 0 ≤ n ≤ 77 (the largest power of ten below 2^256); larger n saturate at `.max`.
    public static func tenTo(_ n: Int) -> UInt256 {
        var result = UInt256(1)
        for _ in 0..<Swift.max(0, n) {
            guard let next = result.multiplied(by: UInt256(10)) else { return .max }
            result = next
        }
        return result
    }
}
