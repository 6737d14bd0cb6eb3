import Crypto
import _CryptoExtras

/// scrypt (RFC 7914) for the parameters BoringSSL refuses.
///
/// BoringSSL enforces the RFC's N < 2^(16·r), so it rejects n = 2^18 with r = 1 — the
/// parameters of the Web3 Secret Storage test vector and eth-keyfile's (eth-account's) default.
/// Keystores with such parameters exist, so this implementation covers exactly that case;
/// everything else goes through BoringSSL. PBKDF2-HMAC-SHA256 still comes from swift-crypto.
enum Scrypt {
    static func deriveKey(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, outputByteCount: Int) throws -> [UInt8] {
        let blockBytes = 128 * r
        let b = try pbkdf2(password, salt, count: p * blockBytes)
        let words = 32 * r  // one block as little-endian UInt32 words
        let x = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
        let y = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
        let v = UnsafeMutablePointer<UInt32>.allocate(capacity: words * n)
        defer {
            x.update(repeating: 0, count: words); x.deallocate()
            y.update(repeating: 0, count: words); y.deallocate()
            v.update(repeating: 0, count: words * n); v.deallocate()
        }
        var mixed = [UInt8](repeating: 0, count: b.count)
        for chunk in 0..<p {
            let base = chunk * blockBytes
            for i in 0..<words {
                let o = base + 4 * i
                x[i] = UInt32(b[o]) | UInt32(b[o + 1]) &<< 8 | UInt32(b[o + 2]) &<< 16 | UInt32(b[o + 3]) &<< 24
            }
            roMix(x, y, v, words: words, n: n, r: r)
            for i in 0..<words {
                let o = base + 4 * i
                let w = x[i]
                mixed[o] = UInt8(truncatingIfNeeded: w)
                mixed[o + 1] = UInt8(truncatingIfNeeded: w &>> 8)
                mixed[o + 2] = UInt8(truncatingIfNeeded: w &>> 16)
                mixed[o + 3] = UInt8(truncatingIfNeeded: w &>> 24)
            }
        }
        defer { wipe(&mixed) }
        return try pbkdf2(password, mixed, count: outputByteCount)
    }

    private static func pbkdf2(_ password: [UInt8], _ salt: [UInt8], count: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                    outputByteCount: count, unsafeUncheckedRounds: 1)
        return key.withUnsafeBytes { Array($0) }
    }

    /// ROMix: fill V with N successive BlockMix states, then mix in N pseudo-randomly chosen ones.
    private static func roMix(_ x: UnsafeMutablePointer<UInt32>, _ y: UnsafeMutablePointer<UInt32>,
                              _ v: UnsafeMutablePointer<UInt32>, words: Int, n: Int, r: Int) {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 16)
        defer { t.update(repeating: 0, count: 16); t.deallocate() }
        for i in 0..<n {
            (v + i * words).update(from: x, count: words)
            blockMix(x, y, t, r: r)
        }
        let mask = n - 1
        for _ in 0..<n {
            // Integerify: the first word of the last 64-byte sub-block, mod N (N is a power of 2).
            let j = Int(x[words - 16]) & mask
            let vj = v + j * words
            for k in 0..<words { x[k] ^= vj[k] }
            blockMix(x, y, t, r: r)
        }
    }

    /// BlockMix with Salsa20/8: the 2r sub-blocks chained, even outputs first, then odd.
    private static func blockMix(_ b: UnsafeMutablePointer<UInt32>, _ y: UnsafeMutablePointer<UInt32>,
                                 _ t: UnsafeMutablePointer<UInt32>, r: Int) {
        t.update(from: b + (2 * r - 1) * 16, count: 16)
        for i in 0..<(2 * r) {
            let bi = b + i * 16
            for k in 0..<16 { t[k] ^= bi[k] }
            salsa20_8(t)
            // Even i → first half, odd i → second half.
            (y + ((i & 1) * r + (i >> 1)) * 16).update(from: t, count: 16)
        }
        b.update(from: y, count: 32 * r)
    }

    /// The Salsa20 core with 8 rounds, in place on 16 words (locals keep debug builds fast).
    private static func salsa20_8(_ b: UnsafeMutablePointer<UInt32>) {
        var x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7]
        var x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15]
        @inline(__always) func R(_ a: UInt32, _ n: UInt32) -> UInt32 { (a &<< n) | (a &>> (32 &- n)) }
        for _ in 0..<4 {
            // Column round.
            x4 ^= R(x0 &+ x12, 7); x8 ^= R(x4 &+ x0, 9); x12 ^= R(x8 &+ x4, 13); x0 ^= R(x12 &+ x8, 18)
            x9 ^= R(x5 &+ x1, 7); x13 ^= R(x9 &+ x5, 9); x1 ^= R(x13 &+ x9, 13); x5 ^= R(x1 &+ x13, 18)
            x14 ^= R(x10 &+ x6, 7); x2 ^= R(x14 &+ x10, 9); x6 ^= R(x2 &+ x14, 13); x10 ^= R(x6 &+ x2, 18)
            x3 ^= R(x15 &+ x11, 7); x7 ^= R(x3 &+ x15, 9); x11 ^= R(x7 &+ x3, 13); x15 ^= R(x11 &+ x7, 18)
            // Row round.
            x1 ^= R(x0 &+ x3, 7); x2 ^= R(x1 &+ x0, 9); x3 ^= R(x2 &+ x1, 13); x0 ^= R(x3 &+ x2, 18)
            x6 ^= R(x5 &+ x4, 7); x7 ^= R(x6 &+ x5, 9); x4 ^= R(x7 &+ x6, 13); x5 ^= R(x4 &+ x7, 18)
            x11 ^= R(x10 &+ x9, 7); x8 ^= R(x11 &+ x10, 9); x9 ^= R(x8 &+ x11, 13); x10 ^= R(x9 &+ x8, 18)
            x12 ^= R(x15 &+ x14, 7); x13 ^= R(x12 &+ x15, 9); x14 ^= R(x13 &+ x12, 13); x15 ^= R(x14 &+ x13, 18)
        }
        b[0] &+= x0; b[1] &+= x1; b[2] &+= x2; b[3] &+= x3; b[4] &+= x4; b[5] &+= x5; b[6] &+= x6; b[7] &+= x7
        b[8] &+= x8; b[9] &+= x9; b[10] &+= x10; b[11] &+= x11; b[12] &+= x12; b[13] &+= x13; b[14] &+= x14; b[15] &+= x15
    }
}
