/// Keccak-256 as Ethereum uses it: Keccak-f[1600] with the original `0x01` padding (not SHA3-256's `0x06`).
public struct Keccak256: Sendable {
    static let rate = 136
    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8](repeating: 0, count: 136)
    private var buffered = 0

    public init() {}

    /// The 32-byte hash of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ oneShot($0) }) { return digest }
        return Array(bytes).withUnsafeBufferPointer { oneShot($0) }
    }

    /// The whole input at once, with the state on the stack: no allocation but the digest.
    private static func oneShot(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var state: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var last: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                   UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &state) { stateBytes in
            let s = stateBytes.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var offset = 0
            let n = input.count
            if let base = input.baseAddress {
                while n - offset >= rate {
                    xorBlock(s, UnsafeRawPointer(base + offset))
                    permute(s)
                    offset += rate
                }
            }
            return withUnsafeMutableBytes(of: &last) { lastBytes in
                let tail = n - offset
                for i in 0..<tail { lastBytes[i] = input[offset + i] }
                lastBytes[tail] ^= 0x01
                lastBytes[rate - 1] ^= 0x80
                xorBlock(s, UnsafeRawPointer(lastBytes.baseAddress!))
                permute(s)
                return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
                    for i in 0..<4 {
                        let w = s[i].littleEndian
                        for k in 0..<8 { out[i * 8 + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))) }
                    }
                    count = 32
                }
            }
        }
    }

    /// The hash of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { absorb($0) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { absorb($0) }
        }
    }

    private mutating func absorb(_ input: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        let n = input.count
        state.withUnsafeMutableBufferPointer { st in
            let s = st.baseAddress!
            if buffered > 0 {
                let take = Swift.min(Self.rate - buffered, n)
                for i in 0..<take { buffer[buffered + i] = input[i] }
                buffered += take
                offset = take
                if buffered == Self.rate {
                    buffer.withUnsafeBytes { Self.xorBlock(s, $0.baseAddress!) }
                    Self.permute(s)
                    buffered = 0
                }
            }
            // Full blocks straight from the input, without copying.
            if let base = input.baseAddress {
                while n - offset >= Self.rate {
                    Self.xorBlock(s, UnsafeRawPointer(base + offset))
                    Self.permute(s)
                    offset += Self.rate
                }
            }
            while offset < n {
                buffer[buffered] = input[offset]
                buffered += 1
                offset += 1
            }
        }
    }

    /// Pads, permutes and returns the 32-byte digest. The hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        for i in buffered..<Self.rate { buffer[i] = 0 }
        buffer[buffered] ^= 0x01
        buffer[Self.rate - 1] ^= 0x80
        var out = [UInt8](repeating: 0, count: 32)
        state.withUnsafeMutableBufferPointer { st in
            let s = st.baseAddress!
            buffer.withUnsafeBytes { Self.xorBlock(s, $0.baseAddress!) }
            Self.permute(s)
            for i in 0..<4 {
                let w = s[i].littleEndian
                for k in 0..<8 { out[i * 8 + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))) }
            }
        }
        return out
    }

    @inline(__always)
    private static func xorBlock(_ s: UnsafeMutablePointer<UInt64>, _ block: UnsafeRawPointer) {
        for i in 0..<17 {
            s[i] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
    }

    static let roundConstantsTuple: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                     UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008
    )

    @inline(__always)
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        var a0 = s[0]
        var a1 = s[1]
        var a2 = s[2]
        var a3 = s[3]
        var a4 = s[4]
        var a5 = s[5]
        var a6 = s[6]
        var a7 = s[7]
        var a8 = s[8]
        var a9 = s[9]
        var a10 = s[10]
        var a11 = s[11]
        var a12 = s[12]
        var a13 = s[13]
        var a14 = s[14]
        var a15 = s[15]
        var a16 = s[16]
        var a17 = s[17]
        var a18 = s[18]
        var a19 = s[19]
        var a20 = s[20]
        var a21 = s[21]
        var a22 = s[22]
        var a23 = s[23]
        var a24 = s[24]
        var e0: UInt64 = 0
        var e1: UInt64 = 0
        var e2: UInt64 = 0
        var e3: UInt64 = 0
        var e4: UInt64 = 0
        var e5: UInt64 = 0
        var e6: UInt64 = 0
        var e7: UInt64 = 0
        var e8: UInt64 = 0
        var e9: UInt64 = 0
        var e10: UInt64 = 0
        var e11: UInt64 = 0
        var e12: UInt64 = 0
        var e13: UInt64 = 0
        var e14: UInt64 = 0
        var e15: UInt64 = 0
        var e16: UInt64 = 0
        var e17: UInt64 = 0
        var e18: UInt64 = 0
        var e19: UInt64 = 0
        var e20: UInt64 = 0
        var e21: UInt64 = 0
        var e22: UInt64 = 0
        var e23: UInt64 = 0
        var e24: UInt64 = 0
        var rc = roundConstantsTuple
        withUnsafeBytes(of: &rc) { rcBytes in
            let rcs = rcBytes.bindMemory(to: UInt64.self)
            // Two rounds per iteration, ping-ponging between the a and e lanes (no copies).
            for round in stride(from: 0, to: 24, by: 2) {
                do {
                let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
                let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
                let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
                let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
                let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
                let d0 = c4 ^ ((c1 << 1) | (c1 >> 63))
                let d1 = c0 ^ ((c2 << 1) | (c2 >> 63))
                let d2 = c1 ^ ((c3 << 1) | (c3 >> 63))
                let d3 = c2 ^ ((c4 << 1) | (c4 >> 63))
                let d4 = c3 ^ ((c0 << 1) | (c0 >> 63))
                do {
                    let b0 = a0 ^ d0
                    let t1 = a6 ^ d1; let b1 = (t1 << 44) | (t1 >> 20)
                    let t2 = a12 ^ d2; let b2 = (t2 << 43) | (t2 >> 21)
                    let t3 = a18 ^ d3; let b3 = (t3 << 21) | (t3 >> 43)
                    let t4 = a24 ^ d4; let b4 = (t4 << 14) | (t4 >> 50)
                    e0 = b0 ^ (~b1 & b2)
                    e1 = b1 ^ (~b2 & b3)
                    e2 = b2 ^ (~b3 & b4)
                    e3 = b3 ^ (~b4 & b0)
                    e4 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = a3 ^ d3; let b0 = (t0 << 28) | (t0 >> 36)
                    let t1 = a9 ^ d4; let b1 = (t1 << 20) | (t1 >> 44)
                    let t2 = a10 ^ d0; let b2 = (t2 << 3) | (t2 >> 61)
                    let t3 = a16 ^ d1; let b3 = (t3 << 45) | (t3 >> 19)
                    let t4 = a22 ^ d2; let b4 = (t4 << 61) | (t4 >> 3)
                    e5 = b0 ^ (~b1 & b2)
                    e6 = b1 ^ (~b2 & b3)
                    e7 = b2 ^ (~b3 & b4)
                    e8 = b3 ^ (~b4 & b0)
                    e9 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = a1 ^ d1; let b0 = (t0 << 1) | (t0 >> 63)
                    let t1 = a7 ^ d2; let b1 = (t1 << 6) | (t1 >> 58)
                    let t2 = a13 ^ d3; let b2 = (t2 << 25) | (t2 >> 39)
                    let t3 = a19 ^ d4; let b3 = (t3 << 8) | (t3 >> 56)
                    let t4 = a20 ^ d0; let b4 = (t4 << 18) | (t4 >> 46)
                    e10 = b0 ^ (~b1 & b2)
                    e11 = b1 ^ (~b2 & b3)
                    e12 = b2 ^ (~b3 & b4)
                    e13 = b3 ^ (~b4 & b0)
                    e14 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = a4 ^ d4; let b0 = (t0 << 27) | (t0 >> 37)
                    let t1 = a5 ^ d0; let b1 = (t1 << 36) | (t1 >> 28)
                    let t2 = a11 ^ d1; let b2 = (t2 << 10) | (t2 >> 54)
                    let t3 = a17 ^ d2; let b3 = (t3 << 15) | (t3 >> 49)
                    let t4 = a23 ^ d3; let b4 = (t4 << 56) | (t4 >> 8)
                    e15 = b0 ^ (~b1 & b2)
                    e16 = b1 ^ (~b2 & b3)
                    e17 = b2 ^ (~b3 & b4)
                    e18 = b3 ^ (~b4 & b0)
                    e19 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = a2 ^ d2; let b0 = (t0 << 62) | (t0 >> 2)
                    let t1 = a8 ^ d3; let b1 = (t1 << 55) | (t1 >> 9)
                    let t2 = a14 ^ d4; let b2 = (t2 << 39) | (t2 >> 25)
                    let t3 = a15 ^ d0; let b3 = (t3 << 41) | (t3 >> 23)
                    let t4 = a21 ^ d1; let b4 = (t4 << 2) | (t4 >> 62)
                    e20 = b0 ^ (~b1 & b2)
                    e21 = b1 ^ (~b2 & b3)
                    e22 = b2 ^ (~b3 & b4)
                    e23 = b3 ^ (~b4 & b0)
                    e24 = b4 ^ (~b0 & b1)
                }
                e0 ^= rcs[round]
                }
                do {
                let c0 = e0 ^ e5 ^ e10 ^ e15 ^ e20
                let c1 = e1 ^ e6 ^ e11 ^ e16 ^ e21
                let c2 = e2 ^ e7 ^ e12 ^ e17 ^ e22
                let c3 = e3 ^ e8 ^ e13 ^ e18 ^ e23
                let c4 = e4 ^ e9 ^ e14 ^ e19 ^ e24
                let d0 = c4 ^ ((c1 << 1) | (c1 >> 63))
                let d1 = c0 ^ ((c2 << 1) | (c2 >> 63))
                let d2 = c1 ^ ((c3 << 1) | (c3 >> 63))
                let d3 = c2 ^ ((c4 << 1) | (c4 >> 63))
                let d4 = c3 ^ ((c0 << 1) | (c0 >> 63))
                do {
                    let b0 = e0 ^ d0
                    let t1 = e6 ^ d1; let b1 = (t1 << 44) | (t1 >> 20)
                    let t2 = e12 ^ d2; let b2 = (t2 << 43) | (t2 >> 21)
                    let t3 = e18 ^ d3; let b3 = (t3 << 21) | (t3 >> 43)
                    let t4 = e24 ^ d4; let b4 = (t4 << 14) | (t4 >> 50)
                    a0 = b0 ^ (~b1 & b2)
                    a1 = b1 ^ (~b2 & b3)
                    a2 = b2 ^ (~b3 & b4)
                    a3 = b3 ^ (~b4 & b0)
                    a4 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = e3 ^ d3; let b0 = (t0 << 28) | (t0 >> 36)
                    let t1 = e9 ^ d4; let b1 = (t1 << 20) | (t1 >> 44)
                    let t2 = e10 ^ d0; let b2 = (t2 << 3) | (t2 >> 61)
                    let t3 = e16 ^ d1; let b3 = (t3 << 45) | (t3 >> 19)
                    let t4 = e22 ^ d2; let b4 = (t4 << 61) | (t4 >> 3)
                    a5 = b0 ^ (~b1 & b2)
                    a6 = b1 ^ (~b2 & b3)
                    a7 = b2 ^ (~b3 & b4)
                    a8 = b3 ^ (~b4 & b0)
                    a9 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = e1 ^ d1; let b0 = (t0 << 1) | (t0 >> 63)
                    let t1 = e7 ^ d2; let b1 = (t1 << 6) | (t1 >> 58)
                    let t2 = e13 ^ d3; let b2 = (t2 << 25) | (t2 >> 39)
                    let t3 = e19 ^ d4; let b3 = (t3 << 8) | (t3 >> 56)
                    let t4 = e20 ^ d0; let b4 = (t4 << 18) | (t4 >> 46)
                    a10 = b0 ^ (~b1 & b2)
                    a11 = b1 ^ (~b2 & b3)
                    a12 = b2 ^ (~b3 & b4)
                    a13 = b3 ^ (~b4 & b0)
                    a14 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = e4 ^ d4; let b0 = (t0 << 27) | (t0 >> 37)
                    let t1 = e5 ^ d0; let b1 = (t1 << 36) | (t1 >> 28)
                    let t2 = e11 ^ d1; let b2 = (t2 << 10) | (t2 >> 54)
                    let t3 = e17 ^ d2; let b3 = (t3 << 15) | (t3 >> 49)
                    let t4 = e23 ^ d3; let b4 = (t4 << 56) | (t4 >> 8)
                    a15 = b0 ^ (~b1 & b2)
                    a16 = b1 ^ (~b2 & b3)
                    a17 = b2 ^ (~b3 & b4)
                    a18 = b3 ^ (~b4 & b0)
                    a19 = b4 ^ (~b0 & b1)
                }
                do {
                    let t0 = e2 ^ d2; let b0 = (t0 << 62) | (t0 >> 2)
                    let t1 = e8 ^ d3; let b1 = (t1 << 55) | (t1 >> 9)
                    let t2 = e14 ^ d4; let b2 = (t2 << 39) | (t2 >> 25)
                    let t3 = e15 ^ d0; let b3 = (t3 << 41) | (t3 >> 23)
                    let t4 = e21 ^ d1; let b4 = (t4 << 2) | (t4 >> 62)
                    a20 = b0 ^ (~b1 & b2)
                    a21 = b1 ^ (~b2 & b3)
                    a22 = b2 ^ (~b3 & b4)
                    a23 = b3 ^ (~b4 & b0)
                    a24 = b4 ^ (~b0 & b1)
                }
                a0 ^= rcs[round + 1]
                }
            }
        }
        s[0] = a0
        s[1] = a1
        s[2] = a2
        s[3] = a3
        s[4] = a4
        s[5] = a5
        s[6] = a6
        s[7] = a7
        s[8] = a8
        s[9] = a9
        s[10] = a10
        s[11] = a11
        s[12] = a12
        s[13] = a13
        s[14] = a14
        s[15] = a15
        s[16] = a16
        s[17] = a17
        s[18] = a18
        s[19] = a19
        s[20] = a20
        s[21] = a21
        s[22] = a22
        s[23] = a23
        s[24] = a24
    }
}
