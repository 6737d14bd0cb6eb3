import EthCore
import Foundation

// The snapshot's JSON form (docs/ARCHITECTURE.md, "Interfaces that others rely on"), its validation,
// and its encoding. All integers that can exceed 2^53 are decimal strings; chain id, block number,
// timestamp, decimals and feeBps are JSON numbers (strings accepted too).

struct ChainStateWire: Codable {
    struct BlockWire: Codable {
        var number: WireUInt64
        var timestamp: WireUInt64
        var baseFeePerGas: WireInteger
    }
    struct TokenWire: Codable {
        var symbol: String
        var address: String
        var decimals: WireUInt64
    }
    struct PoolWire: Codable {
        var kind: String
        var dex: String?
        var address: String
        var tokens: [String]
        // constant-product
        var reserves: [WireInteger]?
        var feeBps: WireUInt64?
        // weighted
        var poolId: String?
        var balances: [WireInteger]?
        var weights: [WireInteger]?
        var swapFee: WireInteger?
        /// 1: the 2021 factories' pow; absent or 2: later factories'.
        var mathVersion: WireUInt64?
        // concentrated-liquidity
        var fee: WireUInt64?
        var tickSpacing: Int?
        var sqrtPriceX96: WireInteger?
        var tick: Int?
        var liquidity: WireInteger?
        var ticks: [TickWire]?
        var window: WindowWire?
    }
    struct TickWire: Codable {
        var index: Int
        var liquidityNet: String
    }
    struct WindowWire: Codable {
        var lowerTick: Int
        var upperTick: Int
    }

    var chainId: WireUInt64
    var block: BlockWire
    var tokens: [TokenWire]
    var balances: [String: WireInteger]
    var pools: [PoolWire]
    var owner: String?
    var nativeBalance: WireInteger?
    var allowances: [String: [String: WireInteger]]?
    var priorityFeePerGas: WireInteger?
    var priceHistory: PriceHistory?
    var excludedPools: [String]?
    var vault: VaultBounds?
}

extension ChainState: Codable {
    public init(from decoder: any Decoder) throws {
        self = try ChainState(wire: ChainStateWire(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try ChainStateWire(self).encode(to: encoder)
    }

    /// Decodes and validates a snapshot; every problem is reported with its field path.
    public static func decode(_ json: Data) throws(ChainStateError) -> ChainState {
        do {
            return try JSONDecoder().decode(ChainState.self, from: json)
        } catch let error as ChainStateError {
            throw error
        } catch let error as DecodingError {
            let (path, message) = JSONFieldPath.describe(error, in: json)
            throw ChainStateError(path, message)
        } catch {
            throw ChainStateError(field: "", message: "\(error)")
        }
    }

    /// The snapshot as pretty-printed JSON with sorted keys (stable output for diffs and tests).
    public func jsonData() throws(ChainStateError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(self) } catch { throw ChainStateError(field: "", message: "cannot encode: \(error)") }
    }

}

extension ChainStateWire {
    init(_ s: ChainState) {
        chainId = WireUInt64(s.chainId)
        block = BlockWire(number: WireUInt64(s.block.number), timestamp: WireUInt64(s.block.timestamp),
                          baseFeePerGas: WireInteger(s.block.baseFeePerGas.description))
        tokens = s.tokens.map { TokenWire(symbol: $0.symbol, address: $0.address.checksummed, decimals: WireUInt64(UInt64(clamping: $0.decimals))) }
        balances = s.balances.mapValues { WireInteger($0.description) }
        pools = s.pools.map { pool in
            switch pool {
            case .constantProduct(let p):
                PoolWire(kind: PoolKind.constantProduct.rawValue, dex: p.dex, address: p.address.checksummed, tokens: p.tokens,
                         reserves: p.reserves.map { WireInteger($0.description) }, feeBps: WireUInt64(p.feeBps))
            case .weighted(let p):
                PoolWire(kind: PoolKind.weighted.rawValue, dex: p.dex, address: p.address.checksummed, tokens: p.tokens,
                         poolId: Hex.encode(p.poolId), balances: p.balances.map { WireInteger($0.description) },
                         weights: p.weights.map { WireInteger($0.description) }, swapFee: WireInteger(p.swapFee.description),
                         mathVersion: p.mathVersion == .v2 ? nil : WireUInt64(UInt64(p.mathVersion.rawValue)))
            case .concentratedLiquidity(let p):
                PoolWire(kind: PoolKind.concentratedLiquidity.rawValue, dex: p.dex, address: p.address.checksummed, tokens: p.tokens,
                         fee: WireUInt64(UInt64(p.fee)), tickSpacing: p.tickSpacing, sqrtPriceX96: WireInteger(p.sqrtPriceX96.description),
                         tick: p.tick, liquidity: WireInteger(p.liquidity.description),
                         ticks: p.ticks.map { TickWire(index: $0.index, liquidityNet: $0.liquidityNet.description) },
                         window: WindowWire(lowerTick: p.window.lowerTick, upperTick: p.window.upperTick))
            }
        }
        owner = s.owner?.checksummed
        nativeBalance = s.nativeBalance.map { WireInteger($0.description) }
        allowances = s.allowances.isEmpty ? nil : s.allowances.mapValues { bySpender in
            Dictionary(uniqueKeysWithValues: bySpender.map { ($0.key.checksummed, WireInteger($0.value.description)) })
        }
        priorityFeePerGas = s.priorityFeePerGas.map { WireInteger($0.description) }
        priceHistory = s.priceHistory
        excludedPools = s.excludedPools.isEmpty ? nil : s.excludedPools.map(\.checksummed)
        vault = s.vault
    }
}

// MARK: reading the wire form

extension ChainState {
    /// Turns the text of a snapshot into values (each pool checked by its own initialiser), then
    /// checks how the parts fit together with `validate()`, the check a node read gets too.
    init(wire: ChainStateWire) throws(ChainStateError) {
        let root = JSONFieldPath()
        let blockPath = root.key("block")
        let block = Block(number: wire.block.number.value, timestamp: wire.block.timestamp.value,
                          baseFeePerGas: try Self.integer(wire.block.baseFeePerGas, blockPath.key("baseFeePerGas")))

        var tokens: [Token] = []
        for (k, t) in wire.tokens.enumerated() {
            let address = try Self.address(t.address, root.key("tokens").index(k).key("address"))
            tokens.append(Token(symbol: t.symbol, address: address, decimals: Int(exactly: t.decimals.value) ?? .max))
        }
        let decimalsBySymbol = Dictionary(tokens.map { ($0.symbol, $0.decimals) }, uniquingKeysWith: { first, _ in first })

        var balances: [String: UInt256] = [:]
        for symbol in wire.balances.keys.sorted() {
            balances[symbol] = try Self.integer(wire.balances[symbol] ?? WireInteger(""), root.key("balances").key(symbol))
        }

        var pools: [PoolState] = []
        for (k, p) in wire.pools.enumerated() {
            pools.append(try Self.pool(p, root.key("pools").index(k), decimalsBySymbol: decimalsBySymbol))
        }

        let owner = try wire.owner.map { (s) throws(ChainStateError) in try Self.address(s, root.key("owner")) }
        let nativeBalance = try wire.nativeBalance.map { (w) throws(ChainStateError) in try Self.integer(w, root.key("nativeBalance")) }
        let priorityFee = try wire.priorityFeePerGas.map { (w) throws(ChainStateError) in try Self.integer(w, root.key("priorityFeePerGas")) }

        var allowances: [String: [Address: UInt256]] = [:]
        for symbol in (wire.allowances ?? [:]).keys.sorted() {
            let path = root.key("allowances").key(symbol)
            var bySpender: [Address: UInt256] = [:]
            let entries = wire.allowances?[symbol] ?? [:]
            for spenderText in entries.keys.sorted() {
                let spenderPath = path.key(spenderText)
                let spender = try Self.address(spenderText, spenderPath)
                guard bySpender[spender] == nil else { throw ChainStateError(spenderPath, "spender listed twice") }
                bySpender[spender] = try Self.integer(entries[spenderText] ?? WireInteger(""), spenderPath)
            }
            allowances[symbol] = bySpender
        }

        var excluded: [Address] = []
        for (k, text) in (wire.excludedPools ?? []).enumerated() {
            excluded.append(try Self.address(text, root.key("excludedPools").index(k)))
        }

        self.init(chainId: wire.chainId.value, block: block, tokens: tokens, balances: balances, pools: pools,
                  owner: owner, nativeBalance: nativeBalance, allowances: allowances,
                  priorityFeePerGas: priorityFee, priceHistory: wire.priceHistory, excludedPools: excluded, vault: wire.vault)
        try validate()
    }

    /// How the parts fit together: unique tokens and pools, every symbol a known token, pools'
    /// decimals those of their tokens, price samples in order. Pools check themselves when made.
    /// Errors name the field as the snapshot's JSON spells it.
    public func validate() throws(ChainStateError) {
        let root = JSONFieldPath()
        guard chainId > 0 else { throw ChainStateError(root.key("chainId"), "must be positive") }

        var decimalsBySymbol: [String: Int] = [:]
        var seenAddresses: Set<Address> = []
        for (k, t) in tokens.enumerated() {
            let path = root.key("tokens").index(k)
            guard Self.isSymbol(t.symbol) else { throw ChainStateError(path.key("symbol"), "not a token symbol: \"\(t.symbol)\"") }
            guard decimalsBySymbol[t.symbol] == nil else { throw ChainStateError(path.key("symbol"), "duplicate symbol \"\(t.symbol)\"") }
            guard seenAddresses.insert(t.address).inserted else { throw ChainStateError(path.key("address"), "duplicate token address \(t.address)") }
            guard (0...77).contains(t.decimals) else {
                throw ChainStateError(path.key("decimals"), "\(t.decimals) decimals is more than any uint256 amount has")
            }
            decimalsBySymbol[t.symbol] = t.decimals
        }

        func knownSymbol(_ symbol: String, _ path: JSONFieldPath) throws(ChainStateError) {
            guard decimalsBySymbol[symbol] != nil else { throw ChainStateError(path, "unknown token \"\(symbol)\"") }
        }

        for symbol in balances.keys.sorted() { try knownSymbol(symbol, root.key("balances").key(symbol)) }

        var seenPools: Set<Address> = []
        for (k, pool) in pools.enumerated() {
            let path = root.key("pools").index(k)
            for symbol in pool.tokens { try knownSymbol(symbol, path.key("tokens")) }
            if case .weighted(let w) = pool {
                for (t, symbol) in w.tokens.enumerated() where w.decimals[t] != decimalsBySymbol[symbol] {
                    throw ChainStateError(path.key("tokens").index(t), "the pool scales \"\(symbol)\" as \(w.decimals[t]) decimals, the token has \(decimalsBySymbol[symbol] ?? 0)")
                }
            }
            guard seenPools.insert(pool.address).inserted else { throw ChainStateError(path.key("address"), "duplicate pool address \(pool.address)") }
        }

        for symbol in allowances.keys.sorted() { try knownSymbol(symbol, root.key("allowances").key(symbol)) }

        if let history = priceHistory {
            let path = root.key("priceHistory")
            try knownSymbol(history.quote, path.key("quote"))
            var previous: UInt64 = 0
            for (k, sample) in history.samples.enumerated() {
                let samplePath = path.key("samples").index(k)
                guard sample.timestamp >= previous else { throw ChainStateError(samplePath.key("timestamp"), "samples must be oldest first") }
                previous = sample.timestamp
                for symbol in sample.prices.keys.sorted() {
                    let pricePath = samplePath.key("prices").key(symbol)
                    try knownSymbol(symbol, pricePath)
                    guard let price = sample.prices[symbol], price.isFinite, price > 0 else {
                        throw ChainStateError(pricePath, "a price must be a positive finite number")
                    }
                }
            }
        }

        for (k, address) in excludedPools.enumerated() where !seenPools.contains(address) {
            throw ChainStateError(root.key("excludedPools").index(k), "\(address) is not one of the snapshot's pools")
        }

        if let vault {
            for symbol in vault.unitValues.keys.sorted() { try knownSymbol(symbol, root.key("vault").key("unitValues").key(symbol)) }
        }
    }

    private static func pool(_ p: ChainStateWire.PoolWire, _ path: JSONFieldPath, decimalsBySymbol: [String: Int]) throws(ChainStateError) -> PoolState {
        guard let kind = PoolKind(rawValue: p.kind) else {
            let known = PoolKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ChainStateError(path.key("kind"), "unknown pool kind \"\(p.kind)\" (known: \(known))")
        }
        let address = try Self.address(p.address, path.key("address"))
        func required<T>(_ value: T?, _ field: String) throws(ChainStateError) -> T {
            guard let value else { throw ChainStateError(path.key(field), "missing") }
            return value
        }
        do {
            switch kind {
            case .constantProduct:
                let reserves = try integers(try required(p.reserves, "reserves"), path.key("reserves"))
                let fee = try required(p.feeBps, "feeBps")
                return .constantProduct(try ConstantProductPool(address: address, tokens: p.tokens, reserves: reserves, feeBps: fee.value, dex: p.dex))

            case .weighted:
                let poolId = try Self.poolId(try required(p.poolId, "poolId"), path.key("poolId"))
                let balances = try integers(try required(p.balances, "balances"), path.key("balances"))
                let weights = try integers(try required(p.weights, "weights"), path.key("weights"))
                let swapFee = try integer(try required(p.swapFee, "swapFee"), path.key("swapFee"))
                // An unknown symbol is reported by validate(); its decimals here only need to be in range.
                let decimals = p.tokens.map { decimalsBySymbol[$0] ?? 18 }
                let version = try Self.mathVersion(p.mathVersion, path.key("mathVersion"))
                return .weighted(try WeightedPool(address: address, poolId: poolId, tokens: p.tokens, decimals: decimals,
                                                  balances: balances, weights: weights, swapFee: swapFee, dex: p.dex,
                                                  mathVersion: version))

            case .concentratedLiquidity:
                return .concentratedLiquidity(try concentratedLiquidityPool(p, path, address: address))
            }
        } catch let error as PoolInvariantError {
            let field = path.key(error.field)
            throw ChainStateError(error.index.map { field.index($0) } ?? field, error.message)
        } catch let error as ChainStateError {
            throw error
        } catch {
            throw ChainStateError(path, "\(error)")
        }
    }

    /// The wire's fields parsed; what a V3 pool's state must satisfy is the pool's own initialiser's
    /// to check (its `PoolInvariantError` is mapped to the field above).
    private static func concentratedLiquidityPool(_ p: ChainStateWire.PoolWire, _ path: JSONFieldPath,
                                                  address: Address) throws -> ConcentratedLiquidityPool {
        guard let fee = p.fee else { throw ChainStateError(path.key("fee"), "missing") }
        guard fee.value < 1_000_000 else { throw ChainStateError(path.key("fee"), "must be below 1000000 (100 %)") }
        guard let spacing = p.tickSpacing else { throw ChainStateError(path.key("tickSpacing"), "missing") }
        guard let priceWire = p.sqrtPriceX96 else { throw ChainStateError(path.key("sqrtPriceX96"), "missing") }
        let sqrtPrice = try integer(priceWire, path.key("sqrtPriceX96"))
        guard let tick = p.tick else { throw ChainStateError(path.key("tick"), "missing") }
        guard let liquidityWire = p.liquidity else { throw ChainStateError(path.key("liquidity"), "missing") }
        let liquidity = try integer(liquidityWire, path.key("liquidity"))
        guard let windowWire = p.window else { throw ChainStateError(path.key("window"), "missing") }
        let window = ConcentratedLiquidityPool.Window(lowerTick: windowWire.lowerTick, upperTick: windowWire.upperTick)
        var ticks: [ConcentratedLiquidityPool.Tick] = []
        for (k, t) in (p.ticks ?? []).enumerated() {
            guard let net = Int256(parsing: t.liquidityNet) else {
                throw ChainStateError(path.key("ticks").index(k).key("liquidityNet"), "not an integer: \"\(t.liquidityNet)\"")
            }
            ticks.append(ConcentratedLiquidityPool.Tick(index: t.index, liquidityNet: net))
        }
        return try ConcentratedLiquidityPool(address: address, tokens: p.tokens, fee: UInt32(fee.value), tickSpacing: spacing,
                                             sqrtPriceX96: sqrtPrice, tick: tick, liquidity: liquidity, ticks: ticks,
                                             window: window, dex: p.dex)
    }

    static func mathVersion(_ wire: WireUInt64?, _ path: JSONFieldPath) throws(ChainStateError) -> BalancerMathVersion {
        guard let wire else { return .v2 }
        guard let version = BalancerMathVersion(rawValue: Int(clamping: wire.value)) else {
            throw ChainStateError(path, "must be 1 (Balancer's 2021 factories) or 2, got \(wire.value)")
        }
        return version
    }

    static func integer(_ w: WireInteger, _ path: JSONFieldPath) throws(ChainStateError) -> UInt256 {
        guard let v = UInt256(decimal: w.text) else {
            throw ChainStateError(path, "not a decimal integer: \"\(w.text)\"")
        }
        return v
    }

    private static func integers(_ ws: [WireInteger], _ path: JSONFieldPath) throws(ChainStateError) -> [UInt256] {
        var out: [UInt256] = []
        for (k, w) in ws.enumerated() { out.append(try integer(w, path.index(k))) }
        return out
    }

    static func address(_ text: String, _ path: JSONFieldPath) throws(ChainStateError) -> Address {
        do { return try Address(text) } catch { throw ChainStateError(path, error.description) }
    }

    static func poolId(_ text: String, _ path: JSONFieldPath) throws(ChainStateError) -> [UInt8] {
        guard text.hasPrefix("0x"), let bytes = try? Hex.decode(text), bytes.count == 32 else {
            throw ChainStateError(path, "a pool id is 0x + 64 hex digits, got \"\(text)\"")
        }
        return bytes
    }

    /// Symbols are printable and short: they become JSON keys and table headers.
    static func isSymbol(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 32 && s.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && $0.value < 127 && $0 != "\"" }
    }
}
