import EthCore

/// Balancer V2's `LogExpMath`: x^y, e^x and ln(x) on 18-decimal fixed point, computed exactly as the
/// published library does (same constants, same series lengths, same order of integer operations,
/// int256 division truncating toward zero), so that `pow` agrees with the contract to the wei.
/// Every `require` of the library is a thrown error here; intermediate int256 overflow (which the
/// contract's domain checks rule out) also throws rather than wraps.
public enum LogExpMath {
    typealias I = CheckedInt256

    static let one18 = I(constant: 1_000_000_000_000_000_000)
    /// Intermediate precision of exp and ln: 20 decimals.
    static let one20 = I(constant: 100_000_000_000_000_000_000)
    /// Precision of ln_36: 36 decimals.
    static let one36 = I(constant: 1_000_000_000_000_000_000_000_000_000_000_000_000)

    /// exp's domain: e^130 still fits in int256 at 20 decimals; e^-41 is still above 1e-18.
    static let maxNaturalExponent = I(constant: 130_000_000_000_000_000_000)
    static let minNaturalExponent = I(constant: 41_000_000_000_000_000_000, negative: true)

    /// ln_36 is used for bases in (0.9, 1.1), where ln is small and needs more digits.
    static let ln36LowerBound = I(constant: 900_000_000_000_000_000)
    static let ln36UpperBound = I(constant: 1_100_000_000_000_000_000)

    /// y·ln(x) cannot overflow int256 for y below 2^254 / 1e20.
    public static let mildExponentBound: UInt256 = (UInt256.one << UInt256(254)) / 100_000_000_000_000_000_000

    // x_n = 2^(7−n) and a_n = e^(x_n). x0, x1 are 18-decimal; a0, a1 are plain integers (no
    // decimals, they would overflow otherwise); x2…x11 and a2…a11 are 20-decimal.
    static let x0 = I(constant: 128_000_000_000_000_000_000)
    static let a0 = I(constant: 38_877_084_059_945_950_922_200_000_000_000_000_000_000_000_000_000_000_000)
    static let x1 = I(constant: 64_000_000_000_000_000_000)
    static let a1 = I(constant: 6_235_149_080_811_616_882_910_000_000)
    static let x2 = I(constant: 3_200_000_000_000_000_000_000)
    static let a2 = I(constant: 7_896_296_018_268_069_516_100_000_000_000_000)
    static let x3 = I(constant: 1_600_000_000_000_000_000_000)
    static let a3 = I(constant: 888_611_052_050_787_263_676_000_000)
    static let x4 = I(constant: 800_000_000_000_000_000_000)
    static let a4 = I(constant: 298_095_798_704_172_827_474_000)
    static let x5 = I(constant: 400_000_000_000_000_000_000)
    static let a5 = I(constant: 5_459_815_003_314_423_907_810)
    static let x6 = I(constant: 200_000_000_000_000_000_000)
    static let a6 = I(constant: 738_905_609_893_065_022_723)
    static let x7 = I(constant: 100_000_000_000_000_000_000)
    static let a7 = I(constant: 271_828_182_845_904_523_536)
    static let x8 = I(constant: 50_000_000_000_000_000_000)
    static let a8 = I(constant: 164_872_127_070_012_814_685)
    static let x9 = I(constant: 25_000_000_000_000_000_000)
    static let a9 = I(constant: 128_402_541_668_774_148_407)
    static let x10 = I(constant: 12_500_000_000_000_000_000)
    static let a10 = I(constant: 113_314_845_306_682_631_683)
    static let x11 = I(constant: 6_250_000_000_000_000_000)
    static let a11 = I(constant: 106_449_445_891_785_942_956)

    /// The 20-decimal (x_n, a_n) pairs exp uses after the first two (x10, x11 are not needed there).
    static let expSteps: [(x: I, a: I)] = [(x2, a2), (x3, a3), (x4, a4), (x5, a5), (x6, a6), (x7, a7), (x8, a8), (x9, a9)]
    /// ln uses all ten.
    static let lnSteps: [(x: I, a: I)] = expSteps + [(x10, a10), (x11, a11)]

    /// x^y for 18-decimal unsigned x and y, computed as exp(y·ln x).
    public static func pow(_ x: UInt256, _ y: UInt256) throws(BalancerMathError) -> UInt256 {
        if y.isZero { return UInt256(1_000_000_000_000_000_000) }   // 0^0 taken as 1
        if x.isZero { return .zero }
        guard x >> UInt256(255) == .zero else { throw .xOutOfBounds }
        let xi = try I(x)
        guard y < mildExponentBound else { throw .yOutOfBounds }
        let yi = try I(y)

        // y·ln(x) with the division by ONE_18 left for the end.
        var logxTimesY: I
        if ln36LowerBound < xi && xi < ln36UpperBound {
            let ln36x = try ln36(xi)
            // ln36x has 36 decimals: multiply its integer-18 part and its low 18 decimals separately.
            logxTimesY = try (ln36x / one18) * yi + ((ln36x % one18) * yi) / one18
        } else {
            logxTimesY = try ln18(xi) * yi
        }
        logxTimesY = try logxTimesY / one18

        guard minNaturalExponent <= logxTimesY && logxTimesY <= maxNaturalExponent else { throw .productOutOfBounds }
        let result = try exp(logxTimesY)
        return result.magnitude   // exp is positive
    }

    /// e^x for signed 18-decimal x in [−41, 130].
    public static func exp(_ x: Int256) throws(BalancerMathError) -> Int256 {
        try exp(I(x)).int256
    }

    static func exp(_ xIn: I) throws(BalancerMathError) -> I {
        guard minNaturalExponent <= xIn && xIn <= maxNaturalExponent else { throw .invalidExponent }
        if xIn < .zero {
            // e^(−x) = 1 / e^x, as an 18-decimal division.
            return try (one18 * one18) / exp(-xIn)
        }
        var x = xIn

        // Peel off the largest power of two present (x0 = 128 or x1 = 64; never both, since 192 > 130).
        let firstAN: I
        if x >= x0 {
            x = try x - x0
            firstAN = a0
        } else if x >= x1 {
            x = try x - x1
            firstAN = a1
        } else {
            firstAN = I(1)
        }

        // Continue at 20 decimals.
        x = try x * I(100)
        var product = one20
        for step in expSteps where x >= step.x {
            x = try x - step.x
            product = try (product * step.a) / one20
        }

        // Taylor series of e^x for the small remainder, 12 terms: term_n = term_{n−1}·x / n.
        var seriesSum = one20
        var term = x
        seriesSum = try seriesSum + term
        for n in 2...12 {
            term = try ((term * x) / one20) / I(n)
            seriesSum = try seriesSum + term
        }

        // product and seriesSum are 20-decimal, firstAN is a plain integer; drop two digits for 18.
        return try (((product * seriesSum) / one20) * firstAN) / I(100)
    }

    /// ln(a) for signed 18-decimal a > 0, using ln_36 near 1 as the library does.
    public static func ln(_ a: Int256) throws(BalancerMathError) -> Int256 {
        let ai = try I(a)
        guard ai > .zero else { throw .outOfBounds }
        if ln36LowerBound < ai && ai < ln36UpperBound {
            return try (ln36(ai) / one18).int256
        }
        return try ln18(ai).int256
    }

    /// The 36-decimal ln for arguments in (0.9, 1.1), exposed for differential tests.
    public static func ln36(_ x: Int256) throws(BalancerMathError) -> Int256 {
        try ln36(I(x)).int256
    }

    /// The library's private `_ln`: decompose by the a_n, then an atanh series for the remainder.
    static func ln18(_ aIn: I) throws(BalancerMathError) -> I {
        if aIn < one18 {
            // ln(a) = −ln(1/a); 1/a > 1 so the recursion happens once.
            return -(try ln18((one18 * one18) / aIn))
        }
        var a = aIn
        var sum = I.zero
        if a >= (try a0 * one18) {
            a = try a / a0   // plain integer division: a0 has no decimals
            sum = try sum + x0
        }
        if a >= (try a1 * one18) {
            a = try a / a1
            sum = try sum + x1
        }

        // To 20 decimals.
        sum = try sum * I(100)
        a = try a * I(100)
        for step in lnSteps where a >= step.a {
            a = try (a * one20) / step.a
            sum = try sum + step.x
        }

        // a < a11 ≈ 1.06: ln(a) = 2·(z + z^3/3 + z^5/5 + … + z^11/11) with z = (a − 1)/(a + 1).
        let z = try ((a - one20) * one20) / (a + one20)
        let zSquared = try (z * z) / one20
        var num = z
        var seriesSum = num
        for divisor in stride(from: 3, through: 11, by: 2) {
            num = try (num * zSquared) / one20
            seriesSum = try seriesSum + num / I(divisor)
        }
        seriesSum = try seriesSum * I(2)

        return try (sum + seriesSum) / I(100)
    }

    /// The library's private `_ln_36`: the same atanh series at 36 decimals, 8 terms (up to z^15/15).
    static func ln36(_ xIn: I) throws(BalancerMathError) -> I {
        let x = try xIn * one18
        let z = try ((x - one36) * one36) / (x + one36)
        let zSquared = try (z * z) / one36
        var num = z
        var seriesSum = num
        for divisor in stride(from: 3, through: 15, by: 2) {
            num = try (num * zSquared) / one36
            seriesSum = try seriesSum + num / I(divisor)
        }
        return try seriesSum * I(2)
    }
}
