import Foundation

/// `--json` output: pretty-printed, keys sorted (stable for diffs and scripts), slashes unescaped.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do { return try encoder.encode(value) } catch { throw CLIError("cannot encode the JSON output: \(error)") }
    }

    static func print<T: Encodable>(_ value: T) throws {
        write(try encode(value))
    }

    /// Raw JSON bytes to stdout, with a final newline (through `print`, so that it is ordered
    /// with any other stdout text).
    static func write(_ data: Data) {
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
