import Foundation

/// Performance of one value series: growth, risk and how much was traded.
public struct Metrics: Sendable, Codable, Hashable {
    /// Compound annual growth rate, percent.
    public var cagr: Double
    /// Annualised standard deviation of the step returns, percent.
    public var volatility: Double
    /// Largest fall from a peak, percent of the peak.
    public var maxDrawdown: Double
    /// Annualised mean step return over its standard deviation (risk-free rate 0).
    public var sharpe: Double
    /// Value traded over the average portfolio value (1 = the whole portfolio once).
    public var turnover: Double

    public static let secondsPerYear = 365.25 * 86_400

    /// `values` one per step, `stepSeconds` apart; `traded` the total value traded.
    public static func measure(values: [Double], stepSeconds: UInt64, traded: Double) -> Metrics {
        guard let first = values.first, let last = values.last, values.count > 1, first > 0 else {
            return Metrics(cagr: 0, volatility: 0, maxDrawdown: 0, sharpe: 0, turnover: 0)
        }
        let years = Double(values.count - 1) * Double(stepSeconds) / secondsPerYear
        let cagr = years > 0 && last > 0 ? (pow(last / first, 1 / years) - 1) * 100 : 0
        var returns: [Double] = []
        returns.reserveCapacity(values.count - 1)
        for k in 1..<values.count where values[k - 1] > 0 { returns.append(values[k] / values[k - 1] - 1) }
        let mean = returns.reduce(0, +) / Double(max(1, returns.count))
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, returns.count - 1))
        let perYear = secondsPerYear / Double(max(1, stepSeconds))
        let sd = variance.squareRoot()
        var peak = first, drawdown = 0.0
        for v in values {
            peak = max(peak, v)
            if peak > 0 { drawdown = max(drawdown, (peak - v) / peak) }
        }
        let average = values.reduce(0, +) / Double(values.count)
        // A flat series has no risk and no excess return: Sharpe 0, not 0/0.
        let sharpe = sd > 1e-15 ? mean / sd * perYear.squareRoot() : 0
        return Metrics(cagr: cagr, volatility: sd * perYear.squareRoot() * 100, maxDrawdown: drawdown * 100, sharpe: sharpe,
                       turnover: average > 0 ? traded / average : 0)
    }
}

/// Costs in quote units.
public struct Costs: Sendable, Codable, Hashable {
    /// Pool fees, at mid prices.
    public var fees: Double = 0
    /// What the routes returned below mid prices, fees excluded.
    public var priceImpact: Double = 0
    /// Gas at the backtest's gas price, valued at the wrapped native token's price.
    public var gas: Double = 0

    public init(fees: Double = 0, priceImpact: Double = 0, gas: Double = 0) {
        self.fees = fees
        self.priceImpact = priceImpact
        self.gas = gas
    }

    public var total: Double { fees + priceImpact + gas }

    enum CodingKeys: String, CodingKey { case fees, priceImpact, gas, total }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fees, forKey: .fees)
        try c.encode(priceImpact, forKey: .priceImpact)
        try c.encode(gas, forKey: .gas)
        try c.encode(total, forKey: .total)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fees = try c.decode(Double.self, forKey: .fees)
        priceImpact = try c.decode(Double.self, forKey: .priceImpact)
        gas = try c.decode(Double.self, forKey: .gas)
    }

    static func + (a: Costs, b: Costs) -> Costs {
        Costs(fees: a.fees + b.fees, priceImpact: a.priceImpact + b.priceImpact, gas: a.gas + b.gas)
    }
}
