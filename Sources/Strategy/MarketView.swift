import EthCore
import Market

/// Everything the strategy reads, as one plain value: built from a `ChainState` snapshot, whether
/// it came from the node or from a file.
public struct MarketView: Sendable {
    public var tokens: [Token]
    /// Raw balances of the portfolio holder.
    public var balances: [String: UInt256]
    public var pools: [any Pool] { graph.pools }
    public var blockNumber: UInt64
    public var blockTimestamp: UInt64
    /// Base fee plus the priority fee we would pay, wei per gas.
    public var gasPriceWei: UInt256
    /// Symbol of the wrapped native token (to price gas in the quote token).
    public var wrappedNative: String?
    public var priceHistory: [PriceHistory.Sample]
    /// In vault mode: what the rebalancing vault allows one call (its limits, budget and prices).
    public var vault: VaultBounds?
    /// The portfolio's previous rebalance, for the timing rules (nil: none known).
    public var lastRebalance: LastRebalance?
    /// Tokens joined by `pools`: built once so path searches don't rescan all pools.
    public let graph: PoolGraph

    public init(tokens: [Token], balances: [String: UInt256], pools: [any Pool], blockNumber: UInt64 = 0,
                blockTimestamp: UInt64, gasPriceWei: UInt256, wrappedNative: String?, priceHistory: [PriceHistory.Sample] = []) {
        self.tokens = tokens
        self.balances = balances
        self.blockNumber = blockNumber
        self.blockTimestamp = blockTimestamp
        self.gasPriceWei = gasPriceWei
        self.wrappedNative = wrappedNative
        self.priceHistory = priceHistory
        self.graph = PoolGraph(pools: pools)
    }

    public func token(_ symbol: String) -> Token? { tokens.first { $0.symbol == symbol } }
}
