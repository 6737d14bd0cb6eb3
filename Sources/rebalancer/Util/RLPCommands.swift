import ArgumentParser
import EthCore
import Foundation

extension Util {
    struct ToRLP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "to-rlp",
            abstract: "RLP-encode a JSON nested array of 0x-hex strings, e.g. '[\"0x01\",[\"0x02\"]]'.")

        @Argument(help: "A 0x-hex string or a JSON (nested) array of them.")
        var value: String

        func run() throws {
            // Bare hex (the help's first form) is a string item; anything else must be JSON.
            let text = value.trimmingCharacters(in: .whitespaces)
            let json: Any
            if !text.hasPrefix("[") && !text.hasPrefix("\"") {
                json = text
            } else {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                    throw CLIError("value: not valid JSON: write bare 0x-hex, or a JSON array like '[\"0x01\",[\"0x02\"]]'")
                }
                json = parsed
            }
            let item = try reporting("value") { try RLPJSON.item(from: json, path: "value") }
            print(RLP.encode(item).hexString)
        }
    }

    struct FromRLP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "from-rlp",
            abstract: "Decode RLP into a JSON nested array of 0x-hex strings.")

        @Argument(help: "0x-hex RLP bytes.")
        var data: String

        func run() throws {
            let bytes = try reporting("data") { try Hex.decode(data) }
            let item = try reporting("data") { try RLP.decode(bytes) }
            print(RLPJSON.text(item))
        }
    }
}

/// RLP items ⇄ the JSON form cast uses: byte strings as 0x-hex, lists as arrays.
enum RLPJSON {
    static func item(from json: Any, path: String) throws -> RLPItem {
        if let s = json as? String {
            guard Hex.isPrefixedHex(s) else { throw CLIError("\(path) must be a 0x-hex string, got \"\(s)\"") }
            do { return .bytes(try Hex.decode(s)) } catch { throw CLIError("\(path): \(error)") }
        }
        if let a = json as? [Any] {
            return .list(try a.enumerated().map { try item(from: $0.element, path: "\(path)[\($0.offset)]") })
        }
        throw CLIError("\(path) must be a 0x-hex string or an array")
    }

    static func text(_ item: RLPItem) -> String {
        switch item {
        case .bytes(let b): return "\"\(b.hexString)\""
        case .list(let l): return "[" + l.map(text).joined(separator: ",") + "]"
        }
    }
}
