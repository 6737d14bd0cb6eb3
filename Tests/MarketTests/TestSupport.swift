import EthCore
import Foundation

/// Reads a file next to this source file under `Fixtures/` (tests may do I/O; the package keeps no
/// resources, so the path comes from the source location).
func fixtureData(_ name: String, file: String = #filePath) throws -> Data {
    let dir = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures")
    return try Data(contentsOf: dir.appendingPathComponent(name))
}

func fixturePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Deterministic generator so a failing property test fails the same way every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt256 {
    /// Test literal helper: a decimal string known to be valid.
    static func dec(_ s: String) -> UInt256 { UInt256(decimal: s) ?? .zero }
    /// 10^n.
    static func ten(_ n: Int) -> UInt256 { (0..<n).reduce(UInt256.one) { acc, _ in acc * 10 } }
}
