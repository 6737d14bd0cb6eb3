import CSecp256k1
import EthCore
import EthSigning

/// Signed EIP-1559 transactions per second (200-byte calldata; signing hash, ECDSA, RLP encoding,
/// sender address (derived from the key's public key; nothing is recovered) and transaction hash:
/// everything `mktx` does after parsing) against libsecp256k1's own
/// `secp256k1_ecdsa_sign_recoverable` called directly through the C API, with the same key and a
/// fresh digest every call, in the same run.
enum SigningBench {
    /// The EIP-155 example key: a public test vector, not a secret.
    static let keyBytes = [UInt8](repeating: 0x46, count: 32)

    static func rows(seconds: Double, targets: inout [Target]) -> [Row] {
        guard let key = try? PrivateKey(bytes: keyBytes) else { failures.append("signing: key rejected"); return [] }

        let calldata = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var tx = DynamicFeeTransaction(chainId: 1, nonce: 0, maxPriorityFeePerGas: UInt256(1_500_000_000),
                                       maxFeePerGas: UInt256(30_000_000_000), gasLimit: 250_000,
                                       to: Address(bytes: [UInt8](repeating: 0x35, count: 20)),
                                       value: .zero, data: calldata)
        // The nonce changes every call, so every signing hash is new, like the raw loop's digests.
        // The two are measured alternately, best of three rounds each, so that load from other
        // processes on a shared machine hits both alike.
        var raw = 0.0, ours = 0.0
        for _ in 0..<3 {
            raw = max(raw, rawSignRate(seconds: seconds / 2))
            ours = max(ours, opsPerSecond(minSeconds: seconds / 2) {
                tx.nonce &+= 1
                fold(tx.sign(with: key).raw)
            })
        }
        // Where the time goes: the parts of one signed transaction on their own.
        let hashOnly = opsPerSecond(minSeconds: seconds) { tx.nonce &+= 1; fold(tx.signingHash) }
        let digest = tx.signingHash
        var ecdsa = 0.0, rawAgain = 0.0
        for _ in 0..<3 {
            rawAgain = max(rawAgain, rawSignRate(seconds: seconds / 2))
            ecdsa = max(ecdsa, opsPerSecond(minSeconds: seconds / 2) { if let sig = must(try? key.sign(hash: digest), "sign") { fold(sig.r) } })
        }
        let signature = (try? key.sign(hash: digest)) ?? Signature(r: .one, s: .one, yParity: 0)
        let encode = opsPerSecond(minSeconds: seconds) { fold(Keccak256.hash(tx.encode(signature: signature))) }
        let sender = opsPerSecond(minSeconds: seconds) { fold(key.address.bytes) }
        targets.append(Target(name: "PrivateKey.sign vs raw secp256k1_ecdsa_sign_recoverable", measured: fmt(ecdsa / rawAgain * 100) + " %",
                              goal: "≥ 90 %", met: ecdsa / rawAgain >= 0.90))
        return [
            Row(name: "EIP-1559 sign + encode, 200 B data (tx/s)", value: count(ours),
                reference: "secp256k1_ecdsa_sign_recoverable " + count(raw), ratio: percent(ours / raw)),
            Row(name: "  of which: signing hash, RLP + Keccak (µs)", value: fmt(1e6 / hashOnly, 2)),
            Row(name: "  of which: PrivateKey.sign(hash:) (µs)", value: fmt(1e6 / ecdsa, 2),
                reference: "raw " + fmt(1e6 / rawAgain, 2) + " µs", ratio: percent(ecdsa / rawAgain)),
            Row(name: "  of which: raw encoding + tx hash (µs)", value: fmt(1e6 / encode, 2)),
            Row(name: "  of which: sender address from the public key, Keccak (µs)", value: fmt(1e6 / sender, 2)),
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
            if secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, key, nil, nil) != 1 { failures.append("raw signing failed") }
            withUnsafeBytes(of: sig.data) { fold(UInt64($0[0]) | UInt64($0[63]) << 8) }
        }
    }
}
