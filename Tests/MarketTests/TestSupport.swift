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

extension UInt256 {
    /// Test literal helper: a decimal string known to be valid.
    static func dec(_ s: String) -> UInt256 { UInt256(decimal: s) ?? .zero }
    /// 10^n.
    static func ten(_ n: Int) -> UInt256 { (0..<n).reduce(UInt256.one) { acc, _ in acc * 10 } }
}
