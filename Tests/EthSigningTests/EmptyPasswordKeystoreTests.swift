import EthCore
import Foundation
import Testing
@testable import EthSigning

#if canImport(Glibc)
import Glibc
#endif

/// Keystores with an empty password are valid Web3 Secret Storage (geth and Parity write them):
/// they open from a password file or ETH_PASSWORD; creating one stays refused.
@Suite struct EmptyPasswordKeystoreTests {
    /// Written by eth-account (`Account.encrypt(key, "")`, small work factors) for devnet account 5,
    /// a public devnet key.
    static let scrypt = #"{"address": "9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "dd5670673a966355b8fa553b55290776"}, "ciphertext": "482a5202e2f3118e3da61c2f6ed69980ddbbcf640d93cd7b7b6c908196bddf01", "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 1024, "r": 8, "p": 1, "salt": "aa1d36c56c9558be53f60a4b57e28bb5"}, "mac": "314f77940967a2f4caa8697e86640f0a17cb03a07a619bc56cce93302b859f40"}, "id": "8b5faea2-be5b-4c7c-b474-80f7eb4e91ec", "version": 3}"#
    static let pbkdf2 = #"{"address": "9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "2ae145ed132c9faefa1885811a85ad1c"}, "ciphertext": "e7d6fd2f74fa6a27e7d6935b80086b19bb3059c934dbdfe25b9982270eb4594b", "kdf": "pbkdf2", "kdfparams": {"c": 1000, "dklen": 32, "prf": "hmac-sha256", "salt": "6bedfd69d26e1a5797c47b53f702776e"}, "mac": "f241e1b8d4067ba6c6e38d1faefa8b2a415f6926971ad08ec599f523cd39ae1e"}, "id": "174a2b60-921d-4623-9aa8-08ba91f835b0", "version": 3}"#
    static let address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"

    @Test func opensFromAnEmptyPasswordFileOrEnvironmentVariable() throws {
        let dir = try TempDir()
        for (name, json) in [("scrypt.json", Self.scrypt), ("pbkdf2.json", Self.pbkdf2)] {
            let ks = try dir.file(name, json)
            for content in ["", "\n"] {
                let pw = try dir.file("pw-\(name)-\(content.count).txt", content)
                let key = try KeySource.keystore(path: ks, password: .file(path: pw)).load()
                #expect(key.address.checksummed == Self.address)
            }
            let fromEnv = try KeySource.keystore(path: ks, password: .environment(variable: "ETH_PASSWORD"))
                .load(environment: ["ETH_PASSWORD": ""])
            #expect(fromEnv.address.checksummed == Self.address)
            #expect(throws: KeyError.wrongPassword(path: ks)) {
                try KeySource.keystore(path: ks, password: .environment(variable: "ETH_PASSWORD")).load(environment: ["ETH_PASSWORD": "x"])
            }
        }
        // A keystore with a password still refuses the empty one, as a wrong password.
        let spec = try dir.file("spec.json", SpecKeystores.pbkdf2)
        let empty = try dir.file("empty.txt", "")
        #expect(throws: KeyError.wrongPassword(path: spec)) { try KeySource.keystore(path: spec, password: .file(path: empty)).load() }
        // Creating one stays refused.
        let key = try KeySource.keystore(path: dir.path + "/scrypt.json", password: .file(path: empty)).load()
        #expect(throws: KeyError.emptyPassword(source: "the new keystore's password")) {
            try KeySource.writeKeystore(key, password: [], to: dir.path + "/new.json")
        }
    }

    @Test func aFIFOAsKeyFileIsRefusedWithoutBlocking() throws {
        let dir = try TempDir()
        let fifo = dir.path + "/key.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Thread {
            do { _ = try KeySource.keyFile(path: fifo).load(); outcome.set("loaded") } catch { outcome.set("\(error)") }
            done.signal()
        }.start()
        // Before the fix open(2) waited forever for a writer.
        #expect(done.wait(timeout: .now() + 5) == .success, "reading a FIFO key file blocked")
        #expect(outcome.value?.contains("not a regular file") == true, "\(outcome.value ?? "nothing")")
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var text: String?
        var value: String? { lock.withLock { text } }
        func set(_ t: String) { lock.withLock { text = t } }
    }
}
