import EthCore
import Execution
import Foundation

/// Number and text formatting for the report: fixed (locale-free) thousands separators, amounts
/// from raw integer units, HTML escaping.
enum ReportFormat {
    /// `&`, `<`, `>`, `"` and `'` escaped: safe in element text and in quoted attributes.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline have no business in a report.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// "1234567" → "1,234,567".
    static func grouped(_ digits: String) -> String {
        var negative = false
        var d = Substring(digits)
        if d.hasPrefix("-") {
            negative = true
            d = d.dropFirst()
        }
        var out = ""
        for (i, c) in d.enumerated() {
            if i > 0 && (d.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (negative ? "−" : "") + out
    }

    /// A raw integer amount with `decimals` as a decimal number with separators, showing about
    /// `significant` digits (at least `minFraction` fraction digits, at most `decimals`; truncated,
    /// trailing zeros beyond `minFraction` dropped).
    static func amount(_ raw: UInt256, decimals: Int?, significant: Int = 8, minFraction: Int = 2) -> String {
        guard let decimals, decimals > 0, decimals <= 77 else { return grouped(raw.description) }
        var scale = UInt256(1)
        for _ in 0..<decimals { scale = scale &* 10 }
        let (whole, fraction) = raw.quotientAndRemainder(dividingBy: scale)
        let wholeDigits = whole.isZero ? 0 : whole.description.count
        let keep = min(decimals, max(minFraction, significant - wholeDigits))
        var fractionDigits = fraction.description
        fractionDigits = String(repeating: "0", count: max(0, decimals - fractionDigits.count)) + fractionDigits
        var shown = String(fractionDigits.prefix(keep))
        while shown.count > min(minFraction, decimals) && shown.hasSuffix("0") { shown.removeLast() }
        return grouped(whole.description) + (shown.isEmpty ? "" : "." + shown)
    }

    /// A float with separators and a fixed number of fraction digits.
    static func number(_ x: Double, fraction: Int) -> String {
        guard x.isFinite else { return "—" }
        let text = String(format: "%.\(max(0, min(fraction, 12)))f", abs(x))
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = grouped(String(parts.first ?? "0"))
        let sign = x < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "−" : ""
        return sign + whole + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A float with digits suited to its size: 1,234,567 · 1,234.57 · 0.002341.
    static func value(_ x: Double) -> String {
        guard x.isFinite else { return "—" }
        let a = abs(x)
        if a >= 10_000 { return number(x, fraction: 0) }
        if a >= 1 { return number(x, fraction: 2) }
        if a == 0 { return "0" }
        return number(x, fraction: min(8, max(2, Int(-log10(a).rounded(.down)) + 3)))
    }

    static func percent(_ x: Double) -> String { number(x, fraction: 1) + " %" }

    static func gwei(_ wei: UInt256) -> String { value(wei.doubleValue / 1e9) + " gwei" }

    static func shortAddress(_ address: Address) -> String { RouteSummary.shortAddress(address) }

    /// "2026-11-25 22:53 UTC"
    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) UTC"
    }
}
