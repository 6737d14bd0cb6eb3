import EthCore

/// Balancer V2's 18-decimal unsigned fixed point (`FixedPoint.sol`): every rounding direction as
/// published, every overflow a thrown error where the contract reverts.
public enum FixedPoint {
    public static let one: UInt256 = 1_000_000_000_000_000_000
    public static let two: UInt256 = 2_000_000_000_000_000_000
    public static let four: UInt256 = 4_000_000_000_000_000_000
    /// Relative error bound of LogExpMath.pow, 1e-14 in 18-decimal fixed point.
    public static let maxPowRelativeError: UInt256 = 10_000

    public static func add(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        guard let c = a.adding(b) else { throw .addOverflow }
        return c
    }

    public static func sub(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        guard let c = a.subtracting(b) else { throw .subOverflow }
        return c
    }

    /// a·b / ONE, rounded down.
    public static func mulDown(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        guard let product = a.multiplied(by: b) else { throw .mulOverflow }
        return product / one
    }

    /// a·b / ONE, rounded up: (a·b − 1)/ONE + 1, and 0 for a zero product.
    public static func mulUp(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        guard let product = a.multiplied(by: b) else { throw .mulOverflow }
        if product.isZero { return .zero }
        return (product - .one) / one + .one
    }

    /// a·ONE / b, rounded down.
    public static func divDown(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        if b.isZero { throw .zeroDivision }
        guard let inflated = a.multiplied(by: one) else { throw .divInternal }
        return inflated / b
    }

    /// a·ONE / b, rounded up: (a·ONE − 1)/b + 1, and 0 for a = 0.
    public static func divUp(_ a: UInt256, _ b: UInt256) throws(BalancerMathError) -> UInt256 {
        if b.isZero { throw .zeroDivision }
        guard let inflated = a.multiplied(by: one) else { throw .divInternal }
        if inflated.isZero { return .zero }
        return (inflated - .one) / b + .one
    }

    /// 1 − x, floored at 0 (strips pow's relative error instead of going negative).
    public static func complement(_ x: UInt256) -> UInt256 {
        x < one ? one - x : .zero
    }

    /// x^y rounded down: never above the true value. Version 1 pools never take the shortcuts.
    public static func powDown(_ x: UInt256, _ y: UInt256, version: BalancerMathVersion = .v2) throws(BalancerMathError) -> UInt256 {
        if version.takesPowShortcuts, y == one { return x }
        if version.takesPowShortcuts, y == two { return try mulDown(x, x) }
        if version.takesPowShortcuts, y == four {
            let square = try mulDown(x, x)
            return try mulDown(square, square)
        }
        let raw = try LogExpMath.pow(x, y)
        let maxError = try add(try mulUp(raw, maxPowRelativeError), .one)
        return raw < maxError ? .zero : raw - maxError
    }

    /// x^y rounded up: never below the true value. Version 1 pools never take the shortcuts.
    public static func powUp(_ x: UInt256, _ y: UInt256, version: BalancerMathVersion = .v2) throws(BalancerMathError) -> UInt256 {
        if version.takesPowShortcuts, y == one { return x }
        if version.takesPowShortcuts, y == two { return try mulUp(x, x) }
        if version.takesPowShortcuts, y == four {
            let square = try mulUp(x, x)
            return try mulUp(square, square)
        }
        let raw = try LogExpMath.pow(x, y)
        let maxError = try add(try mulUp(raw, maxPowRelativeError), .one)
        return try add(raw, maxError)
    }
}
