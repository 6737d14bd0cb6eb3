import EthCore
import Foundation

/// A Balancer V2 weighted pool (2–8 tokens), quoted exactly as the pool's `onSwap` computes it
/// behind the vault: balances and amounts upscaled to 18 decimals, the swap fee taken from the
/// input (GIVEN_IN) or added on top of it (GIVEN_OUT), results downscaled in the pool's favour.
public struct WeightedPool: Pool, Hashable {
    public let address: Address
    /// The vault's 32-byte pool id (for Balancer pools: the pool address, specialization, nonce).
    public let poolId: [UInt8]
    /// Symbols in the vault's `getPoolTokens` order.
    public let tokens: [String]
    /// ERC-20 decimals of each token (0…18): they fix the pool's scaling factors.
    public let decimals: [Int]
    /// Raw token balances as the vault reports them.
    public private(set) var balances: [UInt256]
    /// Normalized weights, 18-decimal fixed point, summing to exactly 1e18.
    public let weights: [UInt256]
    /// Swap fee, 18-decimal fixed point (0.3 % = 3e15).
    public let swapFee: UInt256
    public let dex: String?
    /// The factory generation's pow rule (`mathVersion` in snapshots and network files).
    public let mathVersion: BalancerMathVersion

    public var kind: PoolKind { .weighted }
    public func swapGas(_ table: GasTable) -> UInt64 { GasModel.hop(kind, table) }

    public static let minTokens = 2
    public static let maxTokens = 8

    /// What Balancer's pools themselves enforce: 2–8 distinct tokens of at most 18 decimals, one
    /// balance and one weight per token, every weight at least 1 %, weights summing to exactly 1e18,
    /// a fee below 100 %, and a 32-byte pool id.
    public init(address: Address, poolId: [UInt8], tokens: [String], decimals: [Int], balances: [UInt256],
                weights: [UInt256], swapFee: UInt256, dex: String? = nil,
                mathVersion: BalancerMathVersion = .v2) throws(PoolInvariantError) {
        try PoolInvariantError.checkTokens(tokens, count: Self.minTokens...Self.maxTokens, kind: "weighted")
        let n = tokens.count
        guard poolId.count == 32 else { throw PoolInvariantError("poolId", "a pool id is 32 bytes, got \(poolId.count)") }
        guard balances.count == n else { throw PoolInvariantError("balances", "\(balances.count) balances for \(n) tokens") }
        guard weights.count == n else { throw PoolInvariantError("weights", "\(weights.count) weights for \(n) tokens") }
        guard decimals.count == n else { throw PoolInvariantError("decimals", "\(decimals.count) decimals for \(n) tokens") }
        for (k, d) in decimals.enumerated() where !(0...18).contains(d) {
            throw PoolInvariantError("tokens", index: k, "\"\(tokens[k])\" has \(d) decimals; Balancer pools support at most 18")
        }
        var sum = UInt256.zero
        for (k, w) in weights.enumerated() {
            guard w >= WeightedMath.minWeight else {
                throw PoolInvariantError("weights", index: k, "\(w) is below the 1 % minimum weight (10000000000000000)")
            }
            sum = sum.adding(w) ?? .max
        }
        guard sum == FixedPoint.one else {
            throw PoolInvariantError("weights", "normalized weights sum to \(sum), not 1000000000000000000")
        }
        guard swapFee < FixedPoint.one else { throw PoolInvariantError("swapFee", "must be below 1e18 (100 %)") }
        self.address = address
        self.poolId = poolId
        self.tokens = tokens
        self.decimals = decimals
        self.balances = balances
        self.weights = weights
        self.swapFee = swapFee
        self.dex = dex
        self.mathVersion = mathVersion
    }

    // MARK: exact quotes

    /// GIVEN_IN: the exact `amountOut` the vault pays for `amountIn`; nil where the pool reverts
    /// (more than 30 % of the balance in, overflow, math out of domain).
    public func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j), !amountIn.isZero else { return nil }
        return try? quoteGivenIn(amountIn, from: i, to: j)
    }

    /// GIVEN_OUT: the exact input the vault charges to pay `amountOut`; nil where the pool reverts
    /// (more than 30 % of the balance out, overflow, math out of domain).
    public func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j), !amountOut.isZero else { return nil }
        return try? quoteGivenOut(amountOut, from: i, to: j)
    }

    /// The pool's onSwap for GIVEN_IN, with the reason when it refuses.
    public func quoteGivenIn(_ amountIn: UInt256, from i: Int, to j: Int) throws(BalancerMathError) -> UInt256 {
        guard isPair(i, j) else { throw .outOfBounds }
        let sfIn = try scalingFactor(i), sfOut = try scalingFactor(j)
        let balanceIn = try FixedPoint.mulDown(balances[i], sfIn)
        let balanceOut = try FixedPoint.mulDown(balances[j], sfOut)
        // The fee comes off the raw input first (rounded up), then the rest is upscaled.
        let fee = try FixedPoint.mulUp(amountIn, swapFee)
        let net = try FixedPoint.mulDown(try FixedPoint.sub(amountIn, fee), sfIn)
        let out = try WeightedMath.calcOutGivenIn(
            balanceIn: balanceIn, weightIn: weights[i], balanceOut: balanceOut, weightOut: weights[j], amountIn: net,
            version: mathVersion)
        return try FixedPoint.divDown(out, sfOut)
    }

    /// The pool's onSwap for GIVEN_OUT, with the reason when it refuses.
    public func quoteGivenOut(_ amountOut: UInt256, from i: Int, to j: Int) throws(BalancerMathError) -> UInt256 {
        guard isPair(i, j) else { throw .outOfBounds }
        let sfIn = try scalingFactor(i), sfOut = try scalingFactor(j)
        let balanceIn = try FixedPoint.mulDown(balances[i], sfIn)
        let balanceOut = try FixedPoint.mulDown(balances[j], sfOut)
        let out = try FixedPoint.mulDown(amountOut, sfOut)
        let upscaledIn = try WeightedMath.calcInGivenOut(
            balanceIn: balanceIn, weightIn: weights[i], balanceOut: balanceOut, weightOut: weights[j], amountOut: out,
            version: mathVersion)
        // Downscale rounding up, then gross up by the fee: in / (1 − fee), rounded up.
        let rawIn = try FixedPoint.divUp(upscaledIn, sfIn)
        return try FixedPoint.divUp(rawIn, FixedPoint.complement(swapFee))
    }

    public func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> WeightedPool? {
        // The vault credits the whole input, fee included, to the pool's balance.
        guard isPair(i, j), let newIn = balances[i].adding(amountIn), let newOut = balances[j].subtracting(amountOut) else { return nil }
        var next = self
        next.balances[i] = newIn
        next.balances[j] = newOut
        return next
    }

    /// Largest raw input `amountOut` accepts: the net-of-fee input may be at most 30 % of the
    /// balance in. Also capped, conservatively, at the input that buys 30 % of the balance out, so
    /// that every accepted trade is also quotable as GIVEN_OUT and never empties the pool.
    public func maxAmountIn(from i: Int, to j: Int) -> UInt256 {
        guard isPair(i, j), let inLimit = try? inRatioLimit(i) else { return .zero }
        guard let outLimit = try? outRatioLimit(j), !outLimit.isZero,
              let inForOutLimit = try? quoteGivenOut(outLimit, from: i, to: j) else { return inLimit }
        return min(inLimit, inForOutLimit)
    }

    public func curve(from i: Int, to j: Int) -> SwapCurve { .general }

    // MARK: float views (search only)

    /// out = bOut · (1 − (bIn / (bIn + γx))^(wIn/wOut)), γ = 1 − fee, in raw units (scaling is
    /// linear, so it cancels). expm1/log1p keep small trades precise.
    public func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j), amountIn > 0, let p = floatParameters(i, j) else { return 0 }
        let x = p.gamma * amountIn
        return p.balanceOut * -expm1(p.ratio * log1p(-x / (p.balanceIn + x)))
    }

    /// d(out)/dx = bOut · r · γ / (bIn + γx) · (bIn / (bIn + γx))^r, r = wIn/wOut.
    public func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j), let p = floatParameters(i, j) else { return 0 }
        let d = p.balanceIn + p.gamma * max(0, amountIn)
        return p.balanceOut * p.ratio * p.gamma / d * exp(p.ratio * log(p.balanceIn / d))
    }

    /// Fee-free spot price: (b_out / w_out) / (b_in / w_in), raw units.
    public func midRate(from i: Int, to j: Int) -> Double {
        guard isPair(i, j), !balances[i].isZero, !weights[j].isZero else { return 0 }
        return (balances[j].doubleValue / weights[j].doubleValue) / (balances[i].doubleValue / weights[i].doubleValue)
    }

    public func depth(of i: Int) -> Double {
        guard i >= 0, i < balances.count else { return 0 }
        return balances[i].doubleValue
    }

    // MARK: helpers

    /// Both indices name distinct tokens (the initialiser guarantees one balance, weight and
    /// decimals entry per token).
    func isPair(_ i: Int, _ j: Int) -> Bool {
        i != j && tokens.indices.contains(i) && tokens.indices.contains(j)
    }

    /// 10^(18 − decimals) in 18-decimal fixed point, as the pool stores its scaling factors.
    func scalingFactor(_ index: Int) throws(BalancerMathError) -> UInt256 {
        let d = decimals[index]
        guard (0...18).contains(d) else { throw .outOfBounds }
        var factor = FixedPoint.one
        for _ in 0..<(18 - d) { factor = factor * 10 }   // ≤ 1e36, cannot overflow
        return factor
    }

    /// Largest raw x with upscale(x − mulUp(x, fee)) ≤ mulDown(upscaledBalanceIn, 30 %).
    func inRatioLimit(_ i: Int) throws(BalancerMathError) -> UInt256 {
        let sf = try scalingFactor(i)
        let limit = try FixedPoint.mulDown(try FixedPoint.mulDown(balances[i], sf), WeightedMath.maxInRatio)
        let netLimit = limit / (sf / FixedPoint.one)               // largest raw net input
        let grossFactor = FixedPoint.complement(swapFee)
        guard !grossFactor.isZero else { return .zero }
        // x = net / (1 − fee) rounded down satisfies the bound; step up while the next one does too.
        guard var x = UInt256.mulDiv(netLimit, FixedPoint.one, grossFactor) else { throw .mulOverflow }
        func net(_ x: UInt256) throws(BalancerMathError) -> UInt256 { try FixedPoint.sub(x, try FixedPoint.mulUp(x, swapFee)) }
        var steps = 0
        while steps < 1_000, let next = x.adding(.one), (try? net(next)).map({ $0 <= netLimit }) == true {
            x = next
            steps += 1
        }
        return x
    }

    /// 30 % of the balance out, in raw units (what GIVEN_OUT accepts at most).
    func outRatioLimit(_ j: Int) throws(BalancerMathError) -> UInt256 {
        let sf = try scalingFactor(j)
        let limit = try FixedPoint.mulDown(try FixedPoint.mulDown(balances[j], sf), WeightedMath.maxOutRatio)
        return limit / (sf / FixedPoint.one)
    }

    struct FloatParameters { var balanceIn, balanceOut, ratio, gamma: Double }

    func floatParameters(_ i: Int, _ j: Int) -> FloatParameters? {
        let wOut = weights[j].doubleValue
        guard wOut > 0, swapFee < FixedPoint.one else { return nil }
        let p = FloatParameters(
            balanceIn: balances[i].doubleValue, balanceOut: balances[j].doubleValue,
            ratio: weights[i].doubleValue / wOut, gamma: 1 - swapFee.doubleValue / 1e18)
        return p.balanceIn > 0 ? p : nil
    }
}
