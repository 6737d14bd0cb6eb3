import EthCore
import Foundation

struct NetworkConfigWire: Decodable {
    struct TokenWire: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case symbol, address, decimals, approvalResetRequired, returnsBool, priceFeed }
        var symbol: String
        var address: String
        var decimals: WireUInt64
        var approvalResetRequired: Bool?
        var returnsBool: Bool?
        var priceFeed: PriceFeedWire?
    }
    struct PriceFeedWire: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case address, heartbeat }
        var address: String
        var heartbeat: WireUInt64
    }
    struct DexWire: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, kind, factory, router, feeBps, vault }
        var name: String
        var kind: String
        var factory: String?
        var router: String?
        var feeBps: WireUInt64?
        var vault: String?
    }
    struct PoolWire: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case dex, kind, address, tokens, feeBps, poolId, mathVersion }
        var dex: String
        var kind: String?
        var address: String
        var tokens: [String]
        var feeBps: WireUInt64?
        var poolId: String?
        var mathVersion: WireUInt64?
    }
    struct GasWire: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case maxFeePerGas, maxPriorityFeePerGas }
        var maxFeePerGas: WireInteger
        var maxPriorityFeePerGas: WireInteger
    }

    var name: String
    var chainId: WireUInt64
    var mainnet: Bool
    var rpcUrlEnv: String
    var defaultRpcUrl: String?
    var multicall3: String
    var wrappedNative: String?
    var tokens: [TokenWire]
    var dexes: [DexWire]
    var pools: [PoolWire]?
    var gas: GasWire
    var confirmations: WireUInt64
    var replaceAfterBlocks: WireUInt64
    var sources: [String: String]?
    var sendVia: String?
    var uniswapV3: UniswapV3Wire?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, chainId, mainnet, rpcUrlEnv, defaultRpcUrl, multicall3, wrappedNative, tokens, dexes, pools, gas,
             confirmations, replaceAfterBlocks, sources, sendVia, uniswapV3
    }

    /// The first field the file has but no network file knows (a misspelt "adress" must not
    /// leave a token without its address check, nor a gas cap silently at a default).
    static func unknownField(in json: Data) -> (path: JSONFieldPath, name: String)? {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        func names<K: CaseIterable & RawRepresentable>(_: K.Type) -> Set<String> where K.RawValue == String {
            Set(K.allCases.map(\.rawValue))
        }
        func check(_ object: [String: Any], _ allowed: Set<String>, _ path: JSONFieldPath) -> (JSONFieldPath, String)? {
            object.keys.sorted().first { !allowed.contains($0) }.map { (path.key($0), $0) }
        }
        func each(_ key: String, _ allowed: Set<String>) -> (JSONFieldPath, String)? {
            for (i, item) in ((root[key] as? [Any]) ?? []).enumerated() {
                if let object = item as? [String: Any], let bad = check(object, allowed, JSONFieldPath().key(key).index(i)) { return bad }
            }
            return nil
        }
        if let bad = check(root, names(CodingKeys.self), JSONFieldPath()) { return bad }
        if let bad = each("tokens", names(TokenWire.CodingKeys.self)) { return bad }
        for (i, item) in ((root["tokens"] as? [Any]) ?? []).enumerated() {
            if let feed = (item as? [String: Any])?["priceFeed"] as? [String: Any],
               let bad = check(feed, names(PriceFeedWire.CodingKeys.self), JSONFieldPath().key("tokens").index(i).key("priceFeed")) {
                return bad
            }
        }
        if let bad = each("dexes", names(DexWire.CodingKeys.self)) { return bad }
        if let bad = each("pools", names(PoolWire.CodingKeys.self)) { return bad }
        if let v3 = root["uniswapV3"] as? [String: Any] {
            let path = JSONFieldPath().key("uniswapV3")
            if let bad = check(v3, names(UniswapV3Wire.CodingKeys.self), path) { return bad }
            for (i, item) in ((v3["pools"] as? [Any]) ?? []).enumerated() {
                if let object = item as? [String: Any],
                   let bad = check(object, names(UniswapV3Wire.PoolWire.CodingKeys.self), path.key("pools").index(i)) { return bad }
            }
            for (i, item) in ((v3["discover"] as? [Any]) ?? []).enumerated() {
                if let object = item as? [String: Any],
                   let bad = check(object, names(UniswapV3Wire.DiscoveryWire.CodingKeys.self), path.key("discover").index(i)) { return bad }
            }
        }
        if let gas = root["gas"] as? [String: Any], let bad = check(gas, names(GasWire.CodingKeys.self), JSONFieldPath().key("gas")) {
            return bad
        }
        return nil
    }
}

extension NetworkConfig {
    /// Decodes and validates a network file's contents; `file` names it in errors.
    public static func decode(_ json: Data, file: String) throws(NetworkConfigError) -> NetworkConfig {
        if let unknown = NetworkConfigWire.unknownField(in: json) {
            throw NetworkConfigError(file: file, field: unknown.path.text, message: "unknown field \"\(unknown.name)\"")
        }
        let wire: NetworkConfigWire
        do {
            wire = try JSONDecoder().decode(NetworkConfigWire.self, from: json)
        } catch let error as DecodingError {
            let (path, message) = JSONFieldPath.describe(error, in: json)
            throw NetworkConfigError(file: file, field: path.text, message: message)
        } catch {
            throw NetworkConfigError(file: file, field: "", message: "\(error)")
        }
        var v = Validator(file: file)
        return try v.validate(wire)
    }
}

/// Validation of a decoded network file. Collects every address it accepts with its field path,
/// so that a public network can be checked for a published source of each.
private struct Validator {
    let file: String
    var addressFields: [(path: String, address: Address)] = []

    init(file: String) { self.file = file }

    func fail(_ path: JSONFieldPath, _ message: String) -> NetworkConfigError {
        NetworkConfigError(file: file, field: path.text, message: message)
    }

    /// Network files carry EIP-55 checksummed addresses only: a typo then fails loudly.
    mutating func address(_ text: String, _ path: JSONFieldPath) throws(NetworkConfigError) -> Address {
        let a: Address
        do { a = try Address(text) } catch { throw fail(path, error.description) }
        guard text == a.checksummed else {
            throw fail(path, "address \(text) is not in EIP-55 checksum form (expected \(a.checksummed))")
        }
        addressFields.append((path.text, a))
        return a
    }

    func integer(_ w: WireInteger, _ path: JSONFieldPath) throws(NetworkConfigError) -> UInt256 {
        guard let v = UInt256(decimal: w.text) else { throw fail(path, "not a decimal integer: \"\(w.text)\"") }
        return v
    }

    mutating func validate(_ w: NetworkConfigWire) throws(NetworkConfigError) -> NetworkConfig {
        let root = JSONFieldPath()
        guard !w.name.isEmpty else { throw fail(root.key("name"), "must not be empty") }
        guard w.chainId.value > 0 else { throw fail(root.key("chainId"), "must be positive") }
        if w.chainId.value == 1 && !w.mainnet {
            throw fail(root.key("mainnet"), "chain id 1 is Ethereum mainnet: set \"mainnet\": true")
        }
        guard Self.isEnvName(w.rpcUrlEnv) else {
            throw fail(root.key("rpcUrlEnv"), "\"\(w.rpcUrlEnv)\" is not an environment variable name (A-Z, 0-9, _)")
        }
        if let url = w.defaultRpcUrl, !NetworkConfig.isLocalURL(url) {
            throw fail(root.key("defaultRpcUrl"), "only local networks (127.0.0.1, localhost) may name a default RPC URL; public ones read \(w.rpcUrlEnv)")
        }
        let isLocal = w.defaultRpcUrl.map(NetworkConfig.isLocalURL) ?? false
        if w.mainnet && isLocal { throw fail(root.key("defaultRpcUrl"), "a mainnet network cannot be local") }

        let multicall3 = try address(w.multicall3, root.key("multicall3"))

        var tokens: [NetworkConfig.TokenEntry] = []
        var symbols: Set<String> = []
        var tokenAddresses: Set<Address> = []
        for (k, t) in w.tokens.enumerated() {
            let path = root.key("tokens").index(k)
            guard ChainState.isSymbol(t.symbol) else { throw fail(path.key("symbol"), "not a token symbol: \"\(t.symbol)\"") }
            guard symbols.insert(t.symbol).inserted else { throw fail(path.key("symbol"), "duplicate symbol \"\(t.symbol)\"") }
            let a = try address(t.address, path.key("address"))
            guard tokenAddresses.insert(a).inserted else { throw fail(path.key("address"), "duplicate token address \(a)") }
            guard t.decimals.value <= 77 else { throw fail(path.key("decimals"), "\(t.decimals.value) decimals is more than any uint256 amount has") }
            var feed: NetworkConfig.PriceFeed?
            if let f = t.priceFeed {
                let feedPath = path.key("priceFeed")
                let feedAddress = try address(f.address, feedPath.key("address"))
                // the vault's bounds: 1 second to 7 days
                guard (1...NetworkConfig.maxFeedHeartbeat).contains(f.heartbeat.value) else {
                    throw fail(feedPath.key("heartbeat"), "must be 1 to \(NetworkConfig.maxFeedHeartbeat) seconds")
                }
                feed = .init(address: feedAddress, heartbeat: f.heartbeat.value)
            }
            tokens.append(.init(symbol: t.symbol, address: a, decimals: Int(t.decimals.value),
                                approvalResetRequired: t.approvalResetRequired ?? false, returnsBool: t.returnsBool ?? true,
                                priceFeed: feed))
        }
        if let wrapped = w.wrappedNative, !symbols.contains(wrapped) {
            throw fail(root.key("wrappedNative"), "unknown token \"\(wrapped)\"")
        }

        var dexes: [NetworkConfig.Dex] = []
        for (k, d) in w.dexes.enumerated() {
            let path = root.key("dexes").index(k)
            guard !d.name.isEmpty else { throw fail(path.key("name"), "must not be empty") }
            guard !dexes.contains(where: { $0.name == d.name }) else { throw fail(path.key("name"), "duplicate DEX name \"\(d.name)\"") }
            let kind = try poolKind(d.kind, path.key("kind"))
            var dex = NetworkConfig.Dex(name: d.name, kind: kind)
            switch kind {
            case .constantProduct:
                guard let factory = d.factory else { throw fail(path.key("factory"), "missing (a constant-product DEX needs its factory)") }
                guard let router = d.router else { throw fail(path.key("router"), "missing (a constant-product DEX needs its router)") }
                guard let fee = d.feeBps else { throw fail(path.key("feeBps"), "missing") }
                guard fee.value < 10_000 else { throw fail(path.key("feeBps"), "must be below 10000 (100 %)") }
                dex.factory = try address(factory, path.key("factory"))
                dex.router = try address(router, path.key("router"))
                dex.feeBps = fee.value
            case .weighted:
                guard let vault = d.vault else { throw fail(path.key("vault"), "missing (a weighted DEX needs its vault)") }
                dex.vault = try address(vault, path.key("vault"))
            case .concentratedLiquidity:
                // Pools of this kind come in snapshots; the state loader does not read them yet.
                throw fail(path.key("kind"), "\"concentrated-liquidity\" DEXes are not loaded from a network file yet")
            }
            dexes.append(dex)
        }

        var pools: [NetworkConfig.PoolEntry]?
        if let wirePools = w.pools {
            var out: [NetworkConfig.PoolEntry] = []
            var poolAddresses: Set<Address> = []
            for (k, p) in wirePools.enumerated() {
                let path = root.key("pools").index(k)
                guard let dex = dexes.first(where: { $0.name == p.dex }) else {
                    throw fail(path.key("dex"), "unknown DEX \"\(p.dex)\" (not in dexes)")
                }
                let kind = try p.kind.map { (s) throws(NetworkConfigError) in try poolKind(s, path.key("kind")) } ?? dex.kind
                guard kind == dex.kind else {
                    throw fail(path.key("kind"), "\"\(kind.rawValue)\" pool on DEX \"\(dex.name)\" of kind \"\(dex.kind.rawValue)\"")
                }
                let a = try address(p.address, path.key("address"))
                guard poolAddresses.insert(a).inserted else { throw fail(path.key("address"), "duplicate pool address \(a)") }
                var seen: Set<String> = []
                for (t, symbol) in p.tokens.enumerated() {
                    guard symbols.contains(symbol) else { throw fail(path.key("tokens"), "unknown token \"\(symbol)\"") }
                    guard seen.insert(symbol).inserted else { throw fail(path.key("tokens").index(t), "\"\(symbol)\" appears twice in one pool") }
                }
                var entry = NetworkConfig.PoolEntry(dex: dex.name, kind: kind, address: a, tokens: p.tokens)
                switch kind {
                case .constantProduct:
                    guard p.tokens.count == 2 else {
                        throw fail(path.key("tokens"), "a constant-product pool has exactly 2 tokens, got \(p.tokens.count)")
                    }
                    let fee = p.feeBps?.value ?? dex.feeBps ?? 30
                    guard fee < 10_000 else { throw fail(path.key("feeBps"), "must be below 10000 (100 %)") }
                    entry.feeBps = fee
                case .weighted:
                    guard (WeightedPool.minTokens...WeightedPool.maxTokens).contains(p.tokens.count) else {
                        throw fail(path.key("tokens"), "a weighted pool has 2 to 8 tokens, got \(p.tokens.count)")
                    }
                    guard let idText = p.poolId else { throw fail(path.key("poolId"), "missing") }
                    guard idText.hasPrefix("0x"), let id = try? Hex.decode(idText), id.count == 32 else {
                        throw fail(path.key("poolId"), "a pool id is 0x + 64 hex digits, got \"\(idText)\"")
                    }
                    entry.poolId = id
                    if let wire = p.mathVersion {
                        guard let version = BalancerMathVersion(rawValue: Int(clamping: wire.value)) else {
                            throw fail(path.key("mathVersion"), "must be 1 (Balancer's 2021 factories) or 2, got \(wire.value)")
                        }
                        entry.mathVersion = version
                    }
                case .concentratedLiquidity:
                    throw fail(path.key("kind"), "\"concentrated-liquidity\" pools are not loaded from a network file yet")
                }
                out.append(entry)
            }
            pools = out
        }

        let gasPath = root.key("gas")
        let maxFee = try integer(w.gas.maxFeePerGas, gasPath.key("maxFeePerGas"))
        let maxPriority = try integer(w.gas.maxPriorityFeePerGas, gasPath.key("maxPriorityFeePerGas"))
        guard !maxFee.isZero else { throw fail(gasPath.key("maxFeePerGas"), "must be positive") }
        guard maxPriority <= maxFee else { throw fail(gasPath.key("maxPriorityFeePerGas"), "exceeds maxFeePerGas") }
        guard w.confirmations.value <= 1_000 else { throw fail(root.key("confirmations"), "more than 1000 blocks") }
        guard (1...1_000).contains(w.replaceAfterBlocks.value) else { throw fail(root.key("replaceAfterBlocks"), "must be 1 to 1000 blocks") }

        let uniswapV3 = try w.uniswapV3.map { (v3) throws(NetworkConfigError) in try uniswapV3Deployment(v3, symbols: symbols) }
        if let via = w.sendVia {
            for part in via.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let known = ["public", "flashbots", "mevblocker"].contains(part) || part.hasPrefix("http://") || part.hasPrefix("https://")
                guard known, via.contains(",") == false || part != "public" else {
                    throw fail(root.key("sendVia"), "\"\(part)\" is not public, flashbots, mevblocker or an http(s) relay URL (a list holds relays only)")
                }
            }
        }

        // Sources: keys are addresses (any case), values say where each was published.
        var sources: [Address: String] = [:]
        for key in (w.sources ?? [:]).keys.sorted() {
            let path = root.key("sources").key(key)
            let a: Address
            do { a = try Address(key) } catch { throw fail(path, error.description) }
            let where_ = w.sources?[key] ?? ""
            guard !where_.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(path, "an empty source") }
            guard sources[a] == nil else { throw fail(path, "address listed twice") }
            sources[a] = where_
        }
        if !isLocal {
            for field in addressFields where sources[field.address] == nil {
                throw fail(root.key("sources"), "a public network needs a published source for \(field.path) \(field.address)")
            }
        }

        return NetworkConfig(
            name: w.name, chainId: w.chainId.value, mainnet: w.mainnet, rpcUrlEnv: w.rpcUrlEnv, defaultRpcUrl: w.defaultRpcUrl,
            multicall3: multicall3, wrappedNative: w.wrappedNative, tokens: tokens, dexes: dexes, pools: pools,
            gas: .init(maxFeePerGas: maxFee, maxPriorityFeePerGas: maxPriority),
            confirmations: Int(w.confirmations.value), replaceAfterBlocks: Int(w.replaceAfterBlocks.value), sources: sources,
            sendVia: w.sendVia, uniswapV3: uniswapV3)
    }

    mutating func uniswapV3Deployment(_ w: UniswapV3Wire, symbols: Set<String>) throws(NetworkConfigError) -> UniswapV3Deployment {
        let path = JSONFieldPath().key("uniswapV3")
        var pools: [UniswapV3Deployment.PoolEntry] = []
        var seen: Set<Address> = []
        for (k, p) in (w.pools ?? []).enumerated() {
            let poolPath = path.key("pools").index(k)
            let a = try address(p.address, poolPath.key("address"))
            guard seen.insert(a).inserted else { throw fail(poolPath.key("address"), "duplicate pool address \(a)") }
            guard p.tokens.count == 2, p.tokens[0] != p.tokens[1] else {
                throw fail(poolPath.key("tokens"), "a Uniswap V3 pool has exactly 2 distinct tokens")
            }
            for symbol in p.tokens where !symbols.contains(symbol) { throw fail(poolPath.key("tokens"), "unknown token \"\(symbol)\"") }
            guard let spacing = UniswapV3Deployment.tickSpacingByFee[UInt32(clamping: p.fee.value)] else {
                throw fail(poolPath.key("fee"), "\(p.fee.value) is not a fee tier (100, 500, 3000, 10000)")
            }
            guard p.tickSpacing == spacing else {
                throw fail(poolPath.key("tickSpacing"), "fee \(p.fee.value) has tick spacing \(spacing), not \(p.tickSpacing)")
            }
            pools.append(.init(address: a, tokens: p.tokens, fee: UInt32(p.fee.value), tickSpacing: spacing))
        }
        var discover: [UniswapV3Deployment.Discovery] = []
        for (k, d) in (w.discover ?? []).enumerated() {
            let itemPath = path.key("discover").index(k)
            guard d.tokens.count == 2, d.tokens[0] != d.tokens[1] else {
                throw fail(itemPath.key("tokens"), "a Uniswap V3 pool has exactly 2 distinct tokens")
            }
            for symbol in d.tokens where !symbols.contains(symbol) { throw fail(itemPath.key("tokens"), "unknown token \"\(symbol)\"") }
            guard !d.fees.isEmpty else { throw fail(itemPath.key("fees"), "list at least one fee tier (100, 500, 3000, 10000)") }
            var fees: [UInt32] = []
            for (f, fee) in d.fees.enumerated() {
                guard UniswapV3Deployment.tickSpacingByFee[UInt32(clamping: fee.value)] != nil else {
                    throw fail(itemPath.key("fees").index(f), "\(fee.value) is not a fee tier (100, 500, 3000, 10000)")
                }
                guard !fees.contains(UInt32(fee.value)) else { throw fail(itemPath.key("fees").index(f), "fee \(fee.value) listed twice") }
                fees.append(UInt32(fee.value))
            }
            discover.append(.init(tokens: d.tokens, fees: fees))
        }
        let tickLens = try w.tickLens.map { (text) throws(NetworkConfigError) in try address(text, path.key("tickLens")) }
        if tickLens == nil, !pools.isEmpty || !discover.isEmpty {
            throw fail(path.key("tickLens"), "missing: pools are read through TickLens (list none without it)")
        }
        let windowWords = w.windowWords ?? UniswapV3Deployment.defaultWindowWords
        guard (0...UniswapV3Deployment.maxWindowWords).contains(windowWords) else {
            throw fail(path.key("windowWords"), "must be 0 to \(UniswapV3Deployment.maxWindowWords) bitmap words, got \(windowWords)")
        }
        return UniswapV3Deployment(
            factory: try address(w.factory, path.key("factory")), quoterV2: try address(w.quoterV2, path.key("quoterV2")),
            tickLens: tickLens, swapRouter02: try address(w.swapRouter02, path.key("swapRouter02")),
            positionManager: try address(w.positionManager, path.key("positionManager")), pools: pools, discover: discover,
            windowWords: windowWords)
    }

    func poolKind(_ text: String, _ path: JSONFieldPath) throws(NetworkConfigError) -> PoolKind {
        guard let kind = PoolKind(rawValue: text) else {
            throw fail(path, "unknown kind \"\(text)\" (known: \(PoolKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }

    static func isEnvName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

extension NetworkConfig.Dex {
    init(name: String, kind: PoolKind) {
        self.init(name: name, kind: kind, factory: nil, router: nil, feeBps: nil, vault: nil)
    }
}
