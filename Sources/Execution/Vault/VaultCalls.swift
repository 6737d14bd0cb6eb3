import EthCore
import Market

/// Calldata for the rebalancing vault's owner functions and its deployment (see
/// abi/contracts/RebalancingVault.vy). Pure: the sender signs and sends what this builds.
public enum VaultCalls {
    // The owner's functions, built from types (no signature text to parse). Every argument is a
    // static ABI type, so the calldata is the selector and one 32-byte word per argument: it cannot
    // fail to encode.
    static let setTokenAllowedFn = ABIFunction(name: "setTokenAllowed", inputs: [.init(type: .address), .init(type: .bool)])
    static let allowPoolFn = ABIFunction(name: "allowPool", inputs: [.init(type: .address), .init(type: .uint(8)), .init(type: .address)])
    static let setFactoryAllowedFn = ABIFunction(name: "setFactoryAllowed", inputs: [.init(type: .address), .init(type: .bool)])
    static let setPriceFeedFn = ABIFunction(name: "setPriceFeed", inputs: [.init(type: .address), .init(type: .address), .init(type: .uint(256))])
    static let setLimitsFn = ABIFunction(name: "setLimits", inputs: Array(repeating: .init(type: .uint(256)), count: 4))
    static let setGuardianFn = ABIFunction(name: "setGuardian", inputs: [.init(type: .address)])
    static let pauseFn = ABIFunction(name: "pause", inputs: [])
    static let unpauseFn = ABIFunction(name: "unpause", inputs: [])
    static let sweepETHFn = ABIFunction(name: "sweepETH", inputs: [.init(type: .address)])
    static let withdrawFn = ABIFunction(name: "withdraw", inputs: [.init(type: .address), .init(type: .uint(256)), .init(type: .address)])
    static let setOperatorFn = ABIFunction(name: "setOperator", inputs: [.init(type: .address)])
    static let ownerFn = ABIFunction(name: "owner", inputs: [], outputs: [.init(type: .address)])
    static let operatorFn = ABIFunction(name: "operator", inputs: [], outputs: [.init(type: .address)])

    /// One argument as its 32-byte word.
    enum Word {
        case address(Address)
        case uint(UInt256)
        case bool(Bool)

        var bytes: [UInt8] {
            switch self {
            case .address(let a): return a.word
            case .uint(let v): return v.bigEndianBytes
            case .bool(let b): return UInt256(b ? 1 : 0).bigEndianBytes
            }
        }
    }

    static func calldata(_ function: ABIFunction, _ words: Word...) -> [UInt8] {
        function.selector + words.flatMap(\.bytes)
    }

    /// The vault's limits (`setLimits`); the contract's defaults are `.defaults`.
    public struct Limits: Sendable, Equatable {
        /// Per call: value received >= value given x (1 - maxLossBps / 10000).
        public var maxLossBps: UInt64
        /// Per call: value given <= maxCallPercent of NAV.
        public var maxCallPercent: UInt64
        /// Rolling day: value given <= maxDailyPercent of NAV.
        public var maxDailyPercent: UInt64
        /// Rolling day: measured loss <= maxDailyLossBps of NAV.
        public var maxDailyLossBps: UInt64

        public static let defaults = Limits(maxLossBps: 100, maxCallPercent: 10, maxDailyPercent: 30, maxDailyLossBps: 30)

        public init(maxLossBps: UInt64, maxCallPercent: UInt64, maxDailyPercent: UInt64, maxDailyLossBps: UInt64) {
            self.maxLossBps = maxLossBps
            self.maxCallPercent = maxCallPercent
            self.maxDailyPercent = maxDailyPercent
            self.maxDailyLossBps = maxDailyLossBps
        }
    }

    /// Init code followed by the ABI-encoded constructor arguments `(owner, operator, balancerVault)`;
    /// no Balancer vault (zero) means no weighted pool can be listed.
    public static func deployCode(owner: Address, operator: Address, balancerVault: Address?) throws(HexError) -> [UInt8] {
        // The generated constant is hex the build checks (devnet/tests/test_vault_artifacts.py).
        try Hex.decode(RebalancingVaultBytecode.hex) + owner.word + `operator`.word + (balancerVault ?? .zero).word
    }

    /// The Balancer vault a network's weighted pools trade in (the first weighted DEX's), if any.
    public static func balancerVault(of network: NetworkConfig) -> Address? {
        network.dexes.first { $0.kind == .weighted && $0.vault != nil }?.vault
    }

    public static func setTokenAllowed(_ token: Address, _ allowed: Bool) -> [UInt8] {
        calldata(setTokenAllowedFn, .address(token), .bool(allowed))
    }

    /// Kind 0 (a pair) and kind 2 (a Uniswap V3 pool) name the allowed factory that made it;
    /// kind 1 (weighted) takes none.
    public static func allowPool(_ pool: Address, kind: PoolKind, factory: Address?) -> [UInt8] {
        calldata(allowPoolFn, .address(pool), .uint(UInt256(vaultKindCode(kind))), .address(factory ?? .zero))
    }

    /// The vault's code for a pool kind (`KIND_CONSTANT_PRODUCT = 0`, `KIND_WEIGHTED = 1`,
    /// `KIND_CONCENTRATED_LIQUIDITY = 2`).
    static func vaultKindCode(_ kind: PoolKind) -> UInt64 {
        switch kind {
        case .constantProduct: return 0
        case .weighted: return 1
        case .concentratedLiquidity: return 2
        }
    }

    public static func setFactoryAllowed(_ factory: Address, _ allowed: Bool) -> [UInt8] {
        calldata(setFactoryAllowedFn, .address(factory), .bool(allowed))
    }

    /// `feed` nil removes the token's feed.
    public static func setPriceFeed(token: Address, feed: Address?, heartbeat: UInt64) -> [UInt8] {
        calldata(setPriceFeedFn, .address(token), .address(feed ?? .zero), .uint(UInt256(heartbeat)))
    }

    public static func setLimits(_ limits: Limits) -> [UInt8] {
        calldata(setLimitsFn, .uint(UInt256(limits.maxLossBps)), .uint(UInt256(limits.maxCallPercent)),
                 .uint(UInt256(limits.maxDailyPercent)), .uint(UInt256(limits.maxDailyLossBps)))
    }

    public static func setGuardian(_ guardian: Address) -> [UInt8] {
        calldata(setGuardianFn, .address(guardian))
    }

    public static var pause: [UInt8] { calldata(pauseFn) }
    public static var unpause: [UInt8] { calldata(unpauseFn) }

    public static func sweepETH(to: Address) -> [UInt8] {
        calldata(sweepETHFn, .address(to))
    }

    public static func withdraw(token: Address, amount: UInt256, to: Address) -> [UInt8] {
        calldata(withdrawFn, .address(token), .uint(amount), .address(to))
    }

    public static func setOperator(_ operator: Address) -> [UInt8] {
        calldata(setOperatorFn, .address(`operator`))
    }

    public static var ownerCall: [UInt8] { calldata(ownerFn) }
    public static var operatorCall: [UInt8] { calldata(operatorFn) }

    /// What `allowlist` emits, in the order the owner must send it: factories and price feeds
    /// before tokens (a token without a fresh price stops every rebalance), tokens before pools
    /// (allowing a pool whose tokens are in writes its routes).
    public enum AllowStage: Int, Sendable, Comparable {
        case factory, priceFeed, token, pool
        public static func < (a: AllowStage, b: AllowStage) -> Bool { a.rawValue < b.rawValue }
    }

    /// The owner's allowlisting calls for a network file, labelled and in sending order: each
    /// constant-product DEX's factory and the Uniswap V3 factory, every token's price feed and the
    /// token, then every pool, the `uniswapV3` pools last (only the given tokens and the pools
    /// between them, when `symbols` is set).
    public static func allowlist(network: NetworkConfig, tokens symbols: Set<String>? = nil) -> [(label: String, stage: AllowStage, data: [UInt8])] {
        var calls: [(String, AllowStage, [UInt8])] = []
        for dex in network.dexes where dex.kind == .constantProduct {
            guard let factory = dex.factory else { continue }
            calls.append(("allow \(dex.name) factory", .factory, setFactoryAllowed(factory, true)))
        }
        if let v3 = network.uniswapV3 {
            calls.append(("allow \(uniswapV3Name) factory", .factory, setFactoryAllowed(v3.factory, true)))
        }
        for token in network.tokens where symbols?.contains(token.symbol) ?? true {
            guard let feed = token.priceFeed else { continue }
            calls.append(("set \(token.symbol) price feed", .priceFeed, setPriceFeed(token: token.address, feed: feed.address, heartbeat: feed.heartbeat)))
        }
        for token in network.tokens where symbols?.contains(token.symbol) ?? true {
            calls.append(("allow token \(token.symbol)", .token, setTokenAllowed(token.address, true)))
        }
        // Labels must be unique: a DEX may have several pools of the same tokens (Balancer's 2021 and
        // later pools), which the pool's address then tells apart.
        let pools = network.pools ?? []
        let name = { (pool: NetworkConfig.PoolEntry) in "\(pool.dex) pool \(pool.tokens.joined(separator: "/"))" }
        let shared = Set(Dictionary(grouping: pools, by: name).filter { $0.value.count > 1 }.keys)
        for pool in pools {
            if let symbols, !pool.tokens.allSatisfy(symbols.contains) { continue }
            let pair = pool.tokens.joined(separator: "/") + (shared.contains(name(pool)) ? " \(pool.address)" : "")
            switch pool.kind {
            case .constantProduct:
                guard let factory = network.dex(named: pool.dex)?.factory else { continue }
                calls.append(("allow \(pool.dex) pool \(pair)", .pool, allowPool(pool.address, kind: .constantProduct, factory: factory)))
            case .concentratedLiquidity:
                continue  // V3 pools are listed from the network file's `uniswapV3` section below
            case .weighted:
                // the vault swaps in the Balancer vault fixed at its deployment (balancerVault(of:))
                guard network.dex(named: pool.dex)?.vault != nil else { continue }
                calls.append(("allow \(pool.dex) pool \(pair)", .pool, allowPool(pool.address, kind: .weighted, factory: nil)))
            }
        }
        if let v3 = network.uniswapV3 {
            for pool in v3.pools {
                if let symbols, !pool.tokens.allSatisfy(symbols.contains) { continue }
                // one pool per pair and fee tier: the fee tells a pair's pools apart
                calls.append(("allow \(uniswapV3Name) pool \(pool.tokens.joined(separator: "/")) fee \(pool.fee)", .pool,
                              allowPool(pool.address, kind: .concentratedLiquidity, factory: v3.factory)))
            }
        }
        return calls
    }

    /// How the allowlist labels the network file's `uniswapV3` contracts.
    static let uniswapV3Name = "uniswap-v3"
}
