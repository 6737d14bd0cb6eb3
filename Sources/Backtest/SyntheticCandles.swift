import Foundation

/// A reproducible synthetic candle set: correlated random walks (one market factor, each token's
/// own share of it) through bull, bear and crash regimes. For tests and the demo; whatever shows
/// it says it is synthetic.
public struct SyntheticCandles: Sendable {
    public struct TokenSpec: Sendable, Hashable {
        public var symbol: String
        public var startPrice: Double
        /// Annualised volatility of the token's log price in calm markets (0.6 = 60 %).
        public var volatility: Double
        /// Correlation of the token's moves with the market factor.
        public var correlation: Double

        public init(symbol: String, startPrice: Double, volatility: Double = 0.6, correlation: Double = 0.7) {
            self.symbol = symbol
            self.startPrice = startPrice
            self.volatility = volatility
            self.correlation = correlation
        }
    }

    /// A market phase: its annualised drift of the market factor and its volatility multiplier.
    public enum Regime: String, Sendable, CaseIterable, Codable {
        case bull, bear, crash

        var annualDrift: Double {
            switch self {
            case .bull: return 0.9
            case .bear: return -0.7
            case .crash: return -25
            }
        }
        var volatilityFactor: Double {
            switch self {
            case .bull: return 1
            case .bear: return 1.2
            case .crash: return 3
            }
        }
        /// Mean length of the phase in days.
        var meanDays: Double {
            switch self {
            case .bull: return 60
            case .bear: return 45
            case .crash: return 4
            }
        }
    }

    public var seed: UInt64
    public var tokens: [TokenSpec]
    public var start: UInt64
    public var interval: UInt64
    public var count: Int

    public init(seed: UInt64, tokens: [TokenSpec], start: UInt64, interval: UInt64, count: Int) {
        self.seed = seed
        self.tokens = tokens
        self.start = start
        self.interval = interval
        self.count = count
    }

    public static let defaultTokens = [
        TokenSpec(symbol: "WETH", startPrice: 3000, volatility: 0.7, correlation: 0.85),
        TokenSpec(symbol: "WBTC", startPrice: 60000, volatility: 0.55, correlation: 0.8),
        TokenSpec(symbol: "LINK", startPrice: 15, volatility: 0.95, correlation: 0.65),
    ]

    public var label: String { "synthetic, seed \(seed)" }

    /// The candles and, per candle, the regime it was drawn in.
    public func generate() -> (candles: CandleSet, regimes: [Regime]) {
        var rng = SeededGenerator(seed: seed)
        let yearFraction = Double(interval) / (365.25 * 86_400)
        let stepsPerDay = 86_400 / Double(max(1, interval))
        var regime = Regime.bull
        var regimes: [Regime] = []
        regimes.reserveCapacity(count)
        var logPrices = tokens.map { log($0.startPrice) }
        var series = Dictionary(uniqueKeysWithValues: tokens.map { ($0.symbol, [Candle]()) })
        for k in series.keys { series[k]?.reserveCapacity(count) }
        for step in 0..<count {
            // Leave the phase with probability 1/(mean length in steps); crashes follow bulls or bears.
            if step > 0, rng.unit() < 1 / (regime.meanDays * stepsPerDay) {
                switch regime {
                case .bull: regime = rng.unit() < 0.35 ? .crash : .bear
                case .bear: regime = rng.unit() < 0.25 ? .crash : .bull
                case .crash: regime = .bear
                }
            }
            regimes.append(regime)
            let market = rng.normal()
            let time = start + UInt64(step) * interval
            for (i, spec) in tokens.enumerated() {
                let own = rng.normal()
                let rho = max(-1, min(1, spec.correlation))
                let shock = rho * market + (1 - rho * rho).squareRoot() * own
                let sigma = spec.volatility * regime.volatilityFactor
                let drift = (regime.annualDrift - sigma * sigma / 2) * yearFraction
                let open = exp(logPrices[i])
                logPrices[i] += drift + sigma * yearFraction.squareRoot() * shock
                let close = exp(logPrices[i])
                let wick = abs(rng.normal()) * sigma * yearFraction.squareRoot() * 0.5
                let high = max(open, close) * (1 + wick)
                let low = min(open, close) / (1 + wick)
                let volume = (1 + abs(rng.normal())) * 1000 / close * 3000
                series[spec.symbol]?.append(Candle(time: time, open: Self.round(open), high: Self.round(high),
                                                   low: Self.round(low), close: Self.round(close), volume: Self.round(volume)))
            }
        }
        return (CandleSet(series: series, interval: interval, syntheticLabel: label), regimes)
    }

    /// Eight significant digits: the files stay readable and read back to the same values.
    static func round(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x }
        let scale = pow(10, 7 - floor(log10(x)))
        return (x * scale).rounded() / scale
    }
}
