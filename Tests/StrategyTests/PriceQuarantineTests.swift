import Testing
import TestOracles
@testable import Strategy

/// The quarantine's sorted-once median against its definition (remove the value, sort, take the
/// middle), on random windows with repeats, outliers and both parities.
struct PriceQuarantineTests {
    static func naiveAdmitted(_ observed: [Double], current: Double, policy: Policy) -> [Double] {
        guard observed.count > 1 else { return observed }
        let factor = PriceQuarantine.outlierFactor(policy)
        var kept: [Double] = []
        for (k, value) in observed.enumerated() {
            var others = observed
            others.remove(at: k)
            others.sort()
            let mid = others.count / 2
            let reference = others.count % 2 == 1 ? others[mid] : (others[mid - 1] + others[mid]) / 2
            let ratio = value > reference ? value / reference : reference / value
            if ratio <= factor { kept.append(value); continue }
            let next = k + 1 < observed.count ? observed[k + 1] : current
            if abs(next - value) / value <= policy.maxPriceDeviationPercent / 100 { kept.append(value) }
        }
        return kept
    }

    @Test func sortedOnceMedianMatchesTheDefinition() {
        var rng = SeededRandom(seed: 0x51)
        let policy = Policy()
        for _ in 0..<2000 {
            let n = Int.random(in: 2...30, using: &rng)
            let observed = (0..<n).map { _ -> Double in
                let base = [3000.0, 3000, 3010, 2990].randomElement(using: &rng)!
                return Double.random(in: 0...1, using: &rng) < 0.15 ? base * [1e-6, 1e6, 3].randomElement(using: &rng)! : base
            }
            let current = observed.last! * Double.random(in: 0.9...1.1, using: &rng)
            #expect(PriceQuarantine.admitted(observed, current: current, policy: policy)
                    == Self.naiveAdmitted(observed, current: current, policy: policy), "\(observed) (\(rng.replay))")
        }
    }
}
