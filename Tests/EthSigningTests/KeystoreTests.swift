import EthCore
import Foundation
import Testing
@testable import EthSigning
#if canImport(Glibc)
import Glibc
#endif

/// The two test vectors of the Web3 Secret Storage Definition (password "testpassword").
enum SpecKeystores {
    static let expectedKey = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    static let pbkdf2 = #"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#
    static let scrypt = #"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#
}

extension PrivateKey {
    /// Test-only: the raw key as hex, to compare against vectors.
    var hexForTests: String { withSecret { Hex.encode(UnsafeBufferPointer(start: $0, count: 32)) } }
}

/// A private temporary directory, removed at the end of the test.
final class TempDir {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ethsigning-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ contents: String, mode: Int = 0o600) throws -> String {
        let p = path + "/" + name
        #expect(FileManager.default.createFile(atPath: p, contents: Data(contents.utf8), attributes: nil))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
        return p
    }

    func mode(of name: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path + "/" + name)[.posixPermissions] as? Int) ?? -1
    }
}

@Suite struct KeystoreTests {
    let password = Array("testpassword".utf8)

    @Test func specPBKDF2Vector() throws {
        let key = try Keystore.decrypt(json: Array(SpecKeystores.pbkdf2.utf8), password: password, name: "pbkdf2.json")
        #expect(key.hexForTests == SpecKeystores.expectedKey)
    }

    @Test func specScryptVector() throws {
        let key = try Keystore.decrypt(json: Array(SpecKeystores.scrypt.utf8), password: password, name: "scrypt.json")
        #expect(key.hexForTests == SpecKeystores.expectedKey)
    }

    @Test func wrongPassword() {
        #expect(throws: KeyError.wrongPassword(path: "pbkdf2.json")) {
            try Keystore.decrypt(json: Array(SpecKeystores.pbkdf2.utf8), password: Array("testpassworD".utf8), name: "pbkdf2.json")
        }
        #expect(KeyError.wrongPassword(path: "a/b.json").description == "wrong password for keystore a/b.json")
    }

    @Test func tamperedCiphertextFailsTheMAC() {
        let tampered = SpecKeystores.pbkdf2.replacingOccurrences(of: "5318b4d5", with: "5318b4d6")
        #expect(throws: KeyError.wrongPassword(path: "k")) {
            try Keystore.decrypt(json: Array(tampered.utf8), password: password, name: "k")
        }
    }

    @Test func readsEthKeyfileOutput() throws {
        let vectors = Vectors.shared.keystores
        #expect(vectors.count == 2)
        for v in vectors {
            let key = try Keystore.decrypt(json: Array(v.json.utf8), password: Array(v.password.utf8), name: "eth-keyfile")
            #expect(key.hexForTests == v.key)
            #expect(key.address.checksummed == v.address)
        }
    }

    /// Fixtures/swift_written_keystore.json was written by `Keystore.encrypt` and checked to
    /// decrypt with eth-keyfile (make_vectors.py); this keeps our reader able to read it too.
    @Test func readsItsOwnCommittedOutput() throws {
        let json = try #require(fixture("swift_written_keystore", "json"))
        let key = try Keystore.decrypt(json: json, password: Array("pässword".utf8), name: "swift_written_keystore.json")
        #expect(key.hexForTests == KeyAndSignatureTests.eip155KeyHex)
    }

    @Test func encryptDecryptRoundTrip() throws {
        let key = PrivateKey.random()
        let json = try Keystore.encrypt(key, password: Array("hunter2".utf8), scrypt: .light)
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains(String(key.hexForTests.dropFirst(2))))
        #expect(text.contains(#""n" : 4096"#))
        #expect(text.contains(Hex.encode(key.address.bytes, prefix: false)))
        let back = try Keystore.decrypt(json: json, password: Array("hunter2".utf8), name: "new")
        #expect(back.hexForTests == key.hexForTests)
        #expect(throws: KeyError.wrongPassword(path: "new")) {
            try Keystore.decrypt(json: json, password: Array("hunter3".utf8), name: "new")
        }
        // Two encryptions of the same key differ (random salt, IV and id).
        #expect(try Keystore.encrypt(key, password: Array("hunter2".utf8), scrypt: .light) != json)
    }

    @Test func rejectsMalformedAndHostileKeystores() {
        func decrypt(_ json: String) throws(KeyError) {
            _ = try Keystore.decrypt(json: Array(json.utf8), password: Array("x".utf8), name: "k.json")
        }
        #expect(throws: KeyError.malformedKeystore(path: "k.json", reason: "not valid JSON")) { try decrypt("{") }
        #expect(throws: KeyError.unsupportedKeystore(path: "k.json", reason: "version 1, only 3 is supported")) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: #""version":3"#, with: #""version":1"#))
        }
        #expect(throws: KeyError.self) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: #""kdf":"pbkdf2""#, with: #""kdf":"argon2""#))
        }
        #expect(throws: KeyError.self) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: "aes-128-ctr", with: "aes-128-cbc"))
        }
        // n = 2^30 would need 128 GiB with r = 1·… — refused before any work.
        #expect(throws: KeyError.unsupportedKeystore(path: "k.json", reason: "scrypt parameters n=1073741824 r=1 p=8 are invalid or need more than 1 GiB")) {
            try decrypt(SpecKeystores.scrypt.replacingOccurrences(of: #""n":262144"#, with: #""n":1073741824"#))
        }
        #expect(throws: KeyError.self) {  // not a power of two
            try decrypt(SpecKeystores.scrypt.replacingOccurrences(of: #""n":262144"#, with: #""n":262145"#))
        }
        #expect(throws: KeyError.self) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: #""c":262144"#, with: #""c":100000000000"#))
        }
        #expect(throws: KeyError.malformedKeystore(path: "k.json", reason: "crypto.cipherparams.iv has 15 bytes, expected 16")) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: "6087dab2f9fdbbfaddc31a909735c1e6", with: "6087dab2f9fdbbfaddc31a909735c1"))
        }
        #expect(throws: KeyError.malformedKeystore(path: "k.json", reason: "missing \"crypto.mac\"")) {
            try decrypt(SpecKeystores.pbkdf2.replacingOccurrences(of: #","mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2""#, with: ""))
        }
    }

    @Test func addressFieldMustMatch() throws {
        let withAddress = SpecKeystores.pbkdf2.replacingOccurrences(of: #""version":3"#, with: #""version":3,"address":"0000000000000000000000000000000000000001""#)
        #expect(throws: KeyError.malformedKeystore(path: "k", reason: "the \"address\" field does not match the decrypted key")) {
            try Keystore.decrypt(json: Array(withAddress.utf8), password: password, name: "k")
        }
    }
}

@Suite struct KeySourceTests {
    static let keyHex = KeyAndSignatureTests.eip155KeyHex  // EIP-155's public example key, not a secret

    @Test func fromEnvironment() throws {
        let key = try KeySource.environment(variable: "ETH_PRIVATE_KEY").load(environment: ["ETH_PRIVATE_KEY": Self.keyHex])
        #expect(key.address.checksummed == "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        #expect(throws: KeyError.missingEnvironment("ETH_PRIVATE_KEY")) {
            try KeySource.environment(variable: "ETH_PRIVATE_KEY").load(environment: [:])
        }
        do {
            _ = try KeySource.environment(variable: "ETH_PRIVATE_KEY").load(environment: ["ETH_PRIVATE_KEY": String(Self.keyHex.dropLast())])
            Issue.record("accepted a 63-digit key")
        } catch {
            #expect(error.description.contains("ETH_PRIVATE_KEY"))
            #expect(!error.description.contains("464646"))
        }
    }

    @Test func fromKeyFile() throws {
        let dir = try TempDir()
        let path = try dir.file("key.hex", "  \(Self.keyHex)\n")
        #expect(try KeySource.keyFile(path: path).load().address.checksummed == "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func refusesKeyFilesOthersCanRead(mode: Int) throws {
        let dir = try TempDir()
        let path = try dir.file("key.hex", Self.keyHex, mode: mode)
        do {
            _ = try KeySource.keyFile(path: path).load()
            Issue.record("loaded a key file with mode \(String(mode, radix: 8))")
        } catch {
            #expect(error == .insecurePermissions(path: path, mode: UInt32(0o100000 | mode)))
            #expect(error.description.contains("chmod 600 \(path)"))
            #expect(!error.description.contains("4646"))
        }
    }

    @Test func keyFileErrors() throws {
        let dir = try TempDir()
        #expect(throws: KeyError.self) { try KeySource.keyFile(path: dir.path + "/missing").load() }
        #expect(throws: KeyError.self) { try KeySource.keyFile(path: dir.path).load() }  // a directory
        let bad = try dir.file("bad.hex", "0x" + String(repeating: "zz", count: 32))
        #expect(throws: KeyError.invalidKey(source: "key file \(bad)", reason: "not hexadecimal")) {
            try KeySource.keyFile(path: bad).load()
        }
    }

    @Test func keystoreWithPasswordFileAndEnvironment() throws {
        let dir = try TempDir()
        let ks = try dir.file("spec.json", SpecKeystores.pbkdf2)
        let pw = try dir.file("pw.txt", "testpassword\n")
        let fromFile = try KeySource.keystore(path: ks, password: .file(path: pw)).load()
        #expect(fromFile.hexForTests == SpecKeystores.expectedKey)
        let fromEnv = try KeySource.keystore(path: ks, password: .environment(variable: "ETH_PASSWORD"))
            .load(environment: ["ETH_PASSWORD": "testpassword"])
        #expect(fromEnv.address == fromFile.address)
        #expect(throws: KeyError.wrongPassword(path: ks)) {
            try KeySource.keystore(path: ks, password: .environment(variable: "ETH_PASSWORD")).load(environment: ["ETH_PASSWORD": "nope"])
        }
        #expect(throws: KeyError.missingEnvironment("ETH_PASSWORD")) {
            try KeySource.keystore(path: ks, password: .environment(variable: "ETH_PASSWORD")).load(environment: [:])
        }
        // An empty password is a password (empty-password keystores exist): here simply the wrong one.
        let empty = try dir.file("empty.txt", "\n")
        #expect(throws: KeyError.wrongPassword(path: ks)) {
            try KeySource.keystore(path: ks, password: .file(path: empty)).load()
        }
    }

    @Test func refusesReadableKeystoreAndPasswordFiles() throws {
        let dir = try TempDir()
        let ks = try dir.file("spec.json", SpecKeystores.pbkdf2, mode: 0o644)
        let pw = try dir.file("pw.txt", "testpassword", mode: 0o600)
        #expect(throws: KeyError.insecurePermissions(path: ks, mode: 0o100644)) {
            try KeySource.keystore(path: ks, password: .file(path: pw)).load()
        }
        let ks2 = try dir.file("spec2.json", SpecKeystores.pbkdf2)
        let pw2 = try dir.file("pw2.txt", "testpassword", mode: 0o644)
        #expect(throws: KeyError.insecurePermissions(path: pw2, mode: 0o100644)) {
            try KeySource.keystore(path: ks2, password: .file(path: pw2)).load()
        }
    }

    // The prompt without a terminal is tested through the binary (CLITests' UtilWalletTests), where
    // stdin is always a pipe; here it would depend on how the test runner was started.

    @Test func writesKeystoreWithMode600AndNeverOverwrites() throws {
        let dir = try TempDir()
        let key = PrivateKey.random()
        let path = dir.path + "/new.json"
        let old = umask(0o022)
        defer { umask(old) }
        try KeySource.writeKeystore(key, password: Array("pw".utf8), to: path, scrypt: .light)
        #expect(try dir.mode(of: "new.json") == 0o600)
        let loaded = try KeySource.keystore(path: path, password: .environment(variable: "P")).load(environment: ["P": "pw"])
        #expect(loaded.address == key.address)

        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: KeyError.fileExists(path: path)) {
            try KeySource.writeKeystore(PrivateKey.random(), password: Array("pw".utf8), to: path, scrypt: .light)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(throws: KeyError.emptyPassword(source: "the new keystore's password")) {
            try KeySource.writeKeystore(key, password: [], to: dir.path + "/other.json", scrypt: .light)
        }
        #expect(throws: KeyError.self) {
            try KeySource.writeKeystore(key, password: Array("pw".utf8), to: dir.path + "/no/such/dir.json", scrypt: .light)
        }
    }

    @Test func errorMessagesAreOneLineAndNameTheFile() {
        let errors: [KeyError] = [
            .invalidKey(source: "key file k", reason: "r"), .missingEnvironment("E"),
            .unreadableFile(path: "p", reason: "r"), .insecurePermissions(path: "p", mode: 0o100644),
            .fileTooLarge(path: "p"), .malformedKeystore(path: "p", reason: "r"), .unsupportedKeystore(path: "p", reason: "r"),
            .wrongPassword(path: "p"), .noTerminal, .emptyPassword(source: "s"), .fileExists(path: "p"),
            .writeFailed(path: "p", reason: "r"), .cryptoFailure("c"),
        ]
        for e in errors { #expect(!e.description.contains("\n") && !e.description.isEmpty) }
        #expect(KeyError.insecurePermissions(path: "/k", mode: 0o100644).description
                == "/k is readable by others (mode 644); run `chmod 600 /k`")
    }
}
