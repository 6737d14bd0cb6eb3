import EthCore

/// Balancer V2's weighted-pool swap math (`WeightedMath._calcOutGivenIn` / `_calcInGivenOut`) on
/// 18-decimal upscaled amounts, rounding each step in the pool's favour exactly as published.
public enum WeightedMath {
    /// A swap may not take in, or pay out, more than 30 % of the pool's balance of that token.
    public static let maxInRatio: UInt256 = 300_000_000_000_000_000
    public static let maxOutRatio: UInt256 = 300_000_000_000_000_000
    /// Smallest normalized weight a pool may have (1 %).
    public static let minWeight: UInt256 = 10_000_000_000_000_000

    /// out = bOut · (1 − (bIn / (bIn + aIn))^(wIn/wOut)), rounded down overall: the base and the
    /// power round up, the exponent and the product round down.
    public static func calcOutGivenIn(
        balanceIn: UInt256, weightIn: UInt256, balanceOut: UInt256, weightOut: UInt256, amountIn: UInt256,
        version: BalancerMathVersion = .v2
    ) throws(BalancerMathError) -> UInt256 {
        guard amountIn <= (try FixedPoint.mulDown(balanceIn, maxInRatio)) else { throw .maxInRatio }
        let denominator = try FixedPoint.add(balanceIn, amountIn)
        let base = try FixedPoint.divUp(balanceIn, denominator)
        let exponent = try FixedPoint.divDown(weightIn, weightOut)
        let power = try FixedPoint.powUp(base, exponent, version: version)
        return try FixedPoint.mulDown(balanceOut, FixedPoint.complement(power))
    }

    /// in = bIn · ((bOut / (bOut − aOut))^(wOut/wIn) − 1), rounded up overall.
    public static func calcInGivenOut(
        balanceIn: UInt256, weightIn: UInt256, balanceOut: UInt256, weightOut: UInt256, amountOut: UInt256,
        version: BalancerMathVersion = .v2
    ) throws(BalancerMathError) -> UInt256 {
        guard amountOut <= (try FixedPoint.mulDown(balanceOut, maxOutRatio)) else { throw .maxOutRatio }
        let base = try FixedPoint.divUp(balanceOut, try FixedPoint.sub(balanceOut, amountOut))
        let exponent = try FixedPoint.divUp(weightOut, weightIn)
        let power = try FixedPoint.powUp(base, exponent, version: version)
        let ratio = try FixedPoint.sub(power, FixedPoint.one)
        return try FixedPoint.mulUp(balanceIn, ratio)
    }
}
