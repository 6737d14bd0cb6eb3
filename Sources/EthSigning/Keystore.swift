import Crypto
import EthCore
import Foundation
import _CryptoExtras

/// Web3 Secret Storage (keystore v3): a private key encrypted with AES-128-CTR under a key
/// derived from a password by scrypt or PBKDF2-HMAC-SHA256, authenticated by
/// MAC = keccak256(derivedKey[16..<32] ‖ ciphertext).
///
/// Pure computation on bytes; reading and writing files is `KeySource`'s and `KeystoreFile`'s job.
public enum Keystore {
    /// scrypt cost for new keystores.
    public struct ScryptParameters: Sendable, Hashable {
        public var n: Int
        public var r: Int
        public var p: Int

        public init(n: Int, r: Int, p: Int) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// geth's and eth-account's standard: n = 2^18, r = 8, p = 1 (256 MiB, about a second).
        public static let standard = ScryptParameters(n: 262_144, r: 8, p: 1)
        /// n = 4096: fast, for tests and throwaway devnet keys only.
        public static let light = ScryptParameters(n: 4096, r: 8, p: 1)
    }

    // Bounds for files from elsewhere: a hostile keystore must not make us allocate gigabytes
    // or spin for hours before the MAC check can fail.
    static let maxScryptMemory = 1 << 30       // 128·n·r bytes
    static let maxScryptP = 16
    static let maxPBKDF2Rounds = 10_000_000

    /// Decrypts a keystore. `name` (usually the file path) is used in error messages only.
    public static func decrypt(json: [UInt8], password: [UInt8], name: String) throws(KeyError) -> PrivateKey {
        let file: KeystoreJSON
        do { file = try JSONDecoder().decode(KeystoreJSON.self, from: Data(json)) } catch {
            throw .malformedKeystore(path: name, reason: jsonReason(error))
        }
        guard file.version == 3 else { throw .unsupportedKeystore(path: name, reason: "version \(file.version), only 3 is supported") }
        guard let crypto = file.crypto ?? file.Crypto else { throw .malformedKeystore(path: name, reason: "no \"crypto\" object") }
        guard crypto.cipher == "aes-128-ctr" else {
            throw .unsupportedKeystore(path: name, reason: "cipher \"\(crypto.cipher)\", only aes-128-ctr is supported")
        }
        let iv = try hex(crypto.cipherparams.iv, "crypto.cipherparams.iv", name)
        guard iv.count == 16 else { throw .malformedKeystore(path: name, reason: "crypto.cipherparams.iv has \(iv.count) bytes, expected 16") }
        let ciphertext = try hex(crypto.ciphertext, "crypto.ciphertext", name)
        guard ciphertext.count == 32 else {
            throw .malformedKeystore(path: name, reason: "crypto.ciphertext has \(ciphertext.count) bytes, expected 32")
        }
        let mac = try hex(crypto.mac, "crypto.mac", name)
        guard mac.count == 32 else { throw .malformedKeystore(path: name, reason: "crypto.mac has \(mac.count) bytes, expected 32") }

        var derived = try deriveKey(crypto: crypto, password: password, name: name)
        defer { wipe(&derived) }
        guard constantTimeEqual(Keccak256.hash(derived[16..<32] + ciphertext), mac) else {
            throw .wrongPassword(path: name)
        }
        var plain = try aes128ctr(key: Array(derived[0..<16]), iv: iv, ciphertext)
        defer { wipe(&plain) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: plain) } catch {
            throw .malformedKeystore(path: name, reason: "the decrypted key is not a valid secp256k1 scalar")
        }
        if let address = file.address, !address.isEmpty {
            guard let stated = try? Address(address), stated == key.address else {
                throw .malformedKeystore(path: name, reason: "the \"address\" field does not match the decrypted key")
            }
        }
        return key
    }

    /// Encrypts `key` into keystore v3 JSON with scrypt, a random salt and IV, and a random
    /// (version 4) UUID.
    public static func encrypt(_ key: PrivateKey, password: [UInt8], scrypt: ScryptParameters = .standard) throws(KeyError) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let params = KeystoreJSON.KDFParams(dklen: 32, salt: Hex.encode(salt, prefix: false), n: scrypt.n, r: scrypt.r, p: scrypt.p)
        var derived = try runScrypt(password: password, salt: salt, params: params, name: "new keystore")
        defer { wipe(&derived) }
        let ciphertext = try key.withSecret { secret throws(KeyError) in
            try aes128ctr(key: Array(derived[0..<16]), iv: iv, Array(UnsafeBufferPointer(start: secret, count: 32)))
        }
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)
        let file = KeystoreJSON(
            crypto: .init(cipher: "aes-128-ctr", cipherparams: .init(iv: Hex.encode(iv, prefix: false)),
                          ciphertext: Hex.encode(ciphertext, prefix: false), kdf: "scrypt", kdfparams: params,
                          mac: Hex.encode(mac, prefix: false)),
            Crypto: nil, id: UUID().uuidString.lowercased(), version: 3,
            address: Hex.encode(key.address.bytes, prefix: false))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do { return Array(try encoder.encode(file)) } catch {
            throw .cryptoFailure("encoding the keystore JSON")
        }
    }

    // MARK: - KDFs and cipher

    private static func deriveKey(crypto: KeystoreJSON.CryptoSection, password: [UInt8], name: String) throws(KeyError) -> [UInt8] {
        let params = crypto.kdfparams
        guard (32...64).contains(params.dklen) else {
            throw .unsupportedKeystore(path: name, reason: "kdfparams.dklen \(params.dklen), expected 32")
        }
        switch crypto.kdf {
        case "scrypt":
            return try runScrypt(password: password, salt: try hex(params.salt, "kdfparams.salt", name), params: params, name: name)
        case "pbkdf2":
            guard params.prf == "hmac-sha256" else {
                throw .unsupportedKeystore(path: name, reason: "kdfparams.prf \"\(params.prf ?? "missing")\", only hmac-sha256 is supported")
            }
            guard let c = params.c, (1...maxPBKDF2Rounds).contains(c) else {
                throw .unsupportedKeystore(path: name, reason: "kdfparams.c must be between 1 and \(maxPBKDF2Rounds)")
            }
            let salt = try hex(params.salt, "kdfparams.salt", name)
            do {
                // Rounds are the file's choice (the spec's own vector uses 262144; older tools
                // used fewer), hence the unchecked variant.
                let key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                            outputByteCount: params.dklen, unsafeUncheckedRounds: c)
                return key.withUnsafeBytes { Array($0) }
            } catch {
                throw .cryptoFailure("PBKDF2 key derivation")
            }
        default:
            throw .unsupportedKeystore(path: name, reason: "kdf \"\(crypto.kdf)\", only scrypt and pbkdf2 are supported")
        }
    }

    private static func runScrypt(password: [UInt8], salt: [UInt8], params: KeystoreJSON.KDFParams, name: String) throws(KeyError) -> [UInt8] {
        guard let n = params.n, let r = params.r, let p = params.p else {
            throw .malformedKeystore(path: name, reason: "scrypt needs kdfparams n, r and p")
        }
        guard n > 1, n & (n - 1) == 0, r >= 1, r <= 64, p >= 1, p <= maxScryptP,
              n <= maxScryptMemory / (128 * r) else {
            throw .unsupportedKeystore(path: name, reason: "scrypt parameters n=\(n) r=\(r) p=\(p) are invalid or need more than 1 GiB")
        }
        do {
            guard boringSSLAcceptsScrypt(n: n, r: r, p: p) else {
                return try Scrypt.deriveKey(password: password, salt: salt, n: n, r: r, p: p, outputByteCount: params.dklen)
            }
            let key = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: params.dklen,
                                               rounds: n, blockSize: r, parallelism: p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .cryptoFailure("scrypt key derivation")
        }
    }

    /// BoringSSL insists on RFC 7914's N < 2^(16·r), and swift-crypto's memory limit for it
    /// (128·N·r·p plus a page) is too tight for r > 16 when p = 1.
    static func boringSSLAcceptsScrypt(n: Int, r: Int, p: Int) -> Bool {
        if 16 * r <= 62 && n >= 1 << (16 * r) { return false }
        return r <= 16
    }

    private static func aes128ctr(key: [UInt8], iv: [UInt8], _ input: [UInt8]) throws(KeyError) -> [UInt8] {
        do {
            // The keystore IV is the full 128-bit initial counter block.
            let nonce = try AES._CTR.Nonce(nonceBytes: iv)
            return Array(try AES._CTR.encrypt(input, using: SymmetricKey(data: key), nonce: nonce))
        } catch {
            throw .cryptoFailure("AES-128-CTR")
        }
    }

    private static func hex(_ text: String, _ field: String, _ name: String) throws(KeyError) -> [UInt8] {
        do { return try Hex.decode(text) } catch { throw .malformedKeystore(path: name, reason: "\(field) is not hex") }
    }

    /// Compares without an early exit, so timing does not reveal how much of a MAC matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    private static func jsonReason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing \"\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default:
            return "not valid JSON"
        }
    }
}

/// The keystore v3 file layout. Some wallets (MyEtherWallet) capitalise "Crypto".
struct KeystoreJSON: Codable {
    struct CipherParams: Codable { var iv: String }
    struct KDFParams: Codable {
        var dklen: Int
        var salt: String
        // scrypt
        var n: Int?
        var r: Int?
        var p: Int?
        // pbkdf2
        var c: Int?
        var prf: String?

        init(dklen: Int, salt: String, n: Int? = nil, r: Int? = nil, p: Int? = nil, c: Int? = nil, prf: String? = nil) {
            self.dklen = dklen
            self.salt = salt
            self.n = n
            self.r = r
            self.p = p
            self.c = c
            self.prf = prf
        }
    }
    struct CryptoSection: Codable {
        var cipher: String
        var cipherparams: CipherParams
        var ciphertext: String
        var kdf: String
        var kdfparams: KDFParams
        var mac: String
    }

    var crypto: CryptoSection?
    var Crypto: CryptoSection?
    var id: String?
    var version: Int
    var address: String?
}
