import EthCore

/// Signed 256-bit arithmetic as Solidity's `int256` does it, for LogExpMath: `/` and `%` truncate
/// toward zero (the remainder takes the dividend's sign), and any result outside
/// [−(2^255 − 1), 2^255 − 1] throws instead of wrapping. Sign and magnitude make truncation
/// toward zero fall out of unsigned division.
struct CheckedInt256: Equatable, Comparable, Sendable {
    private(set) var isNegative: Bool
    private(set) var magnitude: UInt256

    /// 2^255: the first magnitude that does not fit.
    private static let limit = UInt256.one << UInt256(255)

    private init(negative: Bool, magnitude: UInt256) {
        self.isNegative = negative && !magnitude.isZero   // one zero, never "−0"
        self.magnitude = magnitude
    }

    private static func make(negative: Bool, magnitude: UInt256) throws(BalancerMathError) -> CheckedInt256 {
        guard magnitude < limit else { throw .signedOverflow }
        return CheckedInt256(negative: negative, magnitude: magnitude)
    }

    /// A non-negative value; throws if it does not fit below 2^255.
    init(_ value: UInt256) throws(BalancerMathError) {
        guard value < Self.limit else { throw .signedOverflow }
        self.init(negative: false, magnitude: value)
    }

    /// Literals and constants of LogExpMath (all well inside the range).
    init(_ value: Int) {
        self.init(negative: value < 0, magnitude: UInt256(UInt64(value.magnitude)))
    }

    /// A constant of the algorithm, known to fit (all are below 2^190).
    init(constant value: UInt256, negative: Bool = false) {
        self.init(negative: negative, magnitude: value)
    }

    init(_ value: Int256) throws(BalancerMathError) {
        self = try Self.make(negative: value.isNegative, magnitude: value.magnitude)
    }

    var int256: Int256 {
        isNegative ? -Int256(bitPattern: magnitude) : Int256(bitPattern: magnitude)
    }

    static let zero = CheckedInt256(0)

    static prefix func - (x: CheckedInt256) -> CheckedInt256 {
        CheckedInt256(negative: !x.isNegative, magnitude: x.magnitude)
    }

    static func + (l: CheckedInt256, r: CheckedInt256) throws(BalancerMathError) -> CheckedInt256 {
        if l.isNegative == r.isNegative {
            guard let m = l.magnitude.adding(r.magnitude) else { throw .signedOverflow }
            return try make(negative: l.isNegative, magnitude: m)
        }
        // Opposite signs: the larger magnitude decides the sign.
        if l.magnitude >= r.magnitude {
            return CheckedInt256(negative: l.isNegative, magnitude: l.magnitude - r.magnitude)
        }
        return CheckedInt256(negative: r.isNegative, magnitude: r.magnitude - l.magnitude)
    }

    static func - (l: CheckedInt256, r: CheckedInt256) throws(BalancerMathError) -> CheckedInt256 {
        try l + (-r)
    }

    static func * (l: CheckedInt256, r: CheckedInt256) throws(BalancerMathError) -> CheckedInt256 {
        guard let m = l.magnitude.multiplied(by: r.magnitude) else { throw .signedOverflow }
        return try make(negative: l.isNegative != r.isNegative, magnitude: m)
    }

    /// Truncates toward zero.
    static func / (l: CheckedInt256, r: CheckedInt256) throws(BalancerMathError) -> CheckedInt256 {
        if r.magnitude.isZero { throw .zeroDivision }
        return CheckedInt256(negative: l.isNegative != r.isNegative, magnitude: l.magnitude / r.magnitude)
    }

    /// The remainder of truncating division: same sign as the dividend.
    static func % (l: CheckedInt256, r: CheckedInt256) throws(BalancerMathError) -> CheckedInt256 {
        if r.magnitude.isZero { throw .zeroDivision }
        return CheckedInt256(negative: l.isNegative, magnitude: l.magnitude % r.magnitude)
    }

    static func < (l: CheckedInt256, r: CheckedInt256) -> Bool {
        switch (l.isNegative, r.isNegative) {
        case (true, false): return true
        case (false, true): return false
        case (false, false): return l.magnitude < r.magnitude
        case (true, true): return l.magnitude > r.magnitude
        }
    }
}
