import CSecp256k1
import EthCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one libsecp256k1 context the process shares. Created and randomized once (the
/// randomization blinds signing against side channels); after that the library only reads it,
/// so concurrent signing and recovery from any thread is safe.
final class Secp256k1: @unchecked Sendable {
    static let shared = Secp256k1()

    let context: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("libsecp256k1 could not allocate a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = rng.next() }
        // Randomization fails only for a seed that is not a valid scalar; signing stays correct
        // without it, merely unblinded, so a failure is not fatal.
        _ = secp256k1_context_randomize(context, seed)
        wipe(&seed)
        self.context = context
    }

    /// The group order n and n/2; a low-s signature has s ≤ n/2 (EIP-2).
    static let order = UInt256(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141") ?? .zero
    static let halfOrder = order >> 1
}

/// Overwrites secret bytes in place before the buffer is released.
func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress else { return }
        memsetZero(base, raw.count)
    }
}

/// A store the optimizer cannot drop: explicit_bzero exists for exactly this.
@inline(never)
func memsetZero(_ pointer: UnsafeMutableRawPointer, _ count: Int) {
    #if canImport(Darwin)
    _ = memset_s(pointer, count, 0, count)
    #else
    explicit_bzero(pointer, count)
    #endif
}
