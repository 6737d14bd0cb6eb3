import EthCore
import Foundation

/// Where the operator's private key comes from. Never a command-line argument or a config
/// file: those end up in `ps` output, shell history and backups.
public enum KeySource: Sendable, Hashable {
    /// `0x` + 64 hex digits in an environment variable (ETH_PRIVATE_KEY by default).
    case environment(variable: String)
    /// A file holding the hex key (whitespace around it is ignored); mode must be 0600 or stricter.
    case keyFile(path: String)
    /// A Web3 Secret Storage (keystore v3) JSON file and where its password comes from.
    case keystore(path: String, password: PasswordSource)

    public static let defaultEnvironmentVariable = "ETH_PRIVATE_KEY"

    /// Loads the key. `environment` defaults to the process environment; tests pass their own.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(KeyError) -> PrivateKey {
        switch self {
        case .environment(let variable):
            guard let text = environment[variable], !text.isEmpty else { throw .missingEnvironment(variable) }
            return try PrivateKey(hex: text, source: "environment variable \(variable)")
        case .keyFile(let path):
            var bytes = try SecretFile.read(path)
            defer { wipe(&bytes) }
            // The hex text of a key is ASCII; anything else is rejected without echoing it.
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .invalidKey(source: "key file \(path)", reason: "not text")
            }
            return try PrivateKey(hex: text, source: "key file \(path)")
        case .keystore(let path, let passwordSource):
            var json = try SecretFile.read(path)
            defer { wipe(&json) }
            var password = try passwordSource.read(environment: environment, keystorePath: path)
            defer { wipe(&password) }
            return try Keystore.decrypt(json: json, password: password, name: path)
        }
    }

    /// Encrypts `key` into a new keystore file at `path` (mode 0600; an existing file is never
    /// overwritten).
    public static func writeKeystore(_ key: PrivateKey, password: [UInt8], to path: String,
                                     scrypt: Keystore.ScryptParameters = .standard) throws(KeyError) {
        guard !password.isEmpty else { throw .emptyPassword(source: "the new keystore's password") }
        let json = try Keystore.encrypt(key, password: password, scrypt: scrypt)
        try SecretFile.create(path, contents: json)
    }
}

/// Where a keystore's password comes from.
public enum PasswordSource: Sendable, Hashable {
    /// A file; a trailing newline is not part of the password. Mode must be 0600 or stricter.
    case file(path: String)
    /// An environment variable (ETH_PASSWORD by default).
    case environment(variable: String)
    /// Typed at the terminal without echo; an error when stdin is not a terminal.
    case prompt

    public static let defaultEnvironmentVariable = "ETH_PASSWORD"

    func read(environment: [String: String], keystorePath: String) throws(KeyError) -> [UInt8] {
        switch self {
        case .file(let path):
            var bytes = try SecretFile.read(path)
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            // An empty password is valid Web3 Secret Storage (geth and Parity write such files): it
            // opens them. Only creating one is refused (writeKeystore).
            return bytes
        case .environment(let variable):
            guard let text = environment[variable] else { throw .missingEnvironment(variable) }
            return Array(text.utf8)
        case .prompt:
            return try PasswordPrompt.read(prompt: "Password for keystore \(keystorePath): ")
        }
    }
}
