import ArgumentParser
import EthCore

extension Util {
    struct Keccak: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keccak-256 of 0x-hex bytes, or of text as UTF-8.")

        @Argument(help: "0x-prefixed hex (hashed as bytes) or any other text (hashed as UTF-8).")
        var data: String

        func run() throws {
            let bytes: [UInt8] = data.hasPrefix("0x") || data.hasPrefix("0X")
                ? try reporting("data") { try Hex.decode(data) }
                : Array(data.utf8)
            print(Keccak256.hash(bytes).hexString)
        }
    }
}
