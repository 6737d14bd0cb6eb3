import EthCore

/// A network's Uniswap V3 contracts and pools (`"uniswapV3"` in the network file): pools listed by
/// address, or pairs and fee tiers whose pools the factory's `getPool` finds (public networks). The
/// state loader reads every pool's price, liquidity and the initialized ticks of `windowWords`
/// bitmap words either side of the price through TickLens; without a TickLens no pool is read.
public struct UniswapV3Deployment: Sendable, Equatable {
    public struct PoolEntry: Sendable, Equatable {
        public var address: Address
        /// token0, token1 in the pool's order.
        public var tokens: [String]
        /// Hundredths of a basis point: 100, 500, 3000 or 10000.
        public var fee: UInt32
        public var tickSpacing: Int

        public init(address: Address, tokens: [String], fee: UInt32, tickSpacing: Int) {
            self.address = address
            self.tokens = tokens
            self.fee = fee
            self.tickSpacing = tickSpacing
        }
    }

    /// A pair whose pools at `fees` the factory is asked for.
    public struct Discovery: Sendable, Equatable {
        public var tokens: [String]
        public var fees: [UInt32]
    }

    public var factory: Address
    public var quoterV2: Address
    /// Absent where Uniswap publishes none (Sepolia): then no pool can be read.
    public var tickLens: Address?
    public var swapRouter02: Address
    public var positionManager: Address
    public var pools: [PoolEntry]
    public var discover: [Discovery] = []
    /// Bitmap words read on each side of the price's word (`"windowWords"`, default 3). A word is
    /// 256 × tickSpacing ticks: ±3 words is a factor of about 2.15 either way at the 0.05 % tier
    /// and ±8 % at the 0.01 % tier, wider than any rebalance moves a price.
    public var windowWords: Int = UniswapV3Deployment.defaultWindowWords

    public static let defaultWindowWords = 3
    /// More words than this is a read of thousands of TickLens entries per pool for prices no
    /// rebalance reaches.
    public static let maxWindowWords = 16
    /// The `dex` name of V3 pools in snapshots and routes.
    public static let dexName = "uniswap-v3"

    /// The factory's fee tiers and the tick spacing it enables for each.
    public static let tickSpacingByFee: [UInt32: Int] = [100: 1, 500: 10, 3000: 60, 10000: 200]

    public func pool(_ a: String, _ b: String, fee: UInt32) -> PoolEntry? {
        pools.first { Set($0.tokens) == Set([a, b]) && $0.fee == fee }
    }
}

struct UniswapV3Wire: Codable {
    struct PoolWire: Codable {
        var address: String
        var tokens: [String]
        var fee: WireUInt64
        var tickSpacing: Int

        enum CodingKeys: String, CodingKey, CaseIterable { case address, tokens, fee, tickSpacing }
    }

    var factory: String
    var quoterV2: String
    struct DiscoveryWire: Codable {
        var tokens: [String]
        var fees: [WireUInt64]

        enum CodingKeys: String, CodingKey, CaseIterable { case tokens, fees }
    }

    var tickLens: String?
    var swapRouter02: String
    var positionManager: String
    var pools: [PoolWire]?
    var discover: [DiscoveryWire]?
    var windowWords: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case factory, quoterV2, tickLens, swapRouter02, positionManager, pools, discover, windowWords
    }
}
