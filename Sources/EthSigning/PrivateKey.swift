import CSecp256k1
import EthCore

/// A secp256k1 private key.
///
/// A final class rather than a struct so that the 32 secret bytes live in exactly one heap
/// buffer that is zeroed when the last reference goes away. It never reveals itself: its
/// description, debug description and mirror print `PrivateKey(<redacted>)`, it is not Codable,
/// and there is no public accessor for the raw bytes.
public final class PrivateKey: @unchecked Sendable {
    // Immutable after init; only read (by libsecp256k1) until deinit zeroes it.
    private let secret: UnsafeMutablePointer<UInt8>
    // Hands the zeroed buffer back to the allocator; tests substitute one that first looks at it.
    private let release: @Sendable (UnsafeMutablePointer<UInt8>) -> Void

    public let publicKey: PublicKey

    /// The account this key controls.
    public var address: Address { publicKey.address }

    /// 32 bytes forming a scalar in [1, n-1] (checked with `secp256k1_ec_seckey_verify`).
    public convenience init(bytes: some Collection<UInt8>) throws(KeyError) {
        try self.init(bytes: bytes, release: { $0.deallocate() })
    }

    /// `release` receives the secret's buffer, already zeroed, when the key is freed.
    init(bytes: some Collection<UInt8>, release: @escaping @Sendable (UnsafeMutablePointer<UInt8>) -> Void) throws(KeyError) {
        guard bytes.count == 32 else { throw .invalidKey(source: "key bytes", reason: "a private key has 32 bytes, got \(bytes.count)") }
        let secret = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        _ = UnsafeMutableBufferPointer(start: secret, count: 32).initialize(from: bytes)
        let ctx = Secp256k1.shared.context
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_seckey_verify(ctx, secret) == 1,
              secp256k1_ec_pubkey_create(ctx, &pubkey, secret) == 1 else {
            memsetZero(secret, 32)
            release(secret)
            throw .invalidKey(source: "key bytes", reason: "not a valid secp256k1 scalar (zero or ≥ the curve order)")
        }
        self.secret = secret
        self.release = release
        self.publicKey = PublicKey(pubkey)
    }

    /// `0x` + 64 hex digits (the prefix is optional; surrounding whitespace is ignored).
    /// `source` names where the text came from, for the error message; the text itself never
    /// appears in an error.
    public convenience init(hex text: String, source: String = "private key") throws(KeyError) {
        var body = Substring(text.trimmingWhitespace())
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        guard body.utf8.count == 64 else {
            throw .invalidKey(source: source, reason: "expected 64 hex digits, found \(body.utf8.count) characters")
        }
        var bytes: [UInt8]
        do { bytes = try Hex.decode(body) } catch {
            throw .invalidKey(source: source, reason: "not hexadecimal")
        }
        defer { wipe(&bytes) }
        do { try self.init(bytes: bytes) } catch {
            throw .invalidKey(source: source, reason: "not a valid secp256k1 scalar (zero or ≥ the curve order)")
        }
    }

    /// A fresh key from the system's cryptographic random number generator.
    public static func random() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            var bytes = [UInt8](repeating: 0, count: 32)
            for i in bytes.indices { bytes[i] = rng.next() }
            defer { wipe(&bytes) }
            // A random 256-bit value is ≥ n with probability about 2^-128.
            if let key = try? PrivateKey(bytes: bytes) { return key }
        }
    }

    deinit {
        memsetZero(secret, 32)
        release(secret)
    }

    /// Lends the raw bytes to code inside this module (signing, keystore encryption) without
    /// copying them into an array that would outlive the call.
    func withSecret<R, E: Error>(_ body: (UnsafePointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafePointer(secret))
    }

    /// Signs a 32-byte hash: ECDSA with the RFC 6979 deterministic nonce (libsecp256k1's
    /// default), recoverable, low-s.
    public func sign(hash: [UInt8]) throws(SigningError) -> Signature {
        guard hash.count == 32 else { throw .hashLength(hash.count) }
        return signDigest(hash)
    }

    /// `digest` is 32 bytes by construction at every internal call site (a Keccak-256 output).
    func signDigest(_ digest: [UInt8]) -> Signature {
        precondition(digest.count == 32, "internal: a digest has 32 bytes")
        let ctx = Secp256k1.shared.context
        var sig = secp256k1_ecdsa_recoverable_signature()
        let ok = withSecret { secret in
            // nil nonce function = secp256k1_nonce_function_rfc6979.
            secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, secret, nil, nil)
        }
        // Fails only for an invalid key (ruled out in init) or a nonce function that gives up,
        // which RFC 6979 never does.
        precondition(ok == 1, "libsecp256k1 refused to sign with a verified key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig)
        let signature = Signature(r: UInt256(bigEndian: compact[0..<32]) ?? .zero,
                                  s: UInt256(bigEndian: compact[32..<64]) ?? .zero,
                                  yParity: UInt8(truncatingIfNeeded: recid))
        // libsecp256k1 always normalizes to low s; EIP-2 makes anything else invalid on chain.
        precondition(signature.isLowS, "libsecp256k1 produced a high-s signature")
        return signature
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PrivateKey(<redacted>)" }
    public var debugDescription: String { "PrivateKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
