import EthCore
import Market

/// The float view of a whole path, used only to search for a split: output, marginal rate and the
/// inverse of the marginal rate. A path of constant-product pools is collapsed into one
/// `ConstantProductCurve`; any other path composes its pools' `approximateOut` / `marginalRate`.
public struct PathCurve: Sendable {
    public enum Shape: Sendable, Equatable {
        case constantProduct(ConstantProductCurve)
        case general
    }

    struct Hop: Sendable {
        let pool: any Pool
        let i: Int
        let j: Int
    }

    let hops: [Hop]
    public let shape: Shape
    /// Largest input every hop accepts (the first hop's `maxAmountIn`, and the input at which a
    /// later hop would receive more than its own `maxAmountIn`), slightly reduced so that the exact
    /// integer quote at a float optimum on the boundary is still accepted.
    public let maxIn: Double
    /// Output per input for an infinitesimal trade, fees included, raw units.
    public let spotRate: Double
    /// Whether some hop's gas depends on its amount (a V3 pool's ticks crossed).
    public let gasVaries: Bool
    /// Whose figures price the hops' gas (the route options').
    public let gasTable: GasTable

    public init(path: SwapPath, pools: [any Pool], gasTable: GasTable = .vault) {
        let hops = path.hops.map { Hop(pool: pools[$0.pool], i: $0.tokenIn, j: $0.tokenOut) }
        self.init(hops: hops, gasTable: gasTable)
    }

    init(hops: [Hop], gasTable: GasTable) {
        self.gasTable = gasTable
        self.hops = hops
        var folded: ConstantProductCurve?
        for (n, hop) in hops.enumerated() {
            guard case let .constantProduct(rIn, rOut, gamma) = hop.pool.curve(from: hop.i, to: hop.j) else {
                folded = nil
                break
            }
            let c = ConstantProductCurve(reserveIn: rIn, reserveOut: rOut, gamma: gamma)
            folded = n == 0 ? c : folded?.followed(by: c)
        }
        if let folded, folded.reserveIn > 0, folded.reserveOut > 0, folded.gamma > 0,
           folded.reserveIn.isFinite, folded.reserveOut.isFinite {
            shape = .constantProduct(folded)
        } else {
            shape = .general
        }
        var spot = 1.0
        for hop in hops { spot *= hop.pool.spotRate(from: hop.i, to: hop.j) }
        spotRate = hops.isEmpty || !spot.isFinite ? 0 : max(0, spot)
        maxIn = PathCurve.largestInput(hops)
        gasVaries = hops.contains { $0.pool.swapGasDependsOnAmount }
    }

    /// The first hop's limit, tightened wherever a later hop's limit binds on the intermediate amount.
    static func largestInput(_ hops: [Hop]) -> Double {
        guard let first = hops.first else { return 0 }
        var cap = first.pool.maxAmountIn(from: first.i, to: first.j).doubleValue
        for k in hops.indices.dropFirst() {
            let limit = hops[k].pool.maxAmountIn(from: hops[k].i, to: hops[k].j).doubleValue
            if prefixOut(hops, cap, upTo: k) <= limit { continue }
            var lo = 0.0, hi = cap
            for _ in 0..<200 where hi - lo > hi * 1e-15 {
                let mid = lo + (hi - lo) / 2
                if prefixOut(hops, mid, upTo: k) <= limit { lo = mid } else { hi = mid }
            }
            cap = lo
        }
        // Keep off the boundary by a hair so that integer rounding cannot step over it.
        return cap * (1 - 1e-9)
    }

    static func prefixOut(_ hops: [Hop], _ x: Double, upTo k: Int) -> Double {
        var a = x
        for hop in hops[..<k] { a = hop.pool.approximateOut(a, from: hop.i, to: hop.j) }
        return a
    }

    public func out(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        if case let .constantProduct(c) = shape { return c.out(x) }
        var a = x
        for hop in hops { a = hop.pool.approximateOut(a, from: hop.i, to: hop.j) }
        return a
    }

    /// The gas an input of `x` adds to the hops' fixed `swapGas` (each hop at the amount reaching it).
    public func extraGas(at x: Double) -> UInt64 {
        guard gasVaries, x > 0 else { return 0 }
        var a = x, extra: UInt64 = 0
        for hop in hops {
            if hop.pool.swapGasDependsOnAmount {
                let gas = hop.pool.approximateSwapGas(a, from: hop.i, to: hop.j, gasTable), base = hop.pool.swapGas(gasTable)
                extra = Router.saturatingSum(extra, gas > base ? gas - base : 0)
            }
            a = hop.pool.approximateOut(a, from: hop.i, to: hop.j)
        }
        return extra
    }

    /// The one pool's own answer for a one-hop curve that has it (a V3 pool walks its ranges once).
    func singlePoolInput(atMarginal rate: Double) -> Double? {
        guard hops.count == 1, let hop = hops.first else { return nil }
        return hop.pool.input(atMarginal: rate, from: hop.i, to: hop.j)
    }

    /// Gas of an input of `x`, priced: `base` (the gas at the smallest input, priced) plus what the
    /// amount adds at `valuePerGas` (raw output units per unit of gas).
    func gasValue(at x: Double, base: Double, valuePerGas: Double) -> Double {
        gasVaries ? base + Double(extraGas(at: x)) * valuePerGas : base
    }

    /// d(out)/d(in) at `x`: the chain rule along the path.
    public func marginal(at x: Double) -> Double {
        if case let .constantProduct(c) = shape { return c.marginal(at: x) }
        var a = max(0, x), m = 1.0
        for hop in hops {
            m *= hop.pool.marginalRate(at: a, from: hop.i, to: hop.j)
            a = hop.pool.approximateOut(a, from: hop.i, to: hop.j)
        }
        return m
    }

    /// The input in [0, min(maxIn, limit)] at which the marginal rate equals `rate` (clipped to the
    /// ends). The marginal rate falls as the input grows (the curve is concave).
    ///
    /// For a general path it solves 1/sqrt(marginal(x)) = 1/sqrt(rate) by false position with the
    /// Illinois modification: for constant-product-like curves that function is (nearly) linear in x,
    /// so a few steps suffice; a bisection step guards against anything odd.
    public func input(atMarginal rate: Double, limit: Double) -> Double {
        let cap = min(maxIn, limit)
        guard cap > 0 else { return 0 }
        if case let .constantProduct(c) = shape { return min(c.input(atMarginal: rate), cap) }
        guard rate > 0 else { return cap }
        if let x = singlePoolInput(atMarginal: rate) { return min(x, cap) }
        if marginal(at: 0) <= rate { return 0 }
        if marginal(at: cap) >= rate { return cap }
        let target = 1 / rate.squareRoot()
        func h(_ x: Double) -> Double { 1 / marginal(at: x).squareRoot() - target }
        var lo = 0.0, hi = cap
        var hLo = h(lo), hHi = h(hi)          // hLo < 0 < hHi (hHi may be +inf)
        var side = 0
        for _ in 0..<100 {
            var x = (hLo.isFinite && hHi.isFinite) ? hi - hHi * (hi - lo) / (hHi - hLo) : .nan
            if !(x > lo && x < hi) { x = lo + (hi - lo) / 2 }
            let hx = h(x)
            if !hx.isFinite || hx > 0 {
                hi = x; hHi = hx
                if side == 1, hLo.isFinite { hLo /= 2 }
                side = 1
            } else if hx < 0 {
                lo = x; hLo = hx
                if side == -1, hHi.isFinite { hHi /= 2 }
                side = -1
            } else {
                return x
            }
            if hi - lo <= hi * 1e-14 { break }
        }
        return lo + (hi - lo) / 2
    }
}
