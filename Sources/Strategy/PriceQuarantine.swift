/// Keeps a lone wild observation out of the moving average until it is confirmed.
///
/// One run with a wrong `decimals` records prices 10^6 off; averaged in, it would make the
/// moving-average guard refuse the next `movingAverageWindow` correct runs. The rule:
/// - an observation is an outlier when it is more than `outlierFactor` times (or less than
///   1/`outlierFactor` of) the median of the other observations in the window, where
///   `outlierFactor = 1 + 10 × maxPriceDeviationPercent / 100` (2× at the default 10 %);
/// - an outlier is quarantined (left out of the average) unless the next observation, or the
///   current price for the newest one, lies within `maxPriceDeviationPercent` of it: a second
///   consecutive observation confirms a real move, and then it counts.
/// The journal still keeps every observation; only what the average admits changes.
public enum PriceQuarantine {
    public static func outlierFactor(_ policy: Policy) -> Double {
        1 + 10 * max(0, policy.maxPriceDeviationPercent) / 100
    }

    /// The observations (oldest first) the moving average may use.
    public static func admitted(_ observed: [Double], current: Double, policy: Policy) -> [Double] {
        guard observed.count > 1 else { return observed }
        let factor = outlierFactor(policy)
        let tolerance = max(0, policy.maxPriceDeviationPercent) / 100
        var kept: [Double] = []
        // Sorted once: the median of the others is read around the value's own place (every
        // backtest step and every live run asks this for each token).
        let sorted = observed.sorted()
        for (k, value) in observed.enumerated() {
            let reference = medianExcluding(sorted, position: firstIndex(of: value, in: sorted))
            let ratio = value > reference ? value / reference : reference / value
            if ratio <= factor { kept.append(value); continue }
            let next = k + 1 < observed.count ? observed[k + 1] : current
            if next > 0, next.isFinite, abs(next - value) / value <= tolerance { kept.append(value) }
        }
        return kept
    }

    /// The median of `sorted` without the element at `position`.
    static func medianExcluding(_ sorted: [Double], position p: Int) -> Double {
        let m = sorted.count - 1
        func at(_ i: Int) -> Double { sorted[i < p ? i : i + 1] }
        return m % 2 == 1 ? at(m / 2) : (at(m / 2 - 1) + at(m / 2)) / 2
    }

    /// First index holding `value` in `sorted` (binary search; the value is present).
    static func firstIndex(of value: Double, in sorted: [Double]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return min(lo, sorted.count - 1)
    }
}
