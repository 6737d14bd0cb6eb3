/// v3-core's TickBitmap.nextInitializedTickWithinOneWord, answered from the list of initialized
/// ticks that were read instead of the bitmap words themselves. A step never leaves the 256-tick
/// word of the current (compressed) tick: it stops at the word's edge when no tick is initialized
/// there, as the pool does, so that the pool's and this model's steps (and roundings) coincide.
struct TickBitmapStep {
    /// Initialized ticks, ascending.
    let ticks: [ConcentratedLiquidityPool.Tick]
    let spacing: Int
    let window: ConcentratedLiquidityPool.Window

    enum Outcome: Equatable {
        case next(tick: Int, initialized: Bool, index: Int?)
        /// The answer depends on ticks outside the window.
        case unknown(tick: Int)
    }

    /// Floor division: Solidity's `/` truncates, and the pool corrects negative ticks down by one.
    static func compress(_ tick: Int, _ spacing: Int) -> Int {
        var c = tick / spacing
        if tick < 0, tick % spacing != 0 { c -= 1 }
        return c
    }

    func next(from tick: Int, lte: Bool) -> Outcome {
        let compressed = Self.compress(tick, spacing)
        if lte {
            let wordStart = (compressed >> 8) << 8
            let lo = wordStart * spacing, hi = compressed * spacing
            guard hi <= window.upperTick else { return .unknown(tick: hi) }
            let k = lastIndex(atMost: hi)
            if let k, ticks[k].index >= max(lo, window.lowerTick) { return .next(tick: ticks[k].index, initialized: true, index: k) }
            return lo >= window.lowerTick ? .next(tick: lo, initialized: false, index: nil) : .unknown(tick: lo)
        }
        let start = compressed + 1
        let wordEnd = ((start >> 8) << 8) + 255
        let lo = start * spacing, hi = wordEnd * spacing
        guard lo >= window.lowerTick else { return .unknown(tick: lo) }
        let k = firstIndex(atLeast: lo)
        if let k, ticks[k].index <= min(hi, window.upperTick) { return .next(tick: ticks[k].index, initialized: true, index: k) }
        return hi <= window.upperTick ? .next(tick: hi, initialized: false, index: nil) : .unknown(tick: hi)
    }

    /// Position of the greatest initialized tick ≤ `t`.
    func lastIndex(atMost t: Int) -> Int? {
        var lo = 0, hi = ticks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ticks[mid].index <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// Position of the least initialized tick ≥ `t`.
    func firstIndex(atLeast t: Int) -> Int? {
        var lo = 0, hi = ticks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ticks[mid].index < t { lo = mid + 1 } else { hi = mid }
        }
        return lo == ticks.count ? nil : lo
    }
}
