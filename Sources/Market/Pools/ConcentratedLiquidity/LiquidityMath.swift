import EthCore

/// v3-core's LiquidityMath.addDelta: uint128 liquidity plus a signed int128 change, reverting on
/// underflow or on leaving 128 bits.
enum LiquidityMath {
    static let uint128Max = (UInt256.one << 128) - .one

    static func addDelta(_ liquidity: UInt256, _ delta: Int256) -> UInt256? {
        if delta.isNegative { return liquidity.subtracting(delta.magnitude) }
        guard let sum = liquidity.adding(delta.bitPattern), sum <= uint128Max else { return nil }
        return sum
    }
}
