import EthCore

// EthCore's UInt256 declares no `==` of its own, so its Equatable witness is Strideable's default,
// `distance(to:) == 0`, and `distance` traps when two values differ by more than Int.max (e.g.
// `UInt256.max == 0`). This limb-wise `==` shadows that default for every comparison written in
// Market; generic contexts (Optional, Array, synthesized Equatable) still use the witness until
// EthCore defines `==` itself, after which this file can go.
extension UInt256 {
    @inlinable
    static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.w0 == rhs.w0 && lhs.w1 == rhs.w1 && lhs.w2 == rhs.w2 && lhs.w3 == rhs.w3
    }

    @inlinable
    static func != (lhs: UInt256, rhs: UInt256) -> Bool { !(lhs == rhs) }
}
