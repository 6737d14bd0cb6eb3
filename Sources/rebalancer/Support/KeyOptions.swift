import ArgumentParser
import EthSigning
import Foundation

/// Where every command that signs gets its key, with the same flags everywhere: `--key-file`
/// (a 0x-hex key, mode 0600), `--keystore` (its password from `--password-file`, `ETH_PASSWORD`
/// or a no-echo prompt), else `ETH_PRIVATE_KEY`, else `ETH_KEYSTORE`. Never the command line:
/// arguments are visible to every user through `ps` and end up in shell history.
struct KeyOptions: ParsableArguments {
    @Option(help: "A file holding the 0x-hex private key (mode 0600). Default: the ETH_PRIVATE_KEY environment variable.")
    var keyFile: String?

    @Option(help: "A keystore v3 JSON file (also ETH_KEYSTORE); its password from --password-file, ETH_PASSWORD, or a prompt.")
    var keystore: String?

    @Option(help: "The keystore password in a file (mode 0600). Default: ETH_PASSWORD, else a prompt.")
    var passwordFile: String?

    /// Declared only to refuse it with a useful message instead of "unknown option"; its value is
    /// dropped unread and never echoed.
    @Option(name: .customLong("private-key"), help: .hidden)
    var refusedPrivateKey: String?

    static let refusal = "--private-key: keys are not accepted on the command line (visible in ps and shell history); "
        + "set ETH_PRIVATE_KEY or use --key-file or --keystore"

    func validate() throws {
        if refusedPrivateKey != nil { throw CLIError(Self.refusal) }
        if keyFile != nil && keystore != nil {
            throw CLIError("--key-file: give either --key-file or --keystore, not both")
        }
        if passwordFile != nil && keystore == nil && ProcessInfo.processInfo.environment["ETH_KEYSTORE"] == nil {
            throw CLIError("--password-file: only used with --keystore")
        }
    }

    /// The key source these options select, with the flag or variable it came from (for errors).
    func source(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (KeySource, context: String) {
        let password: PasswordSource = passwordFile.map { .file(path: $0) }
            ?? (environment[PasswordSource.defaultEnvironmentVariable] != nil
                ? .environment(variable: PasswordSource.defaultEnvironmentVariable) : .prompt)
        if let keystore { return (.keystore(path: keystore, password: password), "--keystore") }
        if let keyFile { return (.keyFile(path: keyFile), "--key-file") }
        let variable = KeySource.defaultEnvironmentVariable
        if let text = environment[variable], !text.isEmpty { return (.environment(variable: variable), variable) }
        if let path = environment["ETH_KEYSTORE"], !path.isEmpty { return (.keystore(path: path, password: password), "ETH_KEYSTORE") }
        throw CLIError("no signing key: set \(variable), or use --key-file or --keystore")
    }

    func load() throws -> PrivateKey {
        let (source, context) = try source()
        return try reporting(context) { try source.load() }
    }
}
