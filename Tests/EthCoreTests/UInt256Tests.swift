import BigInt
import Testing
@testable import EthCore
import TestOracles

/// Differential tests against attaswift/BigInt as an independent oracle.
@Suite struct UInt256Tests {
    static let two256 = BigUInt(1) << 256

    static func big(_ x: UInt256) -> BigUInt { BigUInt(x.decimalString)! }
    static func u(_ x: BigUInt) -> UInt256 { UInt256(decimal: String(x))! }

    /// Random values biased toward edge cases: small, near limb boundaries, near the top.
    static func randomValue(_ rng: inout some RandomNumberGenerator) -> UInt256 {
        switch UInt8.random(in: 0..<8, using: &rng) {
        case 0: return UInt256(UInt64.random(in: 0..<1000, using: &rng))
        case 1: return UInt256.max - UInt256(UInt64.random(in: 0..<1000, using: &rng))
        case 2: return UInt256.one << UInt256(Int.random(in: 0..<256, using: &rng))
        case 3: return (UInt256.one << UInt256(Int.random(in: 1..<256, using: &rng))) - .one
        default:
            var x = UInt256(w0: .random(in: 0...UInt64.max, using: &rng), w1: .random(in: 0...UInt64.max, using: &rng),
                            w2: .random(in: 0...UInt64.max, using: &rng), w3: .random(in: 0...UInt64.max, using: &rng))
            x = x >> UInt256(Int.random(in: 0..<256, using: &rng))
            return x
        }
    }

    @Test func arithmeticMatchesBigInt() {
        var rng = SeededRandom(seed: 0x5eed)
        for _ in 0..<4000 {
            let a = Self.randomValue(&rng), b = Self.randomValue(&rng)
            let A = Self.big(a), B = Self.big(b)
            let (s, o) = a.addingReportingOverflow(b)
            #expect(Self.big(s) == (A + B) % Self.two256)
            #expect(o == (A + B >= Self.two256))
            let (d, u) = a.subtractingReportingOverflow(b)
            #expect(u == (A < B))
            #expect(Self.big(d) == (A + Self.two256 - B) % Self.two256)
            let full = a.multipliedFullWidth(by: b)
            #expect(Self.big(full.high) << 256 + Self.big(full.low) == A * B)
            if !b.isZero {
                let (q, r) = a.quotientAndRemainder(dividingBy: b)
                #expect(Self.big(q) == A / B)
                #expect(Self.big(r) == A % B)
                let c = Self.randomValue(&rng)
                let C = Self.big(c)
                let md = UInt256.mulDiv(a, c, b)
                let expect = A * C / B
                if expect < Self.two256 { #expect(md.map(Self.big) == expect) } else { #expect(md == nil) }
                let mu = UInt256.mulDivRoundingUp(a, c, b)
                let expectUp = (A * C + B - 1) / B
                if expectUp < Self.two256 { #expect(mu.map(Self.big) == expectUp) } else { #expect(mu == nil) }
            }
            let n = Int.random(in: 0..<300, using: &rng)
            #expect(Self.big(a << UInt256(n)) == (A << n) % Self.two256)
            #expect(Self.big(a >> UInt256(n)) == A >> n)
            #expect((a < b) == (A < B))
            #expect(a.leadingZeroBitCount == 256 - A.bitWidth)
        }
    }

    @Test func fullWidthDivisionMatchesBigInt() {
        var rng = SeededRandom(seed: 42)
        for _ in 0..<2000 {
            let d = Self.randomValue(&rng)
            if d.isZero { continue }
            let high = Self.randomValue(&rng) % d
            let low = Self.randomValue(&rng)
            let (q, r) = d.dividingFullWidth((high, low))
            let N = Self.big(high) << 256 + Self.big(low)
            #expect(Self.big(q) == N / Self.big(d))
            #expect(Self.big(r) == N % Self.big(d))
        }
    }

    @Test func textRoundTrips() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let a = Self.randomValue(&rng)
            #expect(a.decimalString == String(Self.big(a)))
            #expect(UInt256(decimal: a.decimalString) == a)
            #expect(a.hexString == "0x" + String(Self.big(a), radix: 16))
            #expect(UInt256(hex: a.hexString) == a)
            #expect(UInt256(bigEndian: a.bigEndianBytes) == a)
            #expect(UInt256(bigEndian: a.minimalBigEndianBytes) == a)
        }
    }

    @Test func parsingRejectsBadText() {
        #expect(UInt256(decimal: "") == nil)
        #expect(UInt256(decimal: "12a") == nil)
        #expect(UInt256(decimal: "-1") == nil)
        #expect(UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936") == nil)
        #expect(UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639935") == .max)
        #expect(UInt256(hex: "0x") == nil)
        #expect(UInt256(hex: "0xg1") == nil)
        #expect(UInt256(hex: "0x1" + String(repeating: "0", count: 64)) == nil)
        #expect(UInt256(hex: "0x" + String(repeating: "0", count: 70) + "ff") == UInt256(255))
        #expect(UInt256(bigEndian: [UInt8](repeating: 1, count: 33)) == nil)
    }

    /// Equality must not go through Strideable's `distance(to:)`, which traps on large gaps.
    @Test func equalityOfFarApartValues() {
        func genericEqual<T: Equatable>(_ a: T, _ b: T) -> Bool { a == b }
        #expect(!(UInt256.max == UInt256.zero))
        #expect(UInt256.max != UInt256.zero)
        #expect(!genericEqual(UInt256.max, UInt256.zero))
        #expect([UInt256.max] != [UInt256.zero])
        #expect(Set([UInt256.max, .zero, .max]).count == 2)
        #expect(Optional(UInt256.max) != Optional(UInt256.zero))
    }

    @Test func literalsAndConstants() {
        let max: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935
        #expect(max == .max)
        let e18: UInt256 = 1_000_000_000_000_000_000
        #expect(e18.description == "1000000000000000000")
        #expect(UInt256.zero.hexString == "0x0")
        #expect(UInt256.zero.minimalBigEndianBytes.isEmpty)
    }

    @Test func doubleConversion() {
        #expect(UInt256(1_000_000).doubleValue == 1e6)
        #expect(UInt256(truncating: 1.5e30).map(Self.big) == BigUInt(1.5e30))
        #expect(UInt256(truncating: -1) == nil)
        #expect(UInt256(truncating: .infinity) == nil)
        #expect(UInt256(truncating: 0x1p256) == nil)
        let x: UInt256 = 1_000_000_000_000_000_000_000_000
        #expect(abs(x.doubleValue - 1e24) / 1e24 < 1e-15)
    }

    @Test func squareRoot() {
        var rng = SeededRandom(seed: 9)
        for _ in 0..<500 {
            let a = Self.randomValue(&rng)
            let r = Self.big(a.squareRoot())
            let A = Self.big(a)
            #expect(r * r <= A && (r + 1) * (r + 1) > A)
        }
    }

    @Test func int256() {
        #expect(Int256(-1).bitPattern == .max)
        #expect(Int256(parsing: "-1") == Int256(-1))
        #expect(Int256(-5).description == "-5")
        #expect(Int256(parsing: "-57896044618658097711785492504343953926634992332820282019728792003956564819968") == .min)
        #expect(Int256(parsing: "57896044618658097711785492504343953926634992332820282019728792003956564819968") == nil)
        #expect(Int256(-3) < Int256(2))
        #expect((-Int256(7)).magnitude == UInt256(7))
        #expect(Int256(-128).fits(inBits: 8) && !Int256(-129).fits(inBits: 8) && Int256(127).fits(inBits: 8) && !Int256(128).fits(inBits: 8))
    }
}

