import EthCore
import Foundation
import Testing
@testable import Market

/// The fixed-point and log/exp layers on their own: published rounding, edge cases, bounds.
@Suite struct BalancerMathTests {
    let one = FixedPoint.one

    @Test func mulAndDivRoundInTheStatedDirection() throws {
        #expect(try FixedPoint.mulDown(3, 333_333_333_333_333_333) == 0)
        #expect(try FixedPoint.mulUp(3, 333_333_333_333_333_333) == 1)
        #expect(try FixedPoint.mulUp(0, 5) == 0)
        #expect(try FixedPoint.mulUp(one, one) == one)
        #expect(try FixedPoint.divDown(1, 3 * one) == 0)
        #expect(try FixedPoint.divUp(1, 3 * one) == 1)
        #expect(try FixedPoint.divUp(0, 7) == 0)
        #expect(try FixedPoint.divDown(2 * one, 3 * one) == 666_666_666_666_666_666)
        #expect(try FixedPoint.divUp(2 * one, 3 * one) == 666_666_666_666_666_667)
        #expect(FixedPoint.complement(one + 1) == 0)
        #expect(FixedPoint.complement(one) == 0)
        #expect(FixedPoint.complement(3 * one / 10) == 7 * one / 10)
    }

    @Test func fixedPointRefusesOverflowAndZeroDivision() {
        #expect(throws: BalancerMathError.mulOverflow) { try FixedPoint.mulDown(.max, 2) }
        #expect(throws: BalancerMathError.mulOverflow) { try FixedPoint.mulUp(.max, 2) }
        #expect(throws: BalancerMathError.zeroDivision) { try FixedPoint.divDown(1, 0) }
        #expect(throws: BalancerMathError.zeroDivision) { try FixedPoint.divUp(0, 0) }
        #expect(throws: BalancerMathError.divInternal) { try FixedPoint.divUp(.max / 10, 3) }
        #expect(throws: BalancerMathError.subOverflow) { try FixedPoint.sub(1, 2) }
        #expect(throws: BalancerMathError.addOverflow) { try FixedPoint.add(.max, 1) }
    }

    @Test func powShortcutsAndBounds() throws {
        let x: UInt256 = 1_234_567_890_123_456_789
        #expect(try FixedPoint.powUp(x, one) == x)
        #expect(try FixedPoint.powUp(x, 2 * one) == FixedPoint.mulUp(x, x))
        #expect(try FixedPoint.powDown(x, 4 * one) == FixedPoint.mulDown(FixedPoint.mulDown(x, x), FixedPoint.mulDown(x, x)))
        // Off the shortcuts, powUp ≥ raw ≥ powDown, separated by the 1e-14 relative bound.
        let y: UInt256 = 1_500_000_000_000_000_000
        let raw = try LogExpMath.pow(x, y)
        let up = try FixedPoint.powUp(x, y), down = try FixedPoint.powDown(x, y)
        #expect(down < raw && raw < up)
        #expect(up - raw == (try FixedPoint.mulUp(raw, 10_000)) + 1)
        #expect(try LogExpMath.pow(x, 0) == one)
        #expect(try LogExpMath.pow(0, y) == 0)
        #expect(throws: BalancerMathError.xOutOfBounds) { try LogExpMath.pow(UInt256.one << UInt256(255), y) }
        #expect(throws: BalancerMathError.yOutOfBounds) { try LogExpMath.pow(x, LogExpMath.mildExponentBound) }
        #expect(throws: BalancerMathError.productOutOfBounds) { try LogExpMath.pow(1, 3 * one) }   // ln(1e-18)·3 < −41
        #expect(throws: BalancerMathError.invalidExponent) { try LogExpMath.exp(Int256(bitPattern: 131 * FixedPoint.one)) }
    }

    @Test func knownValues() throws {
        // e, 1/e, ln 2 and √2 to 18 decimals, truncated as the library truncates.
        #expect(try LogExpMath.exp(Int256(bitPattern: one)).description == "2718281828459045235")
        #expect(try LogExpMath.exp(-Int256(bitPattern: one)).description == "367879441171442321")
        #expect(try LogExpMath.ln(Int256(bitPattern: 2 * one)).description == "693147180559945309")
        #expect(try LogExpMath.ln(Int256(bitPattern: one / 2)).description == "-693147180559945309")
        #expect(try LogExpMath.pow(2 * one, one / 2) == 1_414_213_562_373_095_047)
        #expect(throws: BalancerMathError.outOfBounds) { try LogExpMath.ln(Int256(0)) }
        #expect(throws: BalancerMathError.outOfBounds) { try LogExpMath.ln(Int256(-5)) }
    }

    @Test func signedDivisionTruncatesTowardZero() throws {
        typealias I = CheckedInt256
        #expect(try (I(-7) / I(2)).int256.description == "-3")
        #expect(try (I(7) / I(-2)).int256.description == "-3")
        #expect(try (I(-7) % I(2)).int256.description == "-1")
        #expect(try (I(7) % I(-2)).int256.description == "1")
        #expect(try (I(-1) / I(2)).int256.description == "0")
        #expect(I(-3) < I(-2) && I(-2) < I(0) && I(0) < I(1))
        let big = try I(UInt256.one << UInt256(254))
        #expect(throws: BalancerMathError.signedOverflow) { try big + big }
        #expect(throws: BalancerMathError.signedOverflow) { try big * I(2) }
        #expect(throws: BalancerMathError.signedOverflow) { try I(UInt256.one << UInt256(255)) }
    }
}
