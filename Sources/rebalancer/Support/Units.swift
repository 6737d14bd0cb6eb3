import EthCore

/// Raw token amounts as decimal text in whole tokens, computed on the integer (no float rounding):
/// 1234500000 with 6 decimals is "1234.5".
enum Units {
    /// All digits, trailing fractional zeros dropped: the exact value.
    static func exact(_ raw: UInt256, decimals: Int) -> String {
        let digits = raw.description
        let d = max(0, decimals)
        guard d > 0 else { return digits }
        let padded = digits.count <= d ? String(repeating: "0", count: d - digits.count + 1) + digits : digits
        let whole = padded.dropLast(d)
        var fraction = Substring(padded.suffix(d))
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// At most `places` fractional digits, truncated toward zero (display only).
    static func truncated(_ raw: UInt256, decimals: Int, places: Int) -> String {
        let full = exact(raw, decimals: decimals)
        guard let dot = full.firstIndex(of: ".") else { return full }
        let fraction = full[full.index(after: dot)...].prefix(max(0, places))
        let trimmed = fraction.reversed().drop { $0 == "0" }.reversed()
        return trimmed.isEmpty ? String(full[..<dot]) : String(full[..<dot]) + "." + String(trimmed)
    }
}
