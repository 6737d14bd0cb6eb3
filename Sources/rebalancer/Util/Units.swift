import EthCore

/// Ether amounts as people write them on the command line: `1ether`, `30gwei`, `1.5gwei`,
/// `100wei`, a plain decimal (wei) or a `0x` integer (wei). The result is exact: a fraction that
/// does not come to a whole number of wei, or a value of 2^256 wei or more, is an error, never
/// rounded or wrapped.
enum Units {
    /// Unit names and their power of ten, as cast and ethers know them.
    static let decimals: [String: Int] = [
        "wei": 0,
        "kwei": 3, "babbage": 3,
        "mwei": 6, "lovelace": 6,
        "gwei": 9, "shannon": 9, "nano": 9,
        "szabo": 12, "microether": 12, "micro": 12,
        "finney": 15, "milliether": 15, "milli": 15,
        "ether": 18, "eth": 18,
    ]

    enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case unknownUnit(String)
        case notANumber(String)
        case fractionalWei(String)
        case tooLarge(String)

        var description: String {
            switch self {
            case .empty: return "an amount is empty"
            case .unknownUnit(let u): return "unknown unit \"\(u)\" (use wei, gwei, ether, or one of kwei, mwei, szabo, finney)"
            case .notANumber(let t): return "\"\(t)\" is not a number (write e.g. 1ether, 30gwei, 1.5gwei, 21000)"
            case .fractionalWei(let t): return "\"\(t)\" is not a whole number of wei"
            case .tooLarge(let t): return "\"\(t)\" is 2^256 wei or more"
            }
        }
    }

    /// Parses an amount in wei.
    static func parseWei(_ raw: String) throws(ParseError) -> UInt256 {
        let text = raw.trimmingSpaces
        guard !text.isEmpty else { throw .empty }
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            guard let v = UInt256(hex: text) else {
                throw Hex.isPrefixedHex(text) ? .tooLarge(text) : .notANumber(text)
            }
            return v
        }
        // Split "1.5gwei" / "1.5 gwei" into the number and the unit.
        let numberEnd = text.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? text.endIndex
        let number = String(text[..<numberEnd])
        let unit = text[numberEnd...].trimmingSpaces.lowercased()
        let power: Int
        if unit.isEmpty {
            power = 0
        } else {
            guard let p = decimals[unit] else { throw .unknownUnit(String(text[numberEnd...].trimmingSpaces)) }
            power = p
        }
        return try scaled(number, power: power, text: text)
    }

    /// An amount of a token in whole tokens (`20.5` USDC), exactly, in its raw units.
    static func parseTokenAmount(_ raw: String, decimals: Int) throws(ParseError) -> UInt256 {
        let text = raw.trimmingSpaces
        guard !text.isEmpty else { throw .empty }
        return try scaled(text, power: decimals, text: text)
    }

    /// `number` (digits with at most one point) times 10^power, exactly.
    private static func scaled(_ number: String, power: Int, text: String) throws(ParseError) -> UInt256 {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard !number.isEmpty, parts.count <= 2, !(parts.first ?? "").isEmpty || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              !(parts.count == 2 && parts[0].isEmpty && parts[1].isEmpty)
        else { throw .notANumber(text) }
        let whole = parts[0]
        var fraction = parts.count == 2 ? Substring(parts[1]) : ""
        // Trailing zeros of the fraction never matter; anything left beyond the unit's decimals
        // would be a fraction of a wei.
        while fraction.last == "0" { fraction.removeLast() }
        guard fraction.count <= power else { throw .fractionalWei(text) }
        let digits = String(whole) + fraction + String(repeating: "0", count: power - fraction.count)
        let trimmed = digits.drop { $0 == "0" }
        guard trimmed.count <= 78, let v = UInt256(decimal: trimmed.isEmpty ? "0" : trimmed) else { throw .tooLarge(text) }
        return v
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
