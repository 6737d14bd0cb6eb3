import EthCore
import Foundation
import Market
@testable import Routing

/// A distinct address per fixture pool.
func poolAddress(_ n: Int) -> Address {
    var bytes = [UInt8](repeating: 0, count: 20)
    bytes[0] = 0xAA
    bytes[18] = UInt8(truncatingIfNeeded: n >> 8)
    bytes[19] = UInt8(truncatingIfNeeded: n)
    return Address(bytes: bytes) ?? .zero
}

/// `whole` tokens of a token with `decimals` decimals, in raw units.
func raw(_ whole: Double, decimals: Int = 18) -> UInt256 {
    UInt256(truncating: whole * pow(10, Double(decimals))) ?? .zero
}

func cp(_ n: Int, _ a: String, _ b: String, _ ra: UInt256, _ rb: UInt256, feeBps: UInt64 = 30) throws -> ConstantProductPool {
    try ConstantProductPool(address: poolAddress(n), tokens: [a, b], reserves: [ra, rb], feeBps: feeBps)
}

/// A test-only pool that is not constant-product, to exercise the router's `.general` path:
/// out = R_out·(1 − (R_in/(R_in + γx))^k) for a small integer k (k = 1 is constant product in disguise).
/// Its exact integer rule: γx = x·(10000 − fee)/10000 rounded down, then R_out·(R_in/(R_in+γx))^k
/// by k successive mulDivRoundingUp, subtracted from R_out (so the pool never pays out too much).
/// Like Balancer it refuses inputs above 30 % of the input reserve.
struct PowerPool: Pool {
    var address: Address
    var tokens: [String]
    var reserves: [UInt256]
    var feeBps: UInt64 = 30
    var exponent: Int = 2

    var kind: PoolKind { .weighted }
    func swapGas(_ table: GasTable) -> UInt64 { 90_000 }

    func valid(_ i: Int, _ j: Int) -> Bool {
        i != j && (0..<2).contains(i) && (0..<2).contains(j) && reserves.count == 2 && exponent >= 1
    }

    func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard valid(i, j), !amountIn.isZero, amountIn <= maxAmountIn(from: i, to: j) else { return nil }
        let rIn = reserves[i], rOut = reserves[j]
        guard let xg = UInt256.mulDiv(amountIn, UInt256(10_000 - feeBps), 10_000), let d = rIn.adding(xg) else { return nil }
        var t = rOut
        for _ in 0..<exponent {
            guard let next = UInt256.mulDivRoundingUp(t, rIn, d) else { return nil }
            t = next
        }
        return rOut - t
    }

    func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256? {
        // Smallest input by bisection over the exact rule (tests do not rely on it being fast).
        var lo = UInt256.one, hi = maxAmountIn(from: i, to: j)
        guard let top = self.amountOut(hi, from: i, to: j), top >= amountOut else { return nil }
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if let o = self.amountOut(mid, from: i, to: j), o >= amountOut { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> PowerPool? {
        guard valid(i, j), let a = reserves[i].adding(amountIn), let b = reserves[j].subtracting(amountOut) else { return nil }
        var next = self
        next.reserves[i] = a
        next.reserves[j] = b
        return next
    }

    var gamma: Double { Double(10_000 - feeBps) / 10_000 }

    func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double {
        guard valid(i, j), amountIn > 0 else { return 0 }
        let rIn = reserves[i].doubleValue, rOut = reserves[j].doubleValue
        let d = rIn + gamma * amountIn
        let r = rIn / d, u = gamma * amountIn / d            // r + u = 1
        var sum = 0.0, p = 1.0                                 // 1 − r^k = u·(1 + r + … + r^(k−1))
        for _ in 0..<exponent { sum += p; p *= r }
        return rOut * u * sum
    }

    func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double {
        guard valid(i, j) else { return 0 }
        let rIn = reserves[i].doubleValue, rOut = reserves[j].doubleValue
        let d = rIn + gamma * max(0, amountIn)
        return rOut * Double(exponent) * gamma / d * pow(rIn / d, Double(exponent))
    }

    func maxAmountIn(from i: Int, to j: Int) -> UInt256 {
        guard valid(i, j) else { return .zero }
        return UInt256.mulDiv(reserves[i], 3, 10) ?? .zero
    }

    func curve(from i: Int, to j: Int) -> SwapCurve { .general }
}

extension Route {
    /// Sum of the legs' inputs and outputs, exactly.
    var legInputTotal: UInt256 { legs.reduce(.zero) { $0 + $1.amountIn } }
    var legOutputTotal: UInt256 { legs.reduce(.zero) { $0 + $1.amountOut } }
}

/// The exact output of splitting `inputs` across single-hop `pools` (nil if any refuses).
func exactSplitOut(_ pools: [any Pool], _ inputs: [UInt256], sell: String, buy: String) -> UInt256? {
    var total = UInt256.zero
    for (p, x) in zip(pools, inputs) where !x.isZero {
        guard let i = p.index(of: sell), let j = p.index(of: buy), let o = p.amountOut(x, from: i, to: j) else { return nil }
        total += o
    }
    return total
}

/// Brute-force optimum of splitting `amount` across 2 or 3 single-hop pools, in exact integers:
/// a grid over the splits, then a pattern search with halving steps down to one unit.
func bruteForceSplit(_ pools: [any Pool], amount: UInt256, sell: String, buy: String, grid: Int) -> UInt256 {
    let n = pools.count
    func value(_ xs: [UInt256]) -> UInt256 { exactSplitOut(pools, xs, sell: sell, buy: buy) ?? .zero }
    let step = amount / UInt256(UInt64(grid))
    var best = [UInt256](repeating: .zero, count: n)
    best[0] = amount
    var bestOut = value(best)
    // Grid over the first n−1 coordinates; the last takes the rest.
    func visit(_ k: Int, _ prefix: [UInt256], _ left: UInt256) {
        if k == n - 1 {
            let xs = prefix + [left]
            let o = value(xs)
            if o > bestOut { bestOut = o; best = xs }
            return
        }
        var x = UInt256.zero
        while x <= left {
            visit(k + 1, prefix + [x], left - x)
            x += step
        }
    }
    visit(0, [], amount)
    // Move `d` units between every pair of pools while it helps; halve `d` when nothing helps.
    var d = step
    while !d.isZero {
        var improved = false
        for a in 0..<n {
            for b in 0..<n where a != b && best[a] >= d {
                var xs = best
                xs[a] -= d
                xs[b] += d
                let o = value(xs)
                if o > bestOut { bestOut = o; best = xs; improved = true }
            }
        }
        if !improved { d = d / 2 }
    }
    return bestOut
}

/// Replays the steps on the pools from the start: every step spends no more than what the input
/// and the steps before it gave, gets exactly its quote on the moved pools; returns what reached `buy`.
func replaySteps(_ route: Route, _ pools: [any Pool]) -> UInt256? {
    var pools = pools
    var held: [String: UInt256] = [route.sell: route.amountIn]
    var received = UInt256.zero
    for s in route.swaps {
        guard let k = pools.firstIndex(where: { $0.address == s.pool }),
              let i = pools[k].index(of: s.tokenIn), let j = pools[k].index(of: s.tokenOut),
              let have = held[s.tokenIn], s.amountIn <= have,
              pools[k].amountOut(s.amountIn, from: i, to: j) == s.amountOut,
              let moved = pools[k].applyingSwapErased(amountIn: s.amountIn, amountOut: s.amountOut, from: i, to: j)
        else { return nil }
        pools[k] = moved
        held[s.tokenIn] = have - s.amountIn
        if s.tokenOut == route.buy { received += s.amountOut } else { held[s.tokenOut, default: .zero] += s.amountOut }
    }
    return received
}
