import EthCore

/// A network's Uniswap V3 contracts and pools (`"uniswapV3"` in the network file). Listed and
/// validated; the state loader does not read these pools yet, so they take no part in a plan.
public struct UniswapV3Deployment: Sendable, Equatable {
    public struct PoolEntry: Sendable, Equatable {
        public var address: Address
        /// token0, token1 in the pool's order.
        public var tokens: [String]
        /// Hundredths of a basis point: 100, 500, 3000 or 10000.
        public var fee: UInt32
        public var tickSpacing: Int
    }

    public var factory: Address
    public var quoterV2: Address
    public var tickLens: Address
    public var swapRouter02: Address
    public var positionManager: Address
    public var pools: [PoolEntry]

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
    var tickLens: String
    var swapRouter02: String
    var positionManager: String
    var pools: [PoolWire]

    enum CodingKeys: String, CodingKey, CaseIterable { case factory, quoterV2, tickLens, swapRouter02, positionManager, pools }
}
