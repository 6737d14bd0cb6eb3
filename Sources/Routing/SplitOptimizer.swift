/// Splits an input across parallel, pool-disjoint paths so that every used path ends at the same
/// marginal rate λ (the optimum of a sum of concave curves), in floats; the router recomputes the
/// result in exact integers afterwards.
public enum SplitOptimizer {
    /// Inputs (one per curve, summing to `amount` up to float rounding) that equalise the marginal
    /// output; `nil` when the curves together cannot take `amount` or `amount` is not positive.
    public static func split(_ amount: Double, across curves: [PathCurve]) -> [Double]? {
        guard amount > 0, amount.isFinite, !curves.isEmpty else { return nil }
        var cps: [ConstantProductCurve] = []
        cps.reserveCapacity(curves.count)
        for c in curves {
            guard case let .constantProduct(cp) = c.shape, c.maxIn >= amount else { break }
            cps.append(cp)
        }
        if cps.count == curves.count { return waterFill(amount, cps) }
        return searchRate(amount, curves)
    }

    /// Closed form for constant-product curves. With the paths sorted by spot rate and the best k in
    /// use, x_i = s·sqrt(R_in·R_out/γ) − R_in/γ where s = 1/sqrt(λ), so Σx_i = amount gives
    /// s = (amount + Σ R_in/γ) / Σ sqrt(R_in·R_out/γ). The first k whose λ is at or above the next
    /// path's spot rate is the answer (adding a path only lowers λ).
    public static func waterFill(_ amount: Double, _ curves: [ConstantProductCurve]) -> [Double] {
        let order = curves.indices.sorted { curves[$0].spotRate > curves[$1].spotRate }
        var a = 0.0, b = 0.0
        var s = 0.0
        var used = 0
        for (k, idx) in order.enumerated() {
            let c = curves[idx]
            a += (c.reserveIn * c.reserveOut / c.gamma).squareRoot()
            b += c.reserveIn / c.gamma
            s = (amount + b) / a
            used = k + 1
            if k + 1 < order.count {
                let next = curves[order[k + 1]].spotRate
                if 1 / (s * s) >= next { break }
            }
        }
        var xs = [Double](repeating: 0, count: curves.count)
        for idx in order.prefix(used) {
            let c = curves[idx]
            xs[idx] = max(0, s * (c.reserveIn * c.reserveOut / c.gamma).squareRoot() - c.reserveIn / c.gamma)
        }
        return xs
    }

    /// Mixed curves: find s = 1/sqrt(λ) with Σ x_i(λ) = amount, where x_i(λ) is the input at which
    /// path i's marginal rate is λ (capped by its limit). Σ x_i grows with s and is close to linear
    /// in s for constant-product-like curves, so false position (Illinois) on s converges fast.
    public static func searchRate(_ amount: Double, _ curves: [PathCurve]) -> [Double]? {
        var capacity = 0.0
        for c in curves { capacity += min(c.maxIn, amount) }
        guard capacity >= amount * (1 - 1e-12) else { return nil }
        func inputs(_ s: Double) -> [Double] {
            let rate = 1 / (s * s)
            return curves.map { $0.input(atMarginal: rate, limit: amount) }
        }
        func excess(_ s: Double) -> Double { inputs(s).reduce(0, +) - amount }

        let bestSpot = curves.map(\.spotRate).max() ?? 0
        guard bestSpot > 0, bestSpot.isFinite else { return nil }
        var lo = 1 / bestSpot.squareRoot()              // λ = best spot: nothing is worth buying
        var fLo = -amount
        var hi = lo * 2
        var fHi = excess(hi)
        var steps = 0
        while fHi < 0 {
            lo = hi; fLo = fHi
            hi *= 2
            steps += 1
            guard steps < 2_000, hi.isFinite else {
                // Only the caps can absorb the amount: every path at its limit.
                return curves.map { min($0.maxIn, amount) }
            }
            fHi = excess(hi)
        }
        var side = 0
        var best = hi
        for _ in 0..<200 {
            var s = hi - fHi * (hi - lo) / (fHi - fLo)
            if !(s > lo && s < hi) { s = lo + (hi - lo) / 2 }
            let f = excess(s)
            if abs(f) <= amount * 1e-13 { best = s; break }
            if f > 0 {
                hi = s; fHi = f; best = s
                if side == 1 { fLo /= 2 }
                side = 1
            } else {
                lo = s; fLo = f
                if side == -1 { fHi /= 2 }
                side = -1
            }
            if hi - lo <= hi * 1e-15 { best = hi; break }
        }
        return inputs(best)
    }
}
