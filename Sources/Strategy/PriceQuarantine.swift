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
        for (k, value) in observed.enumerated() {
            var others = observed
            others.remove(at: k)
            let reference = median(others)
            let ratio = value > reference ? value / reference : reference / value
            if ratio <= factor { kept.append(value); continue }
            let next = k + 1 < observed.count ? observed[k + 1] : current
            if next > 0, next.isFinite, abs(next - value) / value <= tolerance { kept.append(value) }
        }
        return kept
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
