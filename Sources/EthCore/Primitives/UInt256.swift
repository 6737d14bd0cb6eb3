/// A 256-bit unsigned integer: the EVM word.
///
/// Fixed width, four 64-bit limbs, least significant first. Conforms to `FixedWidthInteger`, so it
/// behaves like the standard library's integers: `+ - *` trap on overflow, `&+ &- &*` wrap, and the
/// `…ReportingOverflow` forms report it. Code that handles untrusted amounts uses the reporting
/// forms or `mulDiv`, never the trapping operators.
@frozen
public struct UInt256: Sendable, Hashable {
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    @inlinable
    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    public static let zero = UInt256(0)
    public static let one = UInt256(1)

    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    @inlinable
    subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            default: return w3
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    /// The value if it fits in 64 bits.
    @inlinable
    public var uint64Value: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }
}

// MARK: - Comparison

extension UInt256: Comparable {
    // Declared explicitly: otherwise the Equatable witness would be Strideable's default,
    // `distance(to:) == 0`, which traps when two values differ by more than Int.max.
    @inlinable
    public static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.w0 == rhs.w0 && lhs.w1 == rhs.w1 && lhs.w2 == rhs.w2 && lhs.w3 == rhs.w3
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
        hasher.combine(w1)
        hasher.combine(w2)
        hasher.combine(w3)
    }

    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

// MARK: - Literals

extension UInt256: ExpressibleByIntegerLiteral {
    /// Literals of any size: `let max: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935`.
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.signum() >= 0 && value.bitWidth <= 257, "UInt256 literal out of range")
        self.init(w0: UInt64(value[0]), w1: UInt64(value[1]), w2: UInt64(value[2]), w3: UInt64(value[3]))
    }
}

// MARK: - Arithmetic

extension UInt256 {
    @inlinable
    public func addingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(rhs.w0)
        var (r1, c1) = w1.addingReportingOverflow(rhs.w1)
        var c: Bool
        (r1, c) = r1.addingReportingOverflow(c0 ? 1 : 0)
        let k1 = c1 || c
        var (r2, c2) = w2.addingReportingOverflow(rhs.w2)
        (r2, c) = r2.addingReportingOverflow(k1 ? 1 : 0)
        let k2 = c2 || c
        var (r3, c3) = w3.addingReportingOverflow(rhs.w3)
        (r3, c) = r3.addingReportingOverflow(k2 ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3 || c)
    }

    @inlinable
    public func subtractingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(rhs.w0)
        var (r1, b1) = w1.subtractingReportingOverflow(rhs.w1)
        var b: Bool
        (r1, b) = r1.subtractingReportingOverflow(b0 ? 1 : 0)
        let k1 = b1 || b
        var (r2, b2) = w2.subtractingReportingOverflow(rhs.w2)
        (r2, b) = r2.subtractingReportingOverflow(k1 ? 1 : 0)
        let k2 = b2 || b
        var (r3, b3) = w3.subtractingReportingOverflow(rhs.w3)
        (r3, b) = r3.subtractingReportingOverflow(k2 ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3 || b)
    }

    /// The full 512-bit product as eight limbs, least significant first.
    @inlinable
    func multipliedFullWidthLimbs(by rhs: UInt256) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
        var r: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &r) { raw in
            let out = raw.bindMemory(to: UInt64.self)
            for i in 0..<4 {
                let a = self[limb: i]
                if a == 0 { continue }
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let (hi, lo) = a.multipliedFullWidth(by: rhs[limb: j])
                    let (s1, o1) = out[i + j].addingReportingOverflow(lo)
                    let (s2, o2) = s1.addingReportingOverflow(carry)
                    out[i + j] = s2
                    carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                out[i + 4] = carry
            }
        }
        return r
    }

    @inlinable
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        let r = multipliedFullWidthLimbs(by: other)
        return (UInt256(w0: r.4, w1: r.5, w2: r.6, w3: r.7), UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3))
    }

    @inlinable
    public func multipliedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let p = multipliedFullWidth(by: rhs)
        return (p.low, !p.high.isZero)
    }

    public func dividedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: rhs).quotient, false)
    }

    public func remainderReportingOverflow(dividingBy rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: rhs).remainder, false)
    }

    /// Division with remainder; traps when `rhs` is zero, like the standard integers.
    public func quotientAndRemainder(dividingBy rhs: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!rhs.isZero, "Division by zero")
        if self < rhs { return (.zero, self) }
        if let d = rhs.uint64Value, let n = self.uint64Value {
            return (UInt256(n / d), UInt256(n % d))
        }
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (w0, w1, w2, w3, 0, 0, 0, 0)
        var v: (UInt64, UInt64, UInt64, UInt64) = (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &u) { ub in
            withUnsafeMutableBytes(of: &v) { vb in
                withUnsafeMutableBytes(of: &q) { qb in
                    withUnsafeMutableBytes(of: &r) { rb in
                        LongDivision.divide(
                            ub.bindMemory(to: UInt64.self), count: 4,
                            by: vb.bindMemory(to: UInt64.self), count: UInt256.significantLimbs(rhs),
                            quotient: qb.bindMemory(to: UInt64.self), remainder: rb.bindMemory(to: UInt64.self))
                    }
                }
            }
        }
        return (UInt256(w0: q.0, w1: q.1, w2: q.2, w3: q.3), UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3))
    }

    /// Divides the 512-bit `dividend` by `self`; the quotient must fit in 256 bits.
    public func dividingFullWidth(_ dividend: (high: UInt256, low: UInt256)) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!isZero, "Division by zero")
        precondition(dividend.high < self, "Quotient is not representable")
        let (q, r) = UInt256.divide512(dividend.high, dividend.low, by: self)
        return (q.low, r)
    }

    /// 512-by-256-bit division. Returns the full quotient (high, low) and the remainder.
    @usableFromInline
    static func divide512(_ high: UInt256, _ low: UInt256, by d: UInt256) -> (quotient: (high: UInt256, low: UInt256), remainder: UInt256) {
        var u: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (low.w0, low.w1, low.w2, low.w3, high.w0, high.w1, high.w2, high.w3)
        var v: (UInt64, UInt64, UInt64, UInt64) = (d.w0, d.w1, d.w2, d.w3)
        var q: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var r: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let m = high.isZero ? 4 : 8
        withUnsafeMutableBytes(of: &u) { ub in
            withUnsafeMutableBytes(of: &v) { vb in
                withUnsafeMutableBytes(of: &q) { qb in
                    withUnsafeMutableBytes(of: &r) { rb in
                        LongDivision.divide(
                            ub.bindMemory(to: UInt64.self), count: m,
                            by: vb.bindMemory(to: UInt64.self), count: significantLimbs(d),
                            quotient: qb.bindMemory(to: UInt64.self), remainder: rb.bindMemory(to: UInt64.self))
                    }
                }
            }
        }
        return ((UInt256(w0: q.4, w1: q.5, w2: q.6, w3: q.7), UInt256(w0: q.0, w1: q.1, w2: q.2, w3: q.3)),
                UInt256(w0: r.0, w1: r.1, w2: r.2, w3: r.3))
    }

    @inlinable
    static func significantLimbs(_ x: UInt256) -> Int {
        if x.w3 != 0 { return 4 }
        if x.w2 != 0 { return 3 }
        if x.w1 != 0 { return 2 }
        return 1
    }

    /// `a * b / d` rounded down, with a 512-bit intermediate product so that nothing overflows in
    /// the middle. `nil` when `d` is zero or the result does not fit in 256 bits.
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256? {
        if d.isZero { return nil }
        let p = a.multipliedFullWidth(by: b)
        if p.high.isZero { return p.low.quotientAndRemainder(dividingBy: d).quotient }
        if p.high >= d { return nil }
        return divide512(p.high, p.low, by: d).quotient.low
    }

    /// `a * b / d` rounded up; `nil` when `d` is zero or the result does not fit.
    public static func mulDivRoundingUp(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256? {
        if d.isZero { return nil }
        let p = a.multipliedFullWidth(by: b)
        if p.high >= d { return nil }
        let (q, r) = p.high.isZero
            ? p.low.quotientAndRemainder(dividingBy: d)
            : { let x = divide512(p.high, p.low, by: d); return (x.quotient.low, x.remainder) }()
        if r.isZero { return q }
        let (up, overflow) = q.addingReportingOverflow(.one)
        return overflow ? nil : up
    }

    /// Checked arithmetic for untrusted values: `nil` on overflow, underflow or division by zero.
    @inlinable public func adding(_ rhs: UInt256) -> UInt256? {
        let r = addingReportingOverflow(rhs); return r.overflow ? nil : r.partialValue
    }
    @inlinable public func subtracting(_ rhs: UInt256) -> UInt256? {
        let r = subtractingReportingOverflow(rhs); return r.overflow ? nil : r.partialValue
    }
    @inlinable public func multiplied(by rhs: UInt256) -> UInt256? {
        let r = multipliedReportingOverflow(by: rhs); return r.overflow ? nil : r.partialValue
    }

    /// Integer square root, rounded down.
    public func squareRoot() -> UInt256 {
        if self < UInt256(2) { return self }
        // Newton's iteration from a power of two above the root.
        var x = UInt256.one << UInt256((256 - leadingZeroBitCount + 1) / 2)
        while true {
            let y = (x + self / x) >> 1
            if y >= x { return x }
            x = y
        }
    }
}

// MARK: - Operators

extension UInt256 {
    @inlinable public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let r = lhs.addingReportingOverflow(rhs)
        precondition(!r.overflow, "UInt256 addition overflow")
        return r.partialValue
    }
    @inlinable public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let r = lhs.subtractingReportingOverflow(rhs)
        precondition(!r.overflow, "UInt256 subtraction underflow")
        return r.partialValue
    }
    @inlinable public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let r = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!r.overflow, "UInt256 multiplication overflow")
        return r.partialValue
    }
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }
    @inlinable public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }
    public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
    public static func %= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs % rhs }

    @inlinable public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }
    @inlinable public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.subtractingReportingOverflow(rhs).partialValue }
    @inlinable public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.multipliedFullWidth(by: rhs).low }

    @inlinable public static prefix func ~ (x: UInt256) -> UInt256 { UInt256(w0: ~x.w0, w1: ~x.w1, w2: ~x.w2, w3: ~x.w3) }
    @inlinable public static func & (l: UInt256, r: UInt256) -> UInt256 { UInt256(w0: l.w0 & r.w0, w1: l.w1 & r.w1, w2: l.w2 & r.w2, w3: l.w3 & r.w3) }
    @inlinable public static func | (l: UInt256, r: UInt256) -> UInt256 { UInt256(w0: l.w0 | r.w0, w1: l.w1 | r.w1, w2: l.w2 | r.w2, w3: l.w3 | r.w3) }
    @inlinable public static func ^ (l: UInt256, r: UInt256) -> UInt256 { UInt256(w0: l.w0 ^ r.w0, w1: l.w1 ^ r.w1, w2: l.w2 ^ r.w2, w3: l.w3 ^ r.w3) }
    @inlinable public static func &= (l: inout UInt256, r: UInt256) { l = l & r }
    @inlinable public static func |= (l: inout UInt256, r: UInt256) { l = l | r }
    @inlinable public static func ^= (l: inout UInt256, r: UInt256) { l = l ^ r }

    /// Shift left by `n` bits (n < 256), bits shifted out are lost.
    @inlinable
    func shiftedLeft(_ n: Int) -> UInt256 {
        if n <= 0 { return self }
        if n >= 256 { return .zero }
        let limbs = n / 64, bits = n % 64
        var out = UInt256.zero
        for i in stride(from: 3, through: limbs, by: -1) {
            let src = i - limbs
            var v = self[limb: src] << UInt64(bits)
            if bits > 0 && src > 0 { v |= self[limb: src - 1] >> UInt64(64 - bits) }
            out[limb: i] = v
        }
        return out
    }

    @inlinable
    func shiftedRight(_ n: Int) -> UInt256 {
        if n <= 0 { return self }
        if n >= 256 { return .zero }
        let limbs = n / 64, bits = n % 64
        var out = UInt256.zero
        for i in 0..<(4 - limbs) {
            let src = i + limbs
            var v = self[limb: src] >> UInt64(bits)
            if bits > 0 && src < 3 { v |= self[limb: src + 1] << UInt64(64 - bits) }
            out[limb: i] = v
        }
        return out
    }

    /// Masking shifts, as `FixedWidthInteger` defines them: the shift amount is taken modulo 256.
    @inlinable public static func &<< (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.shiftedLeft(Int(rhs.w0 & 255)) }
    @inlinable public static func &>> (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.shiftedRight(Int(rhs.w0 & 255)) }
    @inlinable public static func &<<= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &<< rhs }
    @inlinable public static func &>>= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &>> rhs }
}

// MARK: - FixedWidthInteger

extension UInt256: FixedWidthInteger, UnsignedInteger {
    public typealias Magnitude = UInt256
    public typealias Words = [UInt]

    public static var bitWidth: Int { 256 }
    public static var max: UInt256 { UInt256(w0: .max, w1: .max, w2: .max, w3: .max) }
    public static var min: UInt256 { .zero }

    @inlinable public var magnitude: UInt256 { self }

    public init(_truncatingBits bits: UInt) {
        self.init(UInt64(bits))
    }

    public var words: [UInt] { [UInt(w0), UInt(w1), UInt(w2), UInt(w3)] }

    public var nonzeroBitCount: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    @inlinable
    public var leadingZeroBitCount: Int {
        if w3 != 0 { return w3.leadingZeroBitCount }
        if w2 != 0 { return 64 + w2.leadingZeroBitCount }
        if w1 != 0 { return 128 + w1.leadingZeroBitCount }
        return 192 + w0.leadingZeroBitCount
    }

    public var trailingZeroBitCount: Int {
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        if w2 != 0 { return 128 + w2.trailingZeroBitCount }
        if w3 != 0 { return 192 + w3.trailingZeroBitCount }
        return 256
    }

    public var byteSwapped: UInt256 {
        UInt256(w0: w3.byteSwapped, w1: w2.byteSwapped, w2: w1.byteSwapped, w3: w0.byteSwapped)
    }
}

// MARK: - Long division (Knuth, TAOCP vol. 2, 4.3.1, algorithm D) on 64-bit limbs

@usableFromInline
enum LongDivision {
    /// Divides `u` (m limbs) by `v` (n significant limbs, v[n-1] != 0, n ≤ 4, m ≥ n).
    /// Writes m - n + 1 quotient limbs and n remainder limbs.
    @usableFromInline
    static func divide(_ u: UnsafeMutableBufferPointer<UInt64>, count m: Int,
                       by v: UnsafeMutableBufferPointer<UInt64>, count n: Int,
                       quotient q: UnsafeMutableBufferPointer<UInt64>,
                       remainder r: UnsafeMutableBufferPointer<UInt64>) {
        if n == 1 {
            let d = v[0]
            var rem: UInt64 = 0
            for i in stride(from: m - 1, through: 0, by: -1) {
                let (qi, ri) = d.dividingFullWidth((rem, u[i]))
                q[i] = qi
                rem = ri
            }
            r[0] = rem
            return
        }
        // Normalise so that the divisor's top bit is set; the quotient digit estimate is then off by at most 2.
        let s = UInt64(v[n - 1].leadingZeroBitCount)
        var vn: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var un: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &vn) { vb in
            withUnsafeMutableBytes(of: &un) { ubuf in
                let vn = vb.bindMemory(to: UInt64.self)
                let un = ubuf.bindMemory(to: UInt64.self)
                for i in stride(from: n - 1, to: 0, by: -1) {
                    vn[i] = s == 0 ? v[i] : (v[i] << s) | (v[i - 1] >> (64 - s))
                }
                vn[0] = v[0] << s
                un[m] = s == 0 ? 0 : u[m - 1] >> (64 - s)
                for i in stride(from: m - 1, to: 0, by: -1) {
                    un[i] = s == 0 ? u[i] : (u[i] << s) | (u[i - 1] >> (64 - s))
                }
                un[0] = u[0] << s

                let top = vn[n - 1], second = vn[n - 2]
                for j in stride(from: m - n, through: 0, by: -1) {
                    var qhat: UInt64
                    var rhat: UInt64
                    var rhatOverflow = false
                    if un[j + n] >= top {
                        qhat = .max
                        (rhat, rhatOverflow) = un[j + n - 1].addingReportingOverflow(top)
                    } else {
                        (qhat, rhat) = top.dividingFullWidth((un[j + n], un[j + n - 1]))
                    }
                    while !rhatOverflow {
                        let (ph, pl) = qhat.multipliedFullWidth(by: second)
                        if ph > rhat || (ph == rhat && pl > un[j + n - 2]) {
                            qhat &-= 1
                            (rhat, rhatOverflow) = rhat.addingReportingOverflow(top)
                        } else {
                            break
                        }
                    }
                    // Multiply and subtract.
                    var borrow: UInt64 = 0
                    var carry: UInt64 = 0
                    for i in 0..<n {
                        let (ph, pl) = qhat.multipliedFullWidth(by: vn[i])
                        let (p, c) = pl.addingReportingOverflow(carry)
                        carry = ph &+ (c ? 1 : 0)
                        let (t1, b1) = un[i + j].subtractingReportingOverflow(p)
                        let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                        un[i + j] = t2
                        borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
                    }
                    let (t1, b1) = un[j + n].subtractingReportingOverflow(carry)
                    let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                    un[j + n] = t2
                    if b1 || b2 {
                        // The estimate was one too large: add the divisor back.
                        qhat &-= 1
                        var c: UInt64 = 0
                        for i in 0..<n {
                            let (s1, o1) = un[i + j].addingReportingOverflow(vn[i])
                            let (s2, o2) = s1.addingReportingOverflow(c)
                            un[i + j] = s2
                            c = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                        }
                        un[j + n] &+= c
                    }
                    q[j] = qhat
                }
                for i in 0..<n {
                    r[i] = s == 0 ? un[i] : (un[i] >> s) | (un[i + 1] << (64 - s))
                }
            }
        }
    }
}
