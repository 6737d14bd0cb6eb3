import Foundation

/// Field paths for error messages, written the way a person reads a JSON file:
/// `pools[3].reserves[1]`, `balances.WETH`.
struct JSONFieldPath: Sendable, CustomStringConvertible {
    private(set) var text: String

    init(_ text: String = "") { self.text = text }

    func key(_ name: String) -> JSONFieldPath { JSONFieldPath(text.isEmpty ? name : text + "." + name) }
    func index(_ i: Int) -> JSONFieldPath { JSONFieldPath(text + "[\(i)]") }

    var description: String { text.isEmpty ? "(top level)" : text }

    init(codingPath: [any CodingKey]) {
        var path = JSONFieldPath()
        for key in codingPath {
            if let i = key.intValue { path = path.index(i) } else { path = path.key(key.stringValue) }
        }
        self = path
    }

    /// The path and a one-line reason for a `DecodingError` thrown by `JSONDecoder`.
    /// `data` is the document, to say which field a document-level failure (1e999) is about.
    static func describe(_ error: DecodingError, in data: Data) -> (path: JSONFieldPath, message: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (JSONFieldPath(codingPath: context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context):
            return (JSONFieldPath(codingPath: context.codingPath), "expected \(jsonTypeName(type))")
        case .valueNotFound(let type, let context):
            return (JSONFieldPath(codingPath: context.codingPath), "expected \(jsonTypeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let (field, message) = InvalidJSON.explain(data)
                return (JSONFieldPath(field), message)
            }
            return (JSONFieldPath(codingPath: context.codingPath), context.debugDescription)
        @unknown default:
            return (JSONFieldPath(), "\(error)")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is UInt64.Type, is Int64.Type, is UInt.Type: "an integer"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}

/// An unsigned integer that fits in 64 bits (chain id, block number, timestamp, decimals, fee bps):
/// a JSON number, or a decimal string; encoded as a number.
struct WireUInt64: Codable, Sendable, Equatable {
    var value: UInt64

    init(_ value: UInt64) { self.value = value }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(UInt64.self) {
            value = n
        } else if let s = try? c.decode(String.self), let n = UInt64(s), s.allSatisfy(\.isASCII) {
            value = n
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a non-negative integer")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
