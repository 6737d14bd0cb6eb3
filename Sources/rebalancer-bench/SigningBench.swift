import CSecp256k1
import EthCore
import EthSigning

/// Signed EIP-1559 transactions per second (200-byte calldata; signing hash, ECDSA, RLP encoding,
/// sender and transaction hash: everything `mktx` does after parsing) against libsecp256k1's own
/// `secp256k1_ecdsa_sign_recoverable` called directly through the C API, with the same key and a
/// fresh digest every call, in the same run.
enum SigningBench {
    /// The EIP-155 example key: a public test vector, not a secret.
    static let keyBytes = [UInt8](repeating: 0x46, count: 32)

    static func rows(seconds: Double) -> [Row] {
        guard let key = try? PrivateKey(bytes: keyBytes) else { return [Row(name: "signing", value: "key rejected")] }
        let raw = rawSignRate(seconds: seconds)

        let calldata = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var tx = DynamicFeeTransaction(chainId: 1, nonce: 0, maxPriorityFeePerGas: UInt256(1_500_000_000),
                                       maxFeePerGas: UInt256(30_000_000_000), gasLimit: 250_000,
                                       to: Address(bytes: [UInt8](repeating: 0x35, count: 20)),
                                       value: .zero, data: calldata)
        // The nonce changes every call, so every signing hash is new, like the raw loop's digests.
        let ours = opsPerSecond(minSeconds: seconds) {
            tx.nonce &+= 1
            blackHole(tx.sign(with: key).raw)
        }
        return [
            Row(name: "EIP-1559 sign + encode, 200 B data (tx/s)", value: count(ours),
                reference: "secp256k1_ecdsa_sign_recoverable " + count(raw), ratio: percent(ours / raw)),
        ]
    }

    /// Bare libsecp256k1 signing rate: own context (randomized, as EthSigning's is), same key.
    static func rawSignRate(seconds: Double) -> Double {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else { return .nan }
        defer { secp256k1_context_destroy(ctx) }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = rng.next() }
        _ = secp256k1_context_randomize(ctx, seed)
        let key = keyBytes
        var digest = Keccak256.hash([UInt8]("rebalancer-bench".utf8))
        var counter: UInt64 = 0
        var sig = secp256k1_ecdsa_recoverable_signature()
        return opsPerSecond(minSeconds: seconds) {
            counter &+= 1
            withUnsafeBytes(of: counter) { digest.replaceSubrange(0..<8, with: $0) }
            _ = secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, key, nil, nil)
            blackHole(sig)
        }
    }
}
