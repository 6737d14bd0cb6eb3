import EthCore

/// An optimum for splitting one input across parallel pools that shares nothing with the router:
/// the input in equal slices (0.01 % by default), each slice to the pool whose exact integer output
/// grows most by taking it. Over concave outputs, greedy marginal allocation is optimal among
/// splits on that grid, so a router that is optimal must be at least this good up to the grid's
/// coarseness (a rounding-unit difference per pool).
public enum GreedySplitOracle {
    /// One pool as the oracle sees it: its exact output for an input, nil when it refuses.
    public typealias Quote = (UInt256) -> UInt256?

    public struct Split: Sendable {
        /// Input per pool; they sum exactly to the amount.
        public var inputs: [UInt256]
        /// Σ output of every pool at its input, exactly.
        public var amountOut: UInt256
    }

    /// The greedy split of `amount` in `slices` equal slices (the remainder goes with the last
    /// slice); nil when no pool takes even the first slice.
    public static func split(_ amount: UInt256, across pools: [Quote], slices: Int = 10_000) -> Split? {
        guard !pools.isEmpty, slices > 0, !amount.isZero else { return nil }
        let slice = max(amount / UInt256(UInt64(slices)), .one)
        var inputs = [UInt256](repeating: .zero, count: pools.count)
        var outputs = [UInt256](repeating: .zero, count: pools.count)
        var left = amount
        // What pool i would pay for `x` more, and its gain; nil when it refuses.
        func offer(_ i: Int, _ x: UInt256) -> (out: UInt256, gain: UInt256)? {
            guard let o = pools[i](inputs[i] + x), o >= outputs[i] else { return nil }
            return (o, o - outputs[i])
        }
        // Only the pool that took a slice changes its offer: the others' stay cached.
        var offers = pools.indices.map { offer($0, slice) }
        while !left.isZero {
            // The last slice carries the remainder so that the inputs sum exactly to the amount.
            let last = left < slice * 2
            let x = last ? left : slice
            if last { offers = pools.indices.map { offer($0, x) } }
            var best: Int?
            for i in pools.indices {
                guard let g = offers[i] else { continue }
                if best == nil || g.gain > offers[best!]!.gain { best = i }
            }
            guard let b = best, let taken = offers[b] else { return nil }
            inputs[b] += x
            outputs[b] = taken.out
            left -= x
            offers[b] = offer(b, slice)
        }
        return Split(inputs: inputs, amountOut: outputs.reduce(.zero, +))
    }

    /// Uniswap V2's published `getAmountOut`: out = x·(10000−fee)·R_out / (R_in·10000 + x·(10000−fee)),
    /// rounded down; nil when the pool is empty or the numbers overflow 256 bits.
    public static func uniswapV2Out(reserveIn: UInt256, reserveOut: UInt256, feeBps: UInt64) -> Quote {
        { x in
            let g = UInt256(10_000 - feeBps)
            guard !reserveIn.isZero, !reserveOut.isZero,
                  let xg = x.multiplied(by: g),
                  let den = reserveIn.multiplied(by: 10_000).flatMap({ $0.adding(xg) }) else { return nil }
            return UInt256.mulDiv(xg, reserveOut, den)
        }
    }
}
