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
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public static let `default` = PoolCostModel(.constantProduct(feeBps: 30, depth: 10_000_000))

    public var summary: String {
        switch kind {
        case .constantProduct(let fee, let depth):
            return "constant-product pools of \(Self.grouped(Int(depth.rounded()))) quote units at \(fee) bps"
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
                pools.append(ConstantProductPool(address: Self.poolAddress(k), tokens: [token.symbol, quote.symbol],
                                                 reserves: [reserveToken, reserveQuote], feeBps: fee, dex: "backtest"))
            }
            return pools
        }
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
