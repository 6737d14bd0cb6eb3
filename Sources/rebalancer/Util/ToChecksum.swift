import ArgumentParser
import EthCore

extension Util {
    struct ToChecksum: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "to-checksum",
            abstract: "Print an address in EIP-55 checksum form.")

        @Argument(help: "A 20-byte address (any case; mixed case must already be a valid checksum).")
        var address: String

        func run() throws {
            print(try reporting("address") { try Address(address) }.checksummed)
        }
    }
}
