import EthCore

/// A Uniswap V2 pair (and forks such as SushiSwap): x·y = k with the fee taken from the input.
public struct ConstantProductPool: Pool, Hashable {
    public let address: Address
    /// token0, token1 in the pair's order.
    public let tokens: [String]
    public private(set) var reserves: [UInt256]
    /// Fee in basis points (30 for Uniswap V2's 0.3 %).
    public let feeBps: UInt64
    public let dex: String?

    public var kind: PoolKind { .constantProduct }
    /// A V2 `swap` through a pair: two token transfers and the reserve update.
    public func swapGas(_ table: GasTable) -> UInt64 { GasModel.hop(kind, table) }

    /// Two distinct tokens, two reserves and a fee below 100 %: anything else is no pair.
    public init(address: Address, tokens: [String], reserves: [UInt256], feeBps: UInt64 = 30, dex: String? = nil) throws(PoolInvariantError) {
        try PoolInvariantError.checkTokens(tokens, count: 2...2, kind: "constant-product")
        guard reserves.count == 2 else {
            throw PoolInvariantError("reserves", "a constant-product pool has exactly 2 reserves, got \(reserves.count)")
        }
        guard feeBps < 10_000 else { throw PoolInvariantError("feeBps", "must be below 10000 (100 %)") }
        self.address = address
        self.tokens = tokens
        self.reserves = reserves
        self.feeBps = feeBps
        self.dex = dex
    }

    /// Uniswap V2's getAmountOut: in·(10000−fee)·R_out / (R_in·10000 + in·(10000−fee)), rounded down.
    /// With fee 30 this is exactly the pair's 997/1000 arithmetic.
    public func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j), !amountIn.isZero else { return nil }
        let rIn = reserves[i], rOut = reserves[j]
        guard !rIn.isZero, !rOut.isZero else { return nil }
        guard let inWithFee = amountIn.multiplied(by: UInt256(10_000 - feeBps)),
              let numerator = inWithFee.multiplied(by: rOut),
              let scaledReserve = rIn.multiplied(by: 10_000),
              let denominator = scaledReserve.adding(inWithFee) else { return nil }
        return numerator / denominator
    }

    /// Uniswap V2's getAmountIn: R_in·out·10000 / ((R_out − out)·(10000−fee)) + 1.
    public func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256? {
        guard isPair(i, j), !amountOut.isZero else { return nil }
        let rIn = reserves[i], rOut = reserves[j]
        guard !rIn.isZero, amountOut < rOut else { return nil }
        guard let a = rIn.multiplied(by: amountOut), let numerator = a.multiplied(by: 10_000),
              let denominator = (rOut - amountOut).multiplied(by: UInt256(10_000 - feeBps)) else { return nil }
        return (numerator / denominator).adding(.one)
    }

    public func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> ConstantProductPool? {
        guard isPair(i, j), let newIn = reserves[i].adding(amountIn), let newOut = reserves[j].subtracting(amountOut) else { return nil }
        var next = self
        next.reserves[i] = newIn
        next.reserves[j] = newOut
        return next
    }

    /// Both indices name the pair's two tokens (the initialiser guarantees there are two).
    @inline(__always)
    func isPair(_ i: Int, _ j: Int) -> Bool {
        i != j && (0..<2).contains(i) && (0..<2).contains(j)
    }

    var gamma: Double { Double(10_000 - feeBps) / 10_000 }

    public func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j), amountIn > 0 else { return 0 }
        let rIn = reserves[i].doubleValue, rOut = reserves[j].doubleValue
        let x = gamma * amountIn
        return x * rOut / (rIn + x)
    }

    public func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double {
        guard isPair(i, j) else { return 0 }
        let rIn = reserves[i].doubleValue, rOut = reserves[j].doubleValue
        let d = rIn + gamma * max(0, amountIn)
        guard d > 0 else { return 0 }
        return gamma * rIn * rOut / (d * d)
    }

    public func midRate(from i: Int, to j: Int) -> Double {
        guard isPair(i, j), !reserves[i].isZero else { return 0 }
        return reserves[j].doubleValue / reserves[i].doubleValue
    }

    public func depth(of i: Int) -> Double {
        guard i >= 0, i < reserves.count else { return 0 }
        return reserves[i].doubleValue
    }

    public func maxAmountIn(from i: Int, to j: Int) -> UInt256 {
        // The pair has no ratio limit; only overflow of in·(10000−fee)·R_out bounds it.
        guard isPair(i, j), !reserves[j].isZero else { return .zero }
        guard let scale = reserves[j].multiplied(by: 10_000) else { return .zero }
        return UInt256.max / scale
    }

    public func curve(from i: Int, to j: Int) -> SwapCurve {
        guard isPair(i, j) else { return .general }
        return .constantProduct(reserveIn: reserves[i].doubleValue, reserveOut: reserves[j].doubleValue, gamma: gamma)
    }
}
