import EthCore
import Market

/// The view functions the state loader calls, with their published signatures (ERC-20, Multicall3,
/// Uniswap V2 pair and factory, Uniswap V3 pool, factory and TickLens, Balancer V2 vault and
/// weighted pool). Built from types, not parsed from text, so constructing them cannot fail.
enum StateCalls {
    static let balanceOf = ABIFunction(name: "balanceOf", inputs: [.init(type: .address)], outputs: [.init(type: .uint(256))])
    static let allowance = ABIFunction(
        name: "allowance", inputs: [.init(type: .address), .init(type: .address)], outputs: [.init(type: .uint(256))])
    static let getEthBalance = ABIFunction(name: "getEthBalance", inputs: [.init(type: .address)], outputs: [.init(type: .uint(256))])
    static let getReserves = ABIFunction(
        name: "getReserves", inputs: [],
        outputs: [.init(type: .uint(112)), .init(type: .uint(112)), .init(type: .uint(32))])
    static let token0 = ABIFunction(name: "token0", inputs: [], outputs: [.init(type: .address)])
    static let token1 = ABIFunction(name: "token1", inputs: [], outputs: [.init(type: .address)])
    static let getPair = ABIFunction(
        name: "getPair", inputs: [.init(type: .address), .init(type: .address)], outputs: [.init(type: .address)])
    static let getPoolTokens = ABIFunction(
        name: "getPoolTokens", inputs: [.init(type: .fixedBytes(32))],
        outputs: [.init(type: .array(.address)), .init(type: .array(.uint(256))), .init(type: .uint(256))])
    static let getNormalizedWeights = ABIFunction(name: "getNormalizedWeights", inputs: [], outputs: [.init(type: .array(.uint(256)))])
    static let getSwapFeePercentage = ABIFunction(name: "getSwapFeePercentage", inputs: [], outputs: [.init(type: .uint(256))])

    /// Uniswap V3: the pool's state, its factory's `getPool`, and the periphery's TickLens, which
    /// lists one bitmap word's initialized ticks (tick, liquidityNet, liquidityGross).
    static let slot0 = ABIFunction(
        name: "slot0", inputs: [],
        outputs: [.init(type: .uint(160)), .init(type: .int(24)), .init(type: .uint(16)), .init(type: .uint(16)),
                  .init(type: .uint(16)), .init(type: .uint(8)), .init(type: .bool)])
    static let liquidity = ABIFunction(name: "liquidity", inputs: [], outputs: [.init(type: .uint(128))])
    static let fee = ABIFunction(name: "fee", inputs: [], outputs: [.init(type: .uint(24))])
    static let tickSpacing = ABIFunction(name: "tickSpacing", inputs: [], outputs: [.init(type: .int(24))])
    static let getPool = ABIFunction(
        name: "getPool", inputs: [.init(type: .address), .init(type: .address), .init(type: .uint(24))], outputs: [.init(type: .address)])
    static let getPopulatedTicksInWord = ABIFunction(
        name: "getPopulatedTicksInWord", inputs: [.init(type: .address), .init(type: .int(16))],
        outputs: [.init(type: .array(.tuple([.int(24), .int(128), .uint(128)])))])

    /// The rebalancing vault's allowlist (abi/contracts/RebalancingVault.vy). `poolInfo` returns one
    /// struct (allowed, kind, balancerVault, poolId, tokens): a single dynamic tuple on the wire.
    static let vaultPoolInfo = ABIFunction(
        name: "poolInfo", inputs: [.init(type: .address)],
        outputs: [.init(type: .tuple([.bool, .uint(8), .address, .fixedBytes(32), .array(.address)]))])
    static let vaultTokenAllowed = ABIFunction(name: "tokenAllowed", inputs: [.init(type: .address)], outputs: [.init(type: .bool)])

    /// The vault's bounds on a call: limits, pause, what the rolling day leaves, and its prices.
    static let vaultMaxLossBps = ABIFunction(name: "maxLossBps", inputs: [], outputs: [.init(type: .uint(256))])
    static let vaultMaxCallPercent = ABIFunction(name: "maxCallPercent", inputs: [], outputs: [.init(type: .uint(256))])
    static let vaultMaxDailyPercent = ABIFunction(name: "maxDailyPercent", inputs: [], outputs: [.init(type: .uint(256))])
    static let vaultMaxDailyLossBps = ABIFunction(name: "maxDailyLossBps", inputs: [], outputs: [.init(type: .uint(256))])
    static let vaultPaused = ABIFunction(name: "paused", inputs: [], outputs: [.init(type: .bool)])
    static let vaultNAV = ABIFunction(name: "nav", inputs: [], outputs: [.init(type: .uint(256))])
    static let vaultBudget = ABIFunction(name: "budget", inputs: [], outputs: [.init(type: .uint(256)), .init(type: .uint(256))])
    static let vaultValueOf = ABIFunction(
        name: "valueOf", inputs: [.init(type: .address), .init(type: .uint(256))], outputs: [.init(type: .uint(256))])

    /// Calldata of a call whose arguments are addresses or 32-byte words: the selector and one word
    /// per argument (the standard encoding for static arguments, so no encoder error is possible).
    static func calldata(_ function: ABIFunction, _ words: [[UInt8]] = []) -> [UInt8] {
        function.selector + words.joined()
    }

    /// `signature()` without the outputs, for messages: `getReserves()`.
    static func label(_ function: ABIFunction) -> String { function.signature }
}
