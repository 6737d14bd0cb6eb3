import Foundation

/// The one seeded generator of the test suite (SplitMix64), so that every random test replays
/// exactly. Each test names its own base seed; the run's seed, `REBALANCER_TEST_SEED` (decimal or
/// 0x-hex, default 0), is XORed into it, so the default run is the same every time and another
/// seed explores new cases. Tests put `rng.replay` in their failure messages.
public struct SeededRandom: RandomNumberGenerator {
    public static let runSeed: UInt64 = {
        guard let text = ProcessInfo.processInfo.environment["REBALANCER_TEST_SEED"] else { return 0 }
        let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        // A malformed seed stops the run rather than silently testing something else.
        guard let seed = parsed else { fatalError("REBALANCER_TEST_SEED=\(text) is not a decimal or 0x-hex UInt64") }
        return seed
    }()

    /// The state this generator started from (the test's base seed XOR the run's seed).
    public let seed: UInt64
    private var state: UInt64

    public init(seed base: UInt64) {
        seed = base ^ Self.runSeed
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// What a failure message carries so that the failing case can be replayed.
    public var replay: String { "REBALANCER_TEST_SEED=\(Self.runSeed), generator seed \(seed)" }
}
