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

    /// Checks a value built in code by the same rules a decoded snapshot obeys.
    public func validate() throws(ChainStateError) {
        _ = try ChainState(wire: ChainStateWire(self))
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
                         weights: p.weights.map { WireInteger($0.description) }, swapFee: WireInteger(p.swapFee.description))
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

// MARK: validation

extension ChainState {
    init(wire: ChainStateWire) throws(ChainStateError) {
        let root = JSONFieldPath()
        guard wire.chainId.value > 0 else { throw ChainStateError(root.key("chainId"), "must be positive") }

        let blockPath = root.key("block")
        let block = Block(number: wire.block.number.value, timestamp: wire.block.timestamp.value,
                          baseFeePerGas: try Self.integer(wire.block.baseFeePerGas, blockPath.key("baseFeePerGas")))

        var tokens: [Token] = []
        var decimalsBySymbol: [String: Int] = [:]
        var seenAddresses: Set<Address> = []
        for (k, t) in wire.tokens.enumerated() {
            let path = root.key("tokens").index(k)
            guard Self.isSymbol(t.symbol) else { throw ChainStateError(path.key("symbol"), "not a token symbol: \"\(t.symbol)\"") }
            guard decimalsBySymbol[t.symbol] == nil else { throw ChainStateError(path.key("symbol"), "duplicate symbol \"\(t.symbol)\"") }
            let address = try Self.address(t.address, path.key("address"))
            guard seenAddresses.insert(address).inserted else { throw ChainStateError(path.key("address"), "duplicate token address \(address)") }
            guard t.decimals.value <= 77 else { throw ChainStateError(path.key("decimals"), "\(t.decimals.value) decimals is more than any uint256 amount has") }
            let decimals = Int(t.decimals.value)
            decimalsBySymbol[t.symbol] = decimals
            tokens.append(Token(symbol: t.symbol, address: address, decimals: decimals))
        }

        func knownSymbol(_ symbol: String, _ path: JSONFieldPath) throws(ChainStateError) {
            guard decimalsBySymbol[symbol] != nil else { throw ChainStateError(path, "unknown token \"\(symbol)\"") }
        }

        var balances: [String: UInt256] = [:]
        for symbol in wire.balances.keys.sorted() {
            let path = root.key("balances").key(symbol)
            try knownSymbol(symbol, path)
            balances[symbol] = try Self.integer(wire.balances[symbol] ?? WireInteger(""), path)
        }

        var pools: [PoolState] = []
        var seenPools: Set<Address> = []
        for (k, p) in wire.pools.enumerated() {
            let path = root.key("pools").index(k)
            let pool = try Self.pool(p, path, decimalsBySymbol: decimalsBySymbol)
            guard seenPools.insert(pool.address).inserted else { throw ChainStateError(path.key("address"), "duplicate pool address \(pool.address)") }
            pools.append(pool)
        }

        let owner = try wire.owner.map { (s) throws(ChainStateError) in try Self.address(s, root.key("owner")) }
        let nativeBalance = try wire.nativeBalance.map { (w) throws(ChainStateError) in try Self.integer(w, root.key("nativeBalance")) }
        let priorityFee = try wire.priorityFeePerGas.map { (w) throws(ChainStateError) in try Self.integer(w, root.key("priorityFeePerGas")) }

        var allowances: [String: [Address: UInt256]] = [:]
        for symbol in (wire.allowances ?? [:]).keys.sorted() {
            let path = root.key("allowances").key(symbol)
            try knownSymbol(symbol, path)
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

        if let history = wire.priceHistory {
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

        var excluded: [Address] = []
        for (k, text) in (wire.excludedPools ?? []).enumerated() {
            let path = root.key("excludedPools").index(k)
            let address = try Self.address(text, path)
            guard seenPools.contains(address) else { throw ChainStateError(path, "\(address) is not one of the snapshot's pools") }
            excluded.append(address)
        }

        if let vault = wire.vault {
            for symbol in vault.unitValues.keys.sorted() { try knownSymbol(symbol, root.key("vault").key("unitValues").key(symbol)) }
        }

        self.init(chainId: wire.chainId.value, block: block, tokens: tokens, balances: balances, pools: pools,
                  owner: owner, nativeBalance: nativeBalance, allowances: allowances,
                  priorityFeePerGas: priorityFee, priceHistory: wire.priceHistory, excludedPools: excluded, vault: wire.vault)
    }

    private static func pool(_ p: ChainStateWire.PoolWire, _ path: JSONFieldPath, decimalsBySymbol: [String: Int]) throws(ChainStateError) -> PoolState {
        guard let kind = PoolKind(rawValue: p.kind) else {
            let known = PoolKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ChainStateError(path.key("kind"), "unknown pool kind \"\(p.kind)\" (known: \(known))")
        }
        let address = try Self.address(p.address, path.key("address"))
        var seen: Set<String> = []
        for (k, symbol) in p.tokens.enumerated() {
            guard decimalsBySymbol[symbol] != nil else { throw ChainStateError(path.key("tokens"), "unknown token \"\(symbol)\"") }
            guard seen.insert(symbol).inserted else { throw ChainStateError(path.key("tokens").index(k), "\"\(symbol)\" appears twice in one pool") }
        }

        switch kind {
        case .constantProduct:
            guard p.tokens.count == 2 else {
                throw ChainStateError(path.key("tokens"), "a constant-product pool has exactly 2 tokens, got \(p.tokens.count)")
            }
            guard let reservesWire = p.reserves else { throw ChainStateError(path.key("reserves"), "missing") }
            guard reservesWire.count == 2 else {
                throw ChainStateError(path.key("reserves"), "a constant-product pool has exactly 2 reserves, got \(reservesWire.count)")
            }
            let reserves = try integers(reservesWire, path.key("reserves"))
            guard let fee = p.feeBps else { throw ChainStateError(path.key("feeBps"), "missing") }
            guard fee.value < 10_000 else { throw ChainStateError(path.key("feeBps"), "must be below 10000 (100 %)") }
            return .constantProduct(ConstantProductPool(address: address, tokens: p.tokens, reserves: reserves, feeBps: fee.value, dex: p.dex))

        case .weighted:
            let n = p.tokens.count
            guard (WeightedPool.minTokens...WeightedPool.maxTokens).contains(n) else {
                throw ChainStateError(path.key("tokens"), "a weighted pool has 2 to 8 tokens, got \(n)")
            }
            guard let poolIdText = p.poolId else { throw ChainStateError(path.key("poolId"), "missing") }
            let poolId = try Self.poolId(poolIdText, path.key("poolId"))
            guard let balancesWire = p.balances else { throw ChainStateError(path.key("balances"), "missing") }
            guard balancesWire.count == n else { throw ChainStateError(path.key("balances"), "\(balancesWire.count) balances for \(n) tokens") }
            guard let weightsWire = p.weights else { throw ChainStateError(path.key("weights"), "missing") }
            guard weightsWire.count == n else { throw ChainStateError(path.key("weights"), "\(weightsWire.count) weights for \(n) tokens") }
            let balances = try integers(balancesWire, path.key("balances"))
            let weights = try integers(weightsWire, path.key("weights"))
            var sum = UInt256.zero
            for (k, w) in weights.enumerated() {
                guard w >= WeightedMath.minWeight else {
                    throw ChainStateError(path.key("weights").index(k), "\(w) is below the 1 % minimum weight (10000000000000000)")
                }
                sum = sum.adding(w) ?? .max
            }
            guard sum == FixedPoint.one else {
                throw ChainStateError(path.key("weights"), "normalized weights sum to \(sum), not 1000000000000000000")
            }
            guard let feeWire = p.swapFee else { throw ChainStateError(path.key("swapFee"), "missing") }
            let swapFee = try integer(feeWire, path.key("swapFee"))
            guard swapFee < FixedPoint.one else { throw ChainStateError(path.key("swapFee"), "must be below 1e18 (100 %)") }
            var decimals: [Int] = []
            for (k, symbol) in p.tokens.enumerated() {
                let d = decimalsBySymbol[symbol] ?? 18
                guard d <= 18 else {
                    throw ChainStateError(path.key("tokens").index(k), "\"\(symbol)\" has \(d) decimals; Balancer pools support at most 18")
                }
                decimals.append(d)
            }
            return .weighted(WeightedPool(address: address, poolId: poolId, tokens: p.tokens, decimals: decimals,
                                          balances: balances, weights: weights, swapFee: swapFee, dex: p.dex))

        case .concentratedLiquidity:
            return .concentratedLiquidity(try concentratedLiquidityPool(p, path, address: address))
        }
    }

    private static func concentratedLiquidityPool(_ p: ChainStateWire.PoolWire, _ path: JSONFieldPath,
                                                  address: Address) throws(ChainStateError) -> ConcentratedLiquidityPool {
        guard p.tokens.count == 2 else {
            throw ChainStateError(path.key("tokens"), "a concentrated-liquidity pool has exactly 2 tokens, got \(p.tokens.count)")
        }
        guard let fee = p.fee else { throw ChainStateError(path.key("fee"), "missing") }
        guard fee.value < 1_000_000 else { throw ChainStateError(path.key("fee"), "must be below 1000000 (100 %)") }
        guard let spacing = p.tickSpacing else { throw ChainStateError(path.key("tickSpacing"), "missing") }
        guard (1...16_384).contains(spacing) else { throw ChainStateError(path.key("tickSpacing"), "must be 1 to 16384, got \(spacing)") }
        guard let priceWire = p.sqrtPriceX96 else { throw ChainStateError(path.key("sqrtPriceX96"), "missing") }
        let sqrtPrice = try integer(priceWire, path.key("sqrtPriceX96"))
        guard sqrtPrice >= TickMath.minSqrtRatio, sqrtPrice < TickMath.maxSqrtRatio else {
            throw ChainStateError(path.key("sqrtPriceX96"), "\(sqrtPrice) is outside the pool's price range")
        }
        guard let tick = p.tick else { throw ChainStateError(path.key("tick"), "missing") }
        guard TickMath.tick(atSqrtRatio: sqrtPrice) == tick || TickMath.sqrtRatio(atTick: tick + 1) == sqrtPrice else {
            throw ChainStateError(path.key("tick"), "\(tick) is not the tick of sqrtPriceX96 \(sqrtPrice)")
        }
        guard let liquidityWire = p.liquidity else { throw ChainStateError(path.key("liquidity"), "missing") }
        let liquidity = try integer(liquidityWire, path.key("liquidity"))
        guard liquidity <= LiquidityMath.uint128Max else { throw ChainStateError(path.key("liquidity"), "wider than uint128") }
        guard let windowWire = p.window else { throw ChainStateError(path.key("window"), "missing") }
        guard windowWire.lowerTick <= windowWire.upperTick else {
            throw ChainStateError(path.key("window"), "lowerTick \(windowWire.lowerTick) is above upperTick \(windowWire.upperTick)")
        }
        let window = ConcentratedLiquidityPool.Window(lowerTick: windowWire.lowerTick, upperTick: windowWire.upperTick)
        var ticks: [ConcentratedLiquidityPool.Tick] = []
        for (k, t) in (p.ticks ?? []).enumerated() {
            let tickPath = path.key("ticks").index(k)
            guard t.index % spacing == 0, t.index >= TickMath.minTick, t.index <= TickMath.maxTick else {
                throw ChainStateError(tickPath.key("index"), "\(t.index) is not a usable tick at spacing \(spacing)")
            }
            guard t.index >= window.lowerTick, t.index <= window.upperTick else {
                throw ChainStateError(tickPath.key("index"), "\(t.index) is outside the window")
            }
            if let last = ticks.last, last.index >= t.index {
                throw ChainStateError(tickPath.key("index"), "ticks must be ascending and distinct")
            }
            guard let net = Int256(parsing: t.liquidityNet), net.fits(inBits: 128), !net.bitPattern.isZero else {
                throw ChainStateError(tickPath.key("liquidityNet"), "not a non-zero int128: \"\(t.liquidityNet)\"")
            }
            ticks.append(ConcentratedLiquidityPool.Tick(index: t.index, liquidityNet: net))
        }
        return ConcentratedLiquidityPool(address: address, tokens: p.tokens, fee: UInt32(fee.value), tickSpacing: spacing,
                                         sqrtPriceX96: sqrtPrice, tick: tick, liquidity: liquidity, ticks: ticks,
                                         window: window, dex: p.dex)
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
