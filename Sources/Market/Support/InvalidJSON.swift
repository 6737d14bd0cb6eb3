import EthCore
import Foundation

/// Why JSONDecoder called a file "not valid JSON", said with the field when there is one.
/// Foundation refuses a number such as 1e999 (beyond a Double) for the whole document; the
/// operator needs to know it is `policy.maxSlippageBps`, not hunt for a missing comma.
public enum InvalidJSON {
    /// `(field path, message)`; the path is empty when the text itself is broken.
    public static func explain(_ data: Data) -> (field: String, message: String) {
        let value: JSONValue
        do { value = try JSONValue.parse([UInt8](data)) } catch {
            return ("", data.isEmpty ? "the file is empty" : "not valid JSON (\(error))")
        }
        if let (path, text) = outOfRangeNumber(in: value, at: JSONFieldPath()) {
            return (path.text, "the number \(text) is out of range")
        }
        return ("", "not valid JSON")
    }

    /// "path: message", or just the message for the whole file.
    public static func describe(_ data: Data) -> String {
        let (field, message) = explain(data)
        return field.isEmpty ? message : "\(field): \(message)"
    }

    private static func outOfRangeNumber(in value: JSONValue, at path: JSONFieldPath) -> (JSONFieldPath, String)? {
        switch value {
        case .number(let text):
            guard let d = Double(text), d.isFinite else { return (path, text) }
            return nil
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = outOfRangeNumber(in: item, at: path.index(i)) { return found }
            }
            return nil
        case .object(let fields):
            for key in fields.keys.sorted() {
                if let item = fields[key], let found = outOfRangeNumber(in: item, at: path.key(key)) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
