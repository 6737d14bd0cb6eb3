import CSecp256k1
import EthCore

/// An uncompressed secp256k1 public key: x ‖ y, 64 bytes (the SEC1 `0x04` prefix dropped, as
/// Ethereum hashes it).
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// 64 bytes x ‖ y, or 65 bytes with the `0x04` prefix; the point must lie on the curve.
    public init?(uncompressed: some Collection<UInt8>) {
        var input = Array(uncompressed)
        if input.count == 64 { input.insert(0x04, at: 0) }
        guard input.count == 65, input[0] == 0x04 else { return nil }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1.shared.context, &pubkey, input, input.count) == 1 else { return nil }
        self.init(pubkey)
    }

    init(_ pubkey: secp256k1_pubkey) {
        var pubkey = pubkey
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(Secp256k1.shared.context, &out, &length, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        bytes = Array(out[1...])
    }

    /// The last 20 bytes of keccak256(x ‖ y).
    public var address: Address {
        Address(bytes: Keccak256.hash(bytes).suffix(20)) ?? .zero
    }

    public var description: String { Hex.encode(bytes) }
}
