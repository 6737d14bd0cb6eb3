import CSecp256k1
import EthCore

/// A recoverable ECDSA signature over secp256k1: r, s and the recovery id (y parity).
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    public let r: UInt256
    public let s: UInt256
    /// 0 or 1: the parity of the y coordinate of the nonce point R (the recovery id).
    public let yParity: UInt8

    /// Unchecked: for signatures this module produced. Use `validated` for ones from outside.
    public init(r: UInt256, s: UInt256, yParity: UInt8) {
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// Validated construction, for signatures that come from outside.
    public static func validated(r: UInt256, s: UInt256, yParity: UInt8) throws(SignatureError) -> Signature {
        guard yParity <= 1 else { throw .invalidYParity(UInt256(UInt64(yParity))) }
        guard !r.isZero, r < Secp256k1.order else { throw .rOutOfRange }
        guard !s.isZero, s < Secp256k1.order else { throw .sOutOfRange }
        guard s <= Secp256k1.halfOrder else { throw .highS }
        return Signature(r: r, s: s, yParity: yParity)
    }

    /// EIP-2: s in the lower half of the order, the only form Ethereum accepts since Homestead.
    public var isLowS: Bool { s <= Secp256k1.halfOrder }

    /// v for `eth_sign`/`personal_sign` and pre-EIP-155 transactions: 27 or 28.
    public var v27: UInt8 { 27 + yParity }

    /// v for a legacy transaction: chainId·2 + 35 + yParity with EIP-155, 27/28 without.
    public func legacyV(chainId: UInt64?) -> UInt256 {
        guard let chainId else { return UInt256(UInt64(v27)) }
        // At most 2·(2^64 − 1) + 36: fits easily in 256 bits.
        return UInt256(chainId) * 2 + UInt256(35 + UInt64(yParity))
    }

    /// Splits a legacy v into its y parity and chain id (nil for 27/28, the pre-EIP-155 form).
    public static func parseLegacyV(_ v: UInt256) throws(SignatureError) -> (yParity: UInt8, chainId: UInt64?) {
        // Compared as UInt64: EthCore's UInt256 `==` currently goes through Strideable.distance,
        // which traps when the difference does not fit in an Int (e.g. v = 2^256 − 1 vs 27).
        if let small = v.uint64Value, small == 27 || small == 28 { return (UInt8(small - 27), nil) }
        guard v >= 35 else { throw .invalidV(v) }
        let offset = v - 35
        guard let chainId = (offset >> 1).uint64Value else { throw .invalidV(v) }
        return (UInt8(offset.w0 & 1), chainId)
    }

    /// r ‖ s ‖ v with v = 27/28: the 65-byte form of `personal_sign` and `eth_sign`.
    public var bytes65: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [v27] }

    /// r ‖ s (64 bytes) and the recovery id separately.
    public var compact: [UInt8] { r.bigEndianBytes + s.bigEndianBytes }

    /// Parses r ‖ s ‖ v where v is 27/28 or 0/1; the signature must be low-s and in range.
    public init(bytes65 bytes: some Collection<UInt8>) throws(SignatureError) {
        let b = Array(bytes)
        guard b.count == 65 else { throw .length(b.count) }
        let v = b[64]
        let parity: UInt8
        switch v {
        case 0, 1: parity = v
        case 27, 28: parity = v - 27
        default: throw .invalidV(UInt256(UInt64(v)))
        }
        self = try Signature.validated(r: UInt256(bigEndian: b[0..<32]) ?? .zero,
                                       s: UInt256(bigEndian: b[32..<64]) ?? .zero,
                                       yParity: parity)
    }

    /// The public key that produced this signature over a 32-byte hash.
    public func recoverPublicKey(hash: [UInt8]) throws(SignatureError) -> PublicKey {
        guard hash.count == 32 else { throw .hashLength(hash.count) }
        guard yParity <= 1 else { throw .invalidYParity(UInt256(UInt64(yParity))) }
        let ctx = Secp256k1.shared.context
        var sig = secp256k1_ecdsa_recoverable_signature()
        let input = compact
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, input, Int32(yParity)) == 1 else {
            throw .rOutOfRange
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &pubkey, &sig, hash) == 1 else { throw .unrecoverable }
        return PublicKey(pubkey)
    }

    /// The address whose key produced this signature over a 32-byte hash.
    public func recoverAddress(hash: [UInt8]) throws(SignatureError) -> Address {
        try recoverPublicKey(hash: hash).address
    }

    public var description: String { "Signature(r: \(r.hexString), s: \(s.hexString), yParity: \(yParity))" }

    /// Limb by limb: EthCore's UInt256 `==` currently falls back to Strideable's, which traps
    /// when two values differ by more than Int.max — true of almost any two signatures.
    public static func == (a: Signature, b: Signature) -> Bool {
        a.yParity == b.yParity
            && a.r.w0 == b.r.w0 && a.r.w1 == b.r.w1 && a.r.w2 == b.r.w2 && a.r.w3 == b.r.w3
            && a.s.w0 == b.s.w0 && a.s.w1 == b.s.w1 && a.s.w2 == b.s.w2 && a.s.w3 == b.s.w3
    }
}
