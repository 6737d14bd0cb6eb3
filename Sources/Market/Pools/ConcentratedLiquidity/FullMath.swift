import EthCore

/// v3-core's FullMath and UnsafeMath: a·b/d with a 512-bit product, rounded down or up. The pool
/// reverts where these return `nil` (zero divisor, a result wider than 256 bits).
enum FullMath {
    static func mulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256? { UInt256.mulDiv(a, b, d) }

    static func mulDivRoundingUp(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256? { UInt256.mulDivRoundingUp(a, b, d) }

    /// ⌈x / y⌉ for y > 0 (UnsafeMath.divRoundingUp: no overflow is possible).
    static func divRoundingUp(_ x: UInt256, _ y: UInt256) -> UInt256? {
        guard !y.isZero else { return nil }
        let (q, r) = x.quotientAndRemainder(dividingBy: y)
        return r.isZero ? q : q &+ .one
    }
}
