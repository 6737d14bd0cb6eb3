import ArgumentParser
import EthCore
import Foundation
import Market
import Strategy

/// `rebalancer status`: where the portfolio stands against its targets.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the portfolio: balances, prices and values in the quote token, weights, targets, drift and bands.",
        discussion: """
            Reads the state from the node (--network, or the portfolio's network) or from a snapshot file \
            (--state FILE, no node needed). Prices are pool mid prices in the portfolio's quote token.
            """)

    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @Option(help: ArgumentHelp("Snapshot file (from `rebalancer snapshot` or written by hand) instead of a node.", valueName: "file"))
    var state: String?
    @OptionGroup var blockOption: BlockOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        if state != nil && blockOption.block != nil { throw ValidationError("--block reads a node; it cannot be combined with --state") }
        if state != nil && !rpc.urls.isEmpty { throw ValidationError("--rpc-url reads a node; it cannot be combined with --state") }
    }

    func run() throws {
        let portfolioFile = portfolioOption.portfolio
        let portfolio = try ConfigLoading.portfolio(path: portfolioFile)
        let source: StatusReport.Source
        let chainState: ChainState
        var wrappedNative: String?
        var networkName: String?
        var staleNote: String?

        if let stateFile = state {
            do { chainState = try ChainState.load(path: stateFile) } catch { throw CLIError("\(error)") }
            if let name = networkOption.network {
                let network = try ConfigLoading.network(named: name)
                guard network.chainId == chainState.chainId else {
                    throw CLIError("\(stateFile) is chain \(chainState.chainId), \(ConfigLoading.networkLabel(name)) says \(network.chainId)")
                }
                wrappedNative = network.wrappedNative
                networkName = name
            }
            try ConfigLoading.validate(portfolio, file: portfolioFile, knownTokens: Set(chainState.tokens.map(\.symbol)))
            if let owner = chainState.owner, owner != portfolio.holder {
                note("warning: \(stateFile) holds the balances of \(owner), not of the portfolio's holder \(portfolio.holder)")
            }
            source = .init(kind: "file", location: stateFile)
            let age = Self.age(of: chainState.block, now: Clock.now())
            if Double(age) > portfolio.policy.maxBlockAgeSeconds {
                staleNote = "block \(chainState.block.number) is \(age) s old (policy.maxBlockAgeSeconds \(Self.number(portfolio.policy.maxBlockAgeSeconds)))"
            }
        } else {
            let name = networkOption.network ?? portfolio.network
            let network = try ConfigLoading.network(named: name)
            try ConfigLoading.validate(portfolio, file: portfolioFile, knownTokens: Set(network.tokens.map(\.symbol)))
            let loaded = try StateReading.read(network: network, portfolio: portfolio, rpc: rpc, block: blockOption.block,
                                               deadline: rpc.commandDeadline)
            chainState = loaded.state
            wrappedNative = network.wrappedNative
            networkName = name
            source = .init(kind: "node", location: loaded.node)
            staleNote = loaded.stale.map(\.summary)
        }

        let market = MarketView(state: chainState, wrappedNative: wrappedNative)
        let drift: DriftReport
        do {
            let prices = try Self.prices(portfolio: portfolio, market: market)
            drift = try DriftReport.measure(portfolio: portfolio, market: market, prices: prices)
        } catch StrategyError.noPrice(let token, let quote) {
            throw CLIError(ConfigLoading.noPrice(token: token, quote: quote, poolSource: source.location))
        } catch { throw CLIError("\(portfolioFile): \(error)") }

        let report = StatusReport(
            network: networkName, chainId: chainState.chainId, holder: portfolio.holder.checksummed,
            mode: portfolio.mode.rawValue, quote: portfolio.quoteToken, source: source,
            block: .init(number: chainState.block.number, timestamp: chainState.block.timestamp,
                         ageSeconds: Self.age(of: chainState.block, now: Clock.now())),
            stale: staleNote, totalValue: drift.totalValue, needsRebalance: drift.needsRebalance,
            driftBandPoints: portfolio.policy.driftBandPoints, driftBandRelativePercent: portfolio.policy.driftBandRelativePercent,
            tokens: drift.rows.map { row in
                let decimals = chainState.token(row.token)?.decimals ?? 0
                return .init(token: row.token, balance: row.balance.description,
                             balanceUnits: Units.exact(row.balance, decimals: decimals), decimals: decimals,
                             price: row.price, value: row.value, weightPercent: row.weight, targetPercent: row.target,
                             driftPoints: row.driftPoints, driftRelativePercent: row.driftRelativePercent,
                             band: row.outsideBand ? "outside" : "inside")
            })
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(report.table(chainState: chainState))
        }
    }

    /// Prices of the target tokens (each must have a pool path to the quote token) and of any
    /// other held token that has one, along paths of at most `policy.maxHops` pools.
    static func prices(portfolio: PortfolioConfig, market: MarketView) throws(StrategyError) -> PriceTable {
        let hops = max(1, portfolio.policy.maxHops)
        var table = try Valuation.prices(of: portfolio.targets.map(\.token), quote: portfolio.quoteToken, market: market, maxHops: hops)
        for token in market.tokens where table.prices[token.symbol] == nil && !(market.balances[token.symbol] ?? .zero).isZero {
            if let extra = try? Valuation.prices(of: [token.symbol], quote: portfolio.quoteToken, market: market, maxHops: hops) {
                table.prices[token.symbol] = extra.prices[token.symbol]
                table.paths[token.symbol] = extra.paths[token.symbol]
            }
        }
        return table
    }

    static func age(of block: ChainState.Block, now: UInt64) -> UInt64 {
        now > block.timestamp ? now - block.timestamp : 0
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// What `status --json` prints; the table shows the same.
struct StatusReport: Encodable {
    struct Source: Encodable {
        /// "node" or "file".
        var kind: String
        /// The node's masked URL or the snapshot file.
        var location: String
    }
    struct Block: Encodable {
        var number: UInt64
        var timestamp: UInt64
        var ageSeconds: UInt64
    }
    struct Row: Encodable {
        var token: String
        /// Raw integer units, decimal string.
        var balance: String
        /// Whole tokens, exact decimal string.
        var balanceUnits: String
        var decimals: Int
        /// Whole quote tokens per whole token (pool mid price).
        var price: Double
        /// In whole quote tokens.
        var value: Double
        var weightPercent: Double
        var targetPercent: Double
        /// weight − target, percentage points.
        var driftPoints: Double
        /// driftPoints as a percent of the target; null when the target is 0.
        var driftRelativePercent: Double?
        /// "inside" or "outside" the drift bands.
        var band: String

        enum CodingKeys: String, CodingKey {
            case token, balance, balanceUnits, decimals, price, value, weightPercent, targetPercent, driftPoints,
                 driftRelativePercent, band
        }

        // Encodes a missing relative drift as null rather than leaving the key out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(token, forKey: .token)
            try c.encode(balance, forKey: .balance)
            try c.encode(balanceUnits, forKey: .balanceUnits)
            try c.encode(decimals, forKey: .decimals)
            try c.encode(price, forKey: .price)
            try c.encode(value, forKey: .value)
            try c.encode(weightPercent, forKey: .weightPercent)
            try c.encode(targetPercent, forKey: .targetPercent)
            try c.encode(driftPoints, forKey: .driftPoints)
            try c.encode(driftRelativePercent, forKey: .driftRelativePercent)
            try c.encode(band, forKey: .band)
        }
    }

    var network: String?
    var chainId: UInt64
    var holder: String
    var mode: String
    var quote: String
    var source: Source
    var block: Block
    /// Why the block is too old for the policy; null when fresh.
    var stale: String?
    var totalValue: Double
    var needsRebalance: Bool
    var driftBandPoints: Double
    var driftBandRelativePercent: Double
    var tokens: [Row]

    enum CodingKeys: String, CodingKey {
        case network, chainId, holder, mode, quote, source, block, stale, totalValue, needsRebalance, driftBandPoints,
             driftBandRelativePercent, tokens
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(network, forKey: .network)
        try c.encode(chainId, forKey: .chainId)
        try c.encode(holder, forKey: .holder)
        try c.encode(mode, forKey: .mode)
        try c.encode(quote, forKey: .quote)
        try c.encode(source, forKey: .source)
        try c.encode(block, forKey: .block)
        try c.encode(stale, forKey: .stale)
        try c.encode(totalValue, forKey: .totalValue)
        try c.encode(needsRebalance, forKey: .needsRebalance)
        try c.encode(driftBandPoints, forKey: .driftBandPoints)
        try c.encode(driftBandRelativePercent, forKey: .driftBandRelativePercent)
        try c.encode(tokens, forKey: .tokens)
    }

    func table(chainState: ChainState) -> String {
        var lines: [String] = []
        let on = network.map { " on \($0)" } ?? ""
        lines.append("portfolio \(holder) (\(mode) mode)\(on), chain \(chainId)")
        lines.append("block     \(block.number), \(block.ageSeconds) s old, read from \(source.kind) \(source.location)")
        if let stale { lines.append("WARNING   stale block: \(stale)") }
        lines.append("")
        var t = Table([("TOKEN", .left), ("BALANCE", .right), ("PRICE", .right), ("VALUE (\(quote))", .right),
                       ("WEIGHT", .right), ("TARGET", .right), ("DRIFT", .right), ("DRIFT REL", .right), ("BAND", .left)])
        for r in tokens {
            let places = min(r.decimals, 6)
            let balance = UInt256(decimal: r.balance).map { Units.truncated($0, decimals: r.decimals, places: places) } ?? r.balance
            t.add([r.token, balance, Self.money(r.price), Self.money(r.value), Self.percent(r.weightPercent),
                   Self.percent(r.targetPercent), Self.signed(r.driftPoints) + " pp",
                   r.driftRelativePercent.map { Self.signed($0) + " %" } ?? "-", r.band])
        }
        t.addSeparator()
        t.add(["TOTAL", "", "", Self.money(totalValue), Self.percent(100), Self.percent(tokens.reduce(0) { $0 + $1.targetPercent })])
        lines.append(t.render())
        lines.append("")
        let outside = tokens.filter { $0.band == "outside" }.map(\.token)
        let bands = "bands ±\(Self.plain(driftBandPoints)) pp or ±\(Self.plain(driftBandRelativePercent)) % of target"
        lines.append(needsRebalance
            ? "rebalance needed: \(outside.joined(separator: ", ")) outside the \(bands)"
            : "within the \(bands)")
        return lines.joined(separator: "\n")
    }

    static func money(_ x: Double) -> String {
        guard x.isFinite else { return "?" }
        let places = abs(x) >= 1 || x == 0 ? 2 : 6
        return grouped(String(format: "%.\(places)f", x))
    }

    static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.2f %%", x) : "?" }

    static func signed(_ x: Double) -> String { x.isFinite ? String(format: "%+.2f", x) : "?" }

    static func plain(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }

    /// 1234567.89 → 1,234,567.89
    static func grouped(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        guard let whole = parts.first else { return text }
        var out = ""
        for (i, ch) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        let fraction = parts.count > 1 ? "." + parts[1] : ""
        return (negative ? "-" : "") + String(out.reversed()) + fraction
    }
}
