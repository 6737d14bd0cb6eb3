import EthCore
import Foundation

/// Uniswap V3's tick ↔ price map: the price at tick t is 1.0001^t, carried as its square root in
/// Q64.96 (`sqrtPriceX96`). The pool rounds these exactly so; the quotes must round the same way.
public enum TickMath {
    public static let minTick = -887_272
    public static let maxTick = 887_272
    /// getSqrtRatioAtTick(minTick) and getSqrtRatioAtTick(maxTick).
    public static let minSqrtRatio = UInt256(4_295_128_739)
    public static let maxSqrtRatio = UInt256(decimal: "1461446703485210103287273052203988822378723970342") ?? .zero

    /// 2^128 / sqrt(1.0001)^(2^k) in Q128.128, rounded as v3-core's constants are, for bit k of |tick|.
    private static let factors: [UInt256] = [
        "fffcb933bd6fad37aa2d162d1a594001", "fff97272373d413259a46990580e213a", "fff2e50f5f656932ef12357cf3c7fdcc",
        "ffe5caca7e10e4e61c3624eaa0941cd0", "ffcb9843d60f6159c9db58835c926644", "ff973b41fa98c081472e6896dfb254c0",
        "ff2ea16466c96a3843ec78b326b52861", "fe5dee046a99a2a811c461f1969c3053", "fcbe86c7900a88aedcffc83b479aa3a4",
        "f987a7253ac413176f2b074cf7815e54", "f3392b0822b70005940c7a398e4b70f3", "e7159475a2c29b7443b29c7fa6e889d9",
        "d097f3bdfd2022b8845ad8f792aa5825", "a9f746462d870fdf8a65dc1f90e061e5", "70d869a156d2a1b890bb3df62baf32f7",
        "31be135f97d08fd981231505542fcfa6", "9aa508b5b7a84e1c677de54f3e99bc9", "5d6af8dedb81196699c329225ee604",
        "2216e584f5fa1ea926041bedfe98", "48a170391f7dc42444e8fa2",
    ].map { UInt256(hex: $0) ?? .zero }

    /// sqrt(1.0001^tick)·2^96 rounded up, exactly as the pool computes it; `nil` outside [minTick, maxTick].
    public static func sqrtRatio(atTick tick: Int) -> UInt256? {
        guard tick >= minTick, tick <= maxTick else { return nil }
        let absTick = tick.magnitude
        var ratio = absTick & 1 != 0 ? factors[0] : UInt256.one << 128
        for bit in 1..<factors.count where absTick & (1 << UInt(bit)) != 0 {
            ratio = (ratio &* factors[bit]) >> 128
        }
        if tick > 0 { ratio = UInt256.max / ratio }
        // Q128.128 to Q64.96, rounding up so that the result's tick is never below `tick`.
        let low32 = ratio.w0 & 0xffff_ffff
        return (ratio >> 32) + (low32 == 0 ? .zero : .one)
    }

    /// The greatest tick whose sqrt ratio is at most `sqrtPriceX96`; `nil` outside
    /// [minSqrtRatio, maxSqrtRatio). The pool's definition: a float logarithm only guesses, the
    /// integer `sqrtRatio(atTick:)` decides.
    public static func tick(atSqrtRatio sqrtPriceX96: UInt256) -> Int? {
        guard sqrtPriceX96 >= minSqrtRatio, sqrtPriceX96 < maxSqrtRatio else { return nil }
        let price = sqrtPriceX96.doubleValue / 0x1p96
        var tick = Int((2 * log(price) / log(1.0001)).rounded(.down))
        tick = min(max(tick, minTick), maxTick)
        while tick > minTick, let r = sqrtRatio(atTick: tick), r > sqrtPriceX96 { tick -= 1 }
        while tick < maxTick, let r = sqrtRatio(atTick: tick + 1), r <= sqrtPriceX96 { tick += 1 }
        return tick
    }
}
