import EthCore
import Market

/// One token's line in the drift table.
public struct TokenDrift: Sendable, Codable, Hashable {
    public var token: String
    public var balance: UInt256
    /// In whole quote tokens.
    public var value: Double
    public var price: Double
    /// Percent of the portfolio's value.
    public var weight: Double
    public var target: Double
    /// weight − target, in percentage points (positive: over target).
    public var driftPoints: Double
    /// driftPoints as a percent of the target; `nil` when the target is 0.
    public var driftRelativePercent: Double?
    public var outsideBand: Bool
}

/// Where the portfolio stands against its targets.
public struct DriftReport: Sendable, Codable {
    public var quote: String
    public var totalValue: Double
    public var rows: [TokenDrift]

    /// The trigger: some token is outside its absolute or relative band.
    public var needsRebalance: Bool { rows.contains { $0.outsideBand } }

    public func row(_ token: String) -> TokenDrift? { rows.first { $0.token == token } }

    /// Values, weights and drift for every target token (and any other held token of value).
    public static func measure(portfolio: PortfolioConfig, market: MarketView, prices: PriceTable) throws(StrategyError) -> DriftReport {
        var symbols = portfolio.targets.map(\.token)
        for t in market.tokens where !symbols.contains(t.symbol) && !(market.balances[t.symbol] ?? .zero).isZero
            && prices.price(t.symbol) != nil {
            symbols.append(t.symbol)
        }
        var values: [(String, UInt256, Double, Double)] = []
        for s in symbols {
            guard let token = market.token(s) else { throw .unknownToken(s) }
            guard let price = prices.price(s) else { throw .noPrice(s, quote: prices.quote) }
            let balance = market.balances[s] ?? .zero
            values.append((s, balance, token.displayAmount(balance) * price, price))
        }
        let total = values.reduce(0) { $0 + $1.2 }
        guard total > 0 else { throw .emptyPortfolio }
        let rows = values.map { (s, balance, value, price) in
            let weight = value / total * 100
            let target = portfolio.target(s)
            return TokenDrift(token: s, balance: balance, value: value, price: price, weight: weight, target: target,
                              driftPoints: weight - target,
                              driftRelativePercent: Self.relative(weight: weight, target: target),
                              outsideBand: Self.outside(weight: weight, target: target, policy: portfolio.policy))
        }
        return DriftReport(quote: prices.quote, totalValue: total, rows: rows)
    }

    static func relative(weight: Double, target: Double) -> Double? {
        target > 0 ? (weight - target) / target * 100 : nil
    }

    /// Outside when beyond either band. A tiny holding of an untargeted token is not worth a trade
    /// by itself, so the relative band only applies to tokens with a target.
    static func outside(weight: Double, target: Double, policy: Policy) -> Bool {
        let points = abs(weight - target)
        if points > policy.driftBandPoints { return true }
        return target > 0 && points / target * 100 > policy.driftBandRelativePercent
    }
}
