/// Recent prices for the moving-average guard, as stored in a snapshot:
/// `{"quote": "USDC", "samples": [{"timestamp": 1764000000, "block": 1200, "prices": {"WETH": 3001.5}}]}`.
/// A price is whole quote tokens per whole token (display units, e.g. 3001.5 USDC per WETH),
/// a float because it only feeds a guard, never an amount. Samples are oldest first.
public struct PriceHistory: Sendable, Equatable, Codable {
    public struct Sample: Sendable, Equatable, Codable {
        public var timestamp: UInt64
        /// The block the prices were read at, when known.
        public var block: UInt64?
        public var prices: [String: Double]

        public init(timestamp: UInt64, block: UInt64? = nil, prices: [String: Double]) {
            self.timestamp = timestamp
            self.block = block
            self.prices = prices
        }
    }

    /// Symbol of the token prices are expressed in.
    public var quote: String
    public var samples: [Sample]

    public init(quote: String, samples: [Sample]) {
        self.quote = quote
        self.samples = samples
    }

    /// Mean price of `symbol` over the samples at or after `since` (nil when there are none).
    public func movingAverage(of symbol: String, since: UInt64 = 0) -> Double? {
        let values = samples.filter { $0.timestamp >= since }.compactMap { $0.prices[symbol] }
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}
