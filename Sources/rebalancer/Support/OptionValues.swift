import ArgumentParser
import Market

/// Parsers for numeric option values, shared so that every option of a kind refuses the same
/// inputs in the same words. Options using them parse `.unconditional`ly: otherwise "-5" looks
/// like a flag and the user gets "Missing value" and the help text instead of what is wrong.
/// ArgumentParser prints a failure as "The value '-5' is invalid for '--limit <limit>': …".
enum OptionValue {
    /// Ten years: longer waits or intervals are typos, and larger values overflow date arithmetic.
    static let maxSeconds: Double = 10 * 365 * 86_400

    /// A positive, finite number of seconds (fractions allowed).
    static func seconds(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite else { throw CLIError("expected a number of seconds") }
        guard value > 0 else { throw CLIError("must be more than 0 seconds") }
        guard value <= maxSeconds else { throw CLIError("must be at most \(Int(maxSeconds)) seconds (10 years)") }
        return value
    }

    /// A positive, finite number of days, at most ten years.
    static func days(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite else { throw CLIError("expected a number of days") }
        guard value > 0 else { throw CLIError("must be more than 0 days") }
        guard value <= 3650 else { throw CLIError("must be at most 3650 days (10 years)") }
        return value
    }

    /// A whole number ≥ 1 (ticks, runs to list, hops).
    static func count(_ text: String) throws -> Int {
        guard let value = Int(text) else {
            throw CLIError(Double(text) != nil ? "expected a whole number ≥ 1" : "expected a whole number")
        }
        guard value >= 1 else { throw CLIError("must be at least 1") }
        return value
    }

    /// A whole number ≥ 0 (basis points, nonces).
    static func natural(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw CLIError(text.hasPrefix("-") ? "must not be negative" : "expected a whole number ≥ 0")
        }
        return value
    }

    /// A block number (decimal, or 0x-hex as nodes print it).
    static func blockNumber(_ text: String) throws -> UInt64 {
        let lower = text.lowercased()
        let value = lower.hasPrefix("0x") ? UInt64(lower.dropFirst(2), radix: 16) : UInt64(lower)
        guard let value else {
            throw CLIError(text.hasPrefix("-") ? "a block number is not negative" : "expected a block number (decimal or 0x-hex)")
        }
        return value
    }

    /// A network's name (networks/<name>.json, and a directory under the data dir): letters,
    /// digits, - and _, never a path.
    static func networkName(_ text: String) throws -> String {
        guard NetworkConfig.isNetworkName(text) else {
            throw CLIError("a network is a name (letters, digits, - and _, like sepolia), not a path")
        }
        return text
    }

    /// A raw token amount: decimal digits only (no sign, no exponent, no fraction).
    static func rawAmount(_ text: String) throws -> String {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CLIError(text.hasPrefix("-") ? "an amount is not negative" : "expected raw integer units (decimal digits, e.g. 1000000000000000000 for 1 WETH)")
        }
        return text
    }

    /// An amount in whole tokens, like 20.5: digits with at most one decimal point, not negative.
    /// The exact conversion to raw units happens where the token's decimals are known.
    static func tokenAmount(_ text: String) throws -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !text.isEmpty, text != ".",
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            throw CLIError(text.hasPrefix("-") ? "an amount is not negative" : "expected an amount in whole tokens, digits with an optional decimal point (e.g. 20.5)")
        }
        return text
    }
}
