import ArgumentParser
import EthCore
import EthSigning

extension Util {
    /// `cast wallet`: the operator key's address, personal_sign, new keystores.
    struct Wallet: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keys: show the address, sign a message (EIP-191), create a keystore.",
            subcommands: [ShowAddress.self, Sign.self, New.self])
    }
}

extension Util.Wallet {
    struct ShowAddress: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "address", abstract: "Print the checksummed address of the signing key.")

        @OptionGroup var key: KeyOptions

        /// Caught so that a key pasted as an argument is refused without being echoed back.
        @Argument(help: .hidden)
        var unexpected: [String] = []

        func validate() throws {
            if !unexpected.isEmpty {
                throw CLIError("wallet address takes no arguments; the key comes from ETH_PRIVATE_KEY, --key-file or --keystore")
            }
        }

        func run() throws {
            print(try key.load().address.checksummed)
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a message as personal_sign does (EIP-191): prints r ‖ s ‖ v, 65 bytes, v = 27/28.")

        @Argument(help: "The message: text (signed as UTF-8), or 0x-hex (signed as those bytes).")
        var message: String

        @OptionGroup var key: KeyOptions

        /// Caught so that a key pasted as an extra argument is refused without being echoed back.
        @Argument(help: .hidden)
        var unexpected: [String] = []

        func validate() throws {
            if !unexpected.isEmpty {
                throw CLIError("message: one message only (quote it); the key comes from ETH_PRIVATE_KEY, --key-file or --keystore")
            }
        }

        func run() throws {
            let bytes: [UInt8] = message.hasPrefix("0x") || message.hasPrefix("0X")
                ? try reporting("message") { try Hex.decode(message) }
                : Array(message.utf8)
            let signingKey = try key.load()
            print(PersonalMessage.sign(bytes, with: signingKey).hexString)
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a random key in a new keystore v3 file (mode 0600, never overwritten); prints its address.")

        @Option(help: "Where to write the keystore JSON (must not exist).")
        var keystore: String

        @Option(name: .customLong("password-file"), help: "The password in a file (mode 0600). Default: prompt twice.")
        var passwordFile: String?

        /// scrypt n = 4096 instead of 2^18: for tests and throwaway devnet keys only.
        @Flag(name: .customLong("light-kdf"), help: .hidden)
        var lightKDF = false

        func run() throws {
            var password = try passwordFile.map { path in try reporting("password-file") { try NewPassword.fromFile(path) } }
                ?? NewPassword.prompt()
            defer { NewPassword.wipe(&password) }
            let key = PrivateKey.random()
            try reporting("keystore") {
                try KeySource.writeKeystore(key, password: password, to: keystore,
                                            scrypt: lightKDF ? .light : .standard)
            }
            print(key.address.checksummed)
        }
    }
}
