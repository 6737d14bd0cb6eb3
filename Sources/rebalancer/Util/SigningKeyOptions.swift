import ArgumentParser
import EthSigning
import Foundation

/// Where a command that signs gets its key: `ETH_PRIVATE_KEY`, a key file, or a keystore (with its
/// password from a file, `ETH_PASSWORD`, or a no-echo prompt). Never the command line: arguments
/// are visible to every user through `ps` and end up in shell history.
struct SigningKeyOptions: ParsableArguments {
    @Option(name: .customLong("private-key-file"),
            help: "A file holding the 0x-hex private key (mode 0600). Default: the ETH_PRIVATE_KEY environment variable.")
    var privateKeyFile: String?

    @Option(help: "A keystore v3 JSON file (also ETH_KEYSTORE).")
    var keystore: String?

    @Option(name: .customLong("password-file"),
            help: "The keystore password in a file (mode 0600). Default: ETH_PASSWORD, else a prompt.")
    var passwordFile: String?

    /// Declared only to refuse it with a useful message instead of "unknown option"; its value is
    /// dropped unread and never echoed.
    @Option(name: .customLong("private-key"), help: .hidden)
    var refusedPrivateKey: String?

    func validate() throws {
        if refusedPrivateKey != nil { throw CLIError(Self.refusal) }
        if privateKeyFile != nil && keystore != nil {
            throw CLIError("private-key-file: give either --private-key-file or --keystore, not both")
        }
        if passwordFile != nil && keystore == nil && ProcessInfo.processInfo.environment["ETH_KEYSTORE"] == nil {
            throw CLIError("password-file: only used with --keystore")
        }
    }

    static let refusal = "private-key: keys are not accepted on the command line (visible in ps and shell history); "
        + "set ETH_PRIVATE_KEY or use --private-key-file or --keystore"

    /// The key source these options select, with the argument or variable it came from (for
    /// error messages).
    func source(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (KeySource, context: String) {
        let password: PasswordSource = passwordFile.map { .file(path: $0) }
            ?? (environment[PasswordSource.defaultEnvironmentVariable] != nil
                ? .environment(variable: PasswordSource.defaultEnvironmentVariable) : .prompt)
        if let keystore { return (.keystore(path: keystore, password: password), "keystore") }
        if let privateKeyFile { return (.keyFile(path: privateKeyFile), "private-key-file") }
        let variable = KeySource.defaultEnvironmentVariable
        if let text = environment[variable], !text.isEmpty { return (.environment(variable: variable), variable) }
        if let path = environment["ETH_KEYSTORE"], !path.isEmpty { return (.keystore(path: path, password: password), "ETH_KEYSTORE") }
        throw CLIError("no signing key: set \(variable), or use --private-key-file or --keystore")
    }

    func loadKey() throws -> PrivateKey {
        let (source, context) = try source()
        return try reporting(context) { try source.load() }
    }
}
