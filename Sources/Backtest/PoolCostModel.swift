import Foundation
import EthCore
import Market

/// The pools a backtest trades through at one candle. Between two steps arbitrage is assumed to
/// bring every pool back to the candle's price, so each step starts from fresh pools; within a
/// step the routes move them as they would on chain.
public struct PoolCostModel: Sendable {
    public enum Kind: Sendable {
        /// One Uniswap-V2-style pool per token against the quote token, holding `depth` quote units
        /// of value (half on each side) at `feeBps`.
        case constantProduct(feeBps: UInt64, depth: Double)
        /// A snapshot's pools, each moved to the candle's prices the way arbitrage moves it: a
        /// constant-product pair keeps its x·y, a weighted pool its invariant Π bᵢ^wᵢ. Pools of
        /// tokens without candles, and kinds this model cannot move, are left out.
        case snapshot([any Pool])
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public static let `default` = PoolCostModel(.constantProduct(feeBps: 30, depth: 10_000_000))

    public var summary: String {
        switch kind {
        case .constantProduct(let fee, let depth):
            return "constant-product pools of \(Self.grouped(Int(depth.rounded()))) quote units at \(fee) bps"
        case .snapshot(let pools):
            return "the snapshot's \(pools.count) pool(s), moved to each candle's prices"
        }
    }

    /// 10000000 → "10,000,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// The pools at `prices` (whole quote tokens per whole token; the quote token is 1).
    public func pools(prices: [String: Double], tokens: [Token], quote: Token) -> [any Pool] {
        switch kind {
        case .constantProduct(let fee, let depth):
            var pools: [any Pool] = []
            for (k, token) in tokens.enumerated() where token.symbol != quote.symbol {
                guard let price = prices[token.symbol], price > 0 else { continue }
                let side = depth / 2
                let reserveToken = UInt256(truncating: side / price * pow10(token.decimals)) ?? .zero
                let reserveQuote = UInt256(truncating: side * pow10(quote.decimals)) ?? .zero
                // A pool the price or depth makes empty is no pool (its token then has no price: one line).
                guard let pool = try? ConstantProductPool(address: Self.poolAddress(k), tokens: [token.symbol, quote.symbol],
                                                          reserves: [reserveToken, reserveQuote], feeBps: fee, dex: "backtest") else { continue }
                pools.append(pool)
            }
            return pools
        case .snapshot(let pools):
            let decimals = Dictionary(uniqueKeysWithValues: tokens.map { ($0.symbol, $0.decimals) })
            return pools.compactMap { Self.moved($0, prices: prices, decimals: decimals) }
        }
    }

    /// `pool` with its balances where arbitrage would leave them at `prices`; nil when a token has
    /// no price or the pool is of a kind this model cannot move.
    static func moved(_ pool: any Pool, prices: [String: Double], decimals: [String: Int]) -> (any Pool)? {
        var p: [Double] = []
        var d: [Int] = []
        for symbol in pool.tokens {
            guard let price = prices[symbol], price > 0, let dec = decimals[symbol] else { return nil }
            p.append(price)
            d.append(dec)
        }
        if let pair = pool as? ConstantProductPool, pair.reserves.count == 2 {
            // x·y = L², and y/x (raw) is the price of token 0 in token 1.
            let x = pair.reserves[0].doubleValue, y = pair.reserves[1].doubleValue
            let rate = p[0] / p[1] * pow10(d[1]) / pow10(d[0])
            let liquidity = (x * y).squareRoot()
            guard liquidity > 0, rate > 0, rate.isFinite,
                  let newX = UInt256(truncating: liquidity / rate.squareRoot()),
                  let newY = UInt256(truncating: liquidity * rate.squareRoot()) else { return nil }
            return try? ConstantProductPool(address: pair.address, tokens: pair.tokens, reserves: [newX, newY], feeBps: pair.feeBps,
                                            dex: pair.dex)
        }
        if let weighted = pool as? WeightedPool, weighted.balances.count == pool.tokens.count {
            // Value shares equal to the weights (bᵢ = K·wᵢ/pᵢ in whole tokens), K keeping Σ wᵢ·ln bᵢ.
            let w = weighted.weights.map { $0.doubleValue / 1e18 }
            let b = zip(weighted.balances, d).map { $0.0.doubleValue / pow10($0.1) }
            guard b.allSatisfy({ $0 > 0 }), w.allSatisfy({ $0 > 0 }) else { return nil }
            var logK = 0.0
            for i in w.indices { logK += w[i] * (log(b[i]) - log(w[i] / p[i])) }
            logK /= w.reduce(0, +)
            var balances: [UInt256] = []
            for i in w.indices {
                guard let raw = UInt256(truncating: exp(logK) * w[i] / p[i] * pow10(d[i])) else { return nil }
                balances.append(raw)
            }
            return try? WeightedPool(address: weighted.address, poolId: weighted.poolId, tokens: weighted.tokens, decimals: weighted.decimals,
                                     balances: balances, weights: weighted.weights, swapFee: weighted.swapFee, dex: weighted.dex)
        }
        return nil
    }

    /// A stable made-up address per pool (the router names pools by address).
    static func poolAddress(_ k: Int) -> Address {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[0] = 0xB7
        bytes[19] = UInt8(truncatingIfNeeded: k + 1)
        bytes[18] = UInt8(truncatingIfNeeded: (k + 1) >> 8)
        return Address(bytes: bytes) ?? Address.zero
    }
}
