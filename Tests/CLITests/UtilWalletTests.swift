import Foundation
import TestSupport
import Testing

/// A scratch directory for key, keystore and password files, removed afterwards.
final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rebalancer-util-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` with the given permissions and returns the path.
    func file(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

enum UtilVectors {
    /// The EIP-155 example key: public test vector, not a secret.
    static let key = "0x4646464646464646464646464646464646464646464646464646464646464646"
    static let keyDigits = "4646464646464646464646464646464646464646464646464646464646464646"
    static let address = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
    /// eth-account's `Account.encrypt(key, "correct horse", kdf="scrypt", iterations=4096)`.
    static let keystore = #"{"address":"9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F","crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"8cda1372eba69228afa1c1ce503eaec3"},"ciphertext":"80a6841c4d52ad24a806e76c084d6ddc39afa506c5aec0d109013fbb49ff2d20","kdf":"scrypt","kdfparams":{"dklen":32,"n":4096,"r":8,"p":1,"salt":"2eff5c5a564db41efeae4f434efff5d6"},"mac":"b6979bd16f0d2d86edc725e9fa5718b24c4d20e91f2836c61dd21f7da6a0de2a"},"id":"7d25f1c6-674b-44f4-b176-78825a8d1bb5","version":3}"#
    static let keystorePassword = "correct horse"
}

@Suite struct UtilWalletTests {
    static let env = ["ETH_PRIVATE_KEY": UtilVectors.key]

    /// Asserts a failure: non-zero exit, one line on stderr, nothing on stdout, no key hex anywhere.
    @discardableResult
    func failure(_ args: [String], environment: [String: String] = [:]) throws -> String {
        let r = try CLIRunner.run(["util"] + args, environment: environment)
        #expect(r.status != 0, "\(args) should fail")
        #expect(r.stdout.isEmpty)
        #expect(r.errorLine.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(!r.stderr.contains(UtilVectors.keyDigits))
        return r.errorLine
    }

    @Test func addressFromEnvironmentKeyFileAndKeystore() throws {
        let env = try CLIRunner.run(["util", "wallet", "address"], environment: Self.env)
        #expect(env.status == 0, "\(env.stderr)")
        #expect(env.out == UtilVectors.address)
        #expect(!env.stdout.contains(UtilVectors.keyDigits))

        let dir = try ScratchDirectory()
        let keyFile = try dir.file("key", UtilVectors.key + "\n")
        let fromFile = try CLIRunner.run(["util", "wallet", "address", "--key-file", keyFile])
        #expect(fromFile.out == UtilVectors.address, "\(fromFile.stderr)")

        let keystore = try dir.file("keystore.json", UtilVectors.keystore)
        let password = try dir.file("password", UtilVectors.keystorePassword + "\n")
        let unlocked = try CLIRunner.run(["util", "wallet", "address", "--keystore", keystore, "--password-file", password])
        #expect(unlocked.out == UtilVectors.address, "\(unlocked.stderr)")
        let viaEnv = try CLIRunner.run(["util", "wallet", "address", "--keystore", keystore],
                                       environment: ["ETH_PASSWORD": UtilVectors.keystorePassword])
        #expect(viaEnv.out == UtilVectors.address, "\(viaEnv.stderr)")
        let viaKeystoreEnv = try CLIRunner.run(["util", "wallet", "address"],
                                               environment: ["ETH_KEYSTORE": keystore, "ETH_PASSWORD": UtilVectors.keystorePassword])
        #expect(viaKeystoreEnv.out == UtilVectors.address, "\(viaKeystoreEnv.stderr)")
    }

    @Test func newKeystoreUnlocksToTheSameAddress() throws {
        let dir = try ScratchDirectory()
        let password = try dir.file("password", "s3cret pass\n")
        let path = dir.path("new.json")
        let created = try CLIRunner.run(["util", "wallet", "new", "--keystore", path, "--password-file", password, "--light-kdf"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.out.hasPrefix("0x") && created.out.count == 42)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let json = try String(contentsOfFile: path, encoding: .utf8)
        #expect(json.contains(#""kdf" : "scrypt""#))
        #expect(json.contains(#""n" : 4096"#))

        let unlocked = try CLIRunner.run(["util", "wallet", "address", "--keystore", path, "--password-file", password])
        #expect(unlocked.status == 0, "\(unlocked.stderr)")
        #expect(unlocked.out == created.out)

        // Never overwritten; wrong password refused.
        #expect(try failure(["wallet", "new", "--keystore", path, "--password-file", password, "--light-kdf"]).contains("already exists"))
        let wrong = try dir.file("wrong", "not it")
        #expect(try failure(["wallet", "address", "--keystore", path, "--password-file", wrong]) == "Error: --keystore: wrong password for keystore \(path)")
        // No terminal to prompt on.
        #expect(try failure(["wallet", "new", "--keystore", dir.path("other.json"), "--light-kdf"]).contains("--password-file"))
        #expect(try failure(["wallet", "address", "--keystore", path]).contains("not a terminal"))
    }

    /// stdin is a pipe here (CLIRunner), whatever terminal the tests were started from: the
    /// password prompt must refuse at once with its one line, not read the pipe as a password.
    @Test func keystorePromptWithoutATerminalFailsAtOnce() throws {
        let dir = try ScratchDirectory()
        let keystore = try dir.file("keystore.json", UtilVectors.keystore)
        let r = try CLIRunner.run(["util", "wallet", "address", "--keystore", keystore], stdin: UtilVectors.keystorePassword + "\n")
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.errorLine == "Error: --keystore: a keystore password is needed but stdin is not a terminal; set ETH_PASSWORD or pass a password file",
                "\(r.stderr)")
    }

    @Test func signMatchesEthAccount() throws {
        // eth-account: Account.sign_message(encode_defunct(text=…), key) and (hexstr="0xdeadbeef").
        let text = try CLIRunner.run(["util", "wallet", "sign", "Hello, rebalancer!"], environment: Self.env)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.out == "0xbc63864d6a5a1162d55a8b308cfa4ad4b461b9de4840a5112f29f189da022cf512aa0eebe4e2fcc0cdfdbc6f84f1fc5056e4e30eeb8801e9be03a13e2c802bbf1b")
        let hex = try CLIRunner.run(["util", "wallet", "sign", "0xdeadbeef"], environment: Self.env)
        #expect(hex.out == "0xe634c2b988f47ed8fe2bfda5c5a47dbc69016c87623a0833e92a9c1e81fdb03d671324c546436acaa3d12be447248b3892477b274a85cc2c20a0a49cd2d04cad1b")
        #expect(try failure(["wallet", "sign", "0xdeadbee"], environment: Self.env).contains("odd number of digits"))
    }

    @Test func keysAreRefusedOnTheCommandLineAndNeverEchoed() throws {
        let refused = try failure(["wallet", "address", "--private-key", UtilVectors.key])
        #expect(refused.contains("ETH_PRIVATE_KEY"))
        #expect(refused.contains("--key-file"))
        #expect(try failure(["wallet", "sign", "hi", "--private-key=\(UtilVectors.key)"]).contains("ETH_PRIVATE_KEY"))
        #expect(try failure(["mktx", "--private-key", UtilVectors.key, "--chain", "1", "--nonce", "0", "--gas-limit", "21000",
                             "--gas-price", "1gwei", "--legacy", "0x3535353535353535353535353535353535353535"]).contains("ETH_PRIVATE_KEY"))

        // A key pasted as an argument is refused, not echoed in an "unexpected argument" error.
        #expect(try failure(["wallet", "address", UtilVectors.key]).contains("takes no arguments"))
        #expect(try failure(["wallet", "sign", "hi", UtilVectors.key], environment: Self.env).contains("one message only"))
        #expect(try failure(["wallet", "address"]) == "Error: no signing key: set ETH_PRIVATE_KEY, or use --key-file or --keystore")
        let short = try failure(["wallet", "address"], environment: ["ETH_PRIVATE_KEY": String(UtilVectors.key.dropLast())])
        #expect(short.contains("ETH_PRIVATE_KEY"))
        #expect(!short.contains(String(UtilVectors.keyDigits.dropLast())))
        #expect(try failure(["wallet", "address"], environment: ["ETH_PRIVATE_KEY": "0x" + String(repeating: "0", count: 64)])
                .contains("not a valid secp256k1 scalar"))

        let dir = try ScratchDirectory()
        let open = try dir.file("key", UtilVectors.key, mode: 0o644)
        let permissive = try failure(["wallet", "address", "--key-file", open])
        #expect(permissive.contains("chmod 600"))
        #expect(permissive.hasPrefix("Error: --key-file:"))
        #expect(try failure(["wallet", "address", "--key-file", dir.path("missing")]).contains("cannot read"))
        let garbage = try dir.file("garbage", "0x" + String(repeating: "zz", count: 32))
        #expect(try failure(["wallet", "address", "--key-file", garbage]).contains("not hexadecimal"))
        let badKeystore = try dir.file("bad.json", "{\"version\": 3}")
        let password = try dir.file("password", "x")
        #expect(try failure(["wallet", "address", "--keystore", badKeystore, "--password-file", password]).contains("malformed"))
        let openPassword = try dir.file("open-password", "x", mode: 0o640)
        #expect(try failure(["wallet", "new", "--keystore", dir.path("n.json"), "--password-file", openPassword, "--light-kdf"])
                .contains("chmod 600"))
    }
}
