import EthCore
import Market

/// One trade the solver wants: sell `amountIn` of `sell` for `buy`. The router decides how.
public struct TradeIntent: Sendable, Codable, Hashable {
    public var sell: String
    public var buy: String
    /// Raw units of `sell`.
    public var amountIn: UInt256
    /// Worth, in whole quote tokens, at mid prices.
    public var value: Double
    /// Hops of the shortest pool path between the two tokens.
    public var hops: Int
    /// Expected output in raw units of `buy` along the best single path (float estimate; the router quotes exactly).
    public var expectedOut: UInt256
}

/// The netted trade set and what it should achieve.
public struct TradeSet: Sendable, Codable {
    public var intents: [TradeIntent]
    /// Trades dropped as dust.
    public var dust: [TradeIntent]
    /// Total value moved, whole quote tokens.
    public var totalValue: Double
    /// 1 when uncapped; below 1 when a cap scaled the set down (`scaledBy` says which).
    public var scale: Double
    public var scaledBy: ScaleLimit?
    /// Expected weights after the trades and their costs (fees and price impact), percent.
    public var projectedWeights: [String: Double]
    /// Tokens still outside their band after the trades (expected when the cap applied).
    public var outsideAfter: [String]
    /// Rough gas for the whole set, before routing refines it.
    public var estimatedGas: UInt64

    public var landsInsideBands: Bool { outsideAfter.isEmpty }
}

/// From current and target values, the trades that reach the targets with the least notional:
/// over-weight tokens are sold straight into under-weight ones (never via the quote token unless
/// it is itself over- or under-weight), shortest pool paths first.
/// What scaled a trade set down.
public enum ScaleLimit: String, Sendable, Codable {
    /// The policy's `maxTradePercentPerRun`.
    case perRunCap
    /// What the rebalancing vault lets one call give now (per-call cap, rolling-day volume left).
    case vaultVolume
}

public enum TradeSolver {
    /// Share of the vault's volume budget a plan may use: the rest absorbs the rounding of its
    /// prices and the difference between the planner's float search and the exact routes.
    public static let vaultVolumeMargin = 0.97

    /// Per-transaction overhead on top of the pools' own swap gas (GasModel): one `rebalance` call
    /// pricing the vault's tokens (those it holds feeds for), or an approval and a swap per trade.
    public static func overheadGas(mode: CustodyMode, trades: Int, market: MarketView) -> UInt64 {
        switch mode {
        case .vault: return GasModel.vaultOverhead(pricedTokens: market.vault?.unitValues.count ?? market.tokens.count)
        case .eoa: return GasModel.eoaOverhead(approvals: trades, swaps: trades)
        }
    }

    public static func solve(drift: DriftReport, portfolio: PortfolioConfig, market: MarketView, prices: PriceTable) -> TradeSet {
        let policy = portfolio.policy
        let total = drift.totalValue
        var surplus: [(String, Double)] = []
        var need: [(String, Double)] = []
        // Float noise in the values is not a trade.
        let negligible = total * 1e-9
        for row in drift.rows {
            let delta = row.target / 100 * total - row.value
            if abs(delta) <= negligible { continue }
            if delta < 0 { surplus.append((row.token, -delta)) } else if delta > 0 { need.append((row.token, delta)) }
        }
        let graph = market.graph

        // Greedy transport: cheapest (fewest hops, then deepest) seller→buyer pairs first.
        var pairs: [(seller: Int, buyer: Int, hops: Int, depth: Double)] = []
        for (si, s) in surplus.enumerated() {
            for (bi, b) in need.enumerated() {
                guard let hops = graph.shortestPath(from: s.0, to: b.0, maxHops: policy.maxHops)?.count else { continue }
                pairs.append((si, bi, hops, directDepthValue(s.0, b.0, prices: prices, market: market)))
            }
        }
        pairs.sort { $0.hops != $1.hops ? $0.hops < $1.hops : $0.depth > $1.depth }
        var planned: [(sell: String, buy: String, value: Double, hops: Int)] = []
        for p in pairs {
            let amount = min(surplus[p.seller].1, need[p.buyer].1)
            guard amount > 0 else { continue }
            surplus[p.seller].1 -= amount
            need[p.buyer].1 -= amount
            planned.append((surplus[p.seller].0, need[p.buyer].0, amount, p.hops))
        }

        // Caps scale everything down proportionally, so the direction stays right: the per-run
        // cap of the policy, and in vault mode what the vault lets one call give (its per-call and
        // rolling-day caps), valued at the vault's own prices with a margin for their rounding.
        let moved = planned.reduce(0) { $0 + $1.value }
        var scale = 1.0
        var scaledBy: ScaleLimit?
        if let cap = policy.maxTradePercentPerRun, moved > cap / 100 * total {
            scale = cap / 100 * total / moved
            scaledBy = .perRunCap
        }
        if let vault = market.vault, let left = vault.volumeLeft {
            let given = planned.reduce(0.0) { sum, p in
                guard let price = prices.price(p.sell), price > 0, let unit = vault.unitValues[p.sell] else { return sum }
                return sum + p.value / price * unit.doubleValue / 1e18
            }
            let allowed = left.doubleValue / 1e18 * vaultVolumeMargin
            if given * scale > allowed {
                scale = given > 0 ? allowed / given : 0
                scaledBy = .vaultVolume
            }
        }

        var intents: [TradeIntent] = []
        var dust: [TradeIntent] = []
        for p in planned {
            guard let token = market.token(p.sell), let price = prices.price(p.sell), price > 0 else { continue }
            let value = p.value * scale
            let rawDouble = value / price * pow10(token.decimals)
            let balance = market.balances[p.sell] ?? .zero
            var amount = UInt256(truncating: rawDouble) ?? .zero
            if amount > balance { amount = balance }
            let out = estimateOut(sell: p.sell, buy: p.buy, amountIn: amount, market: market, maxHops: policy.maxHops)
            let intent = TradeIntent(sell: p.sell, buy: p.buy, amountIn: amount, value: value, hops: p.hops, expectedOut: out)
            if value < policy.minTradeValue || amount.isZero { dust.append(intent) } else { intents.append(intent) }
        }

        // Where the trades land, after fees and impact.
        var values = Dictionary(uniqueKeysWithValues: drift.rows.map { ($0.token, $0.value) })
        for t in intents {
            values[t.sell, default: 0] -= t.value
            if let buyToken = market.token(t.buy), let price = prices.price(t.buy) {
                values[t.buy, default: 0] += buyToken.displayAmount(t.expectedOut) * price
            }
        }
        let after = values.values.reduce(0, +)
        var projected: [String: Double] = [:]
        var outside: [String] = []
        for row in drift.rows {
            let w = after > 0 ? (values[row.token] ?? 0) / after * 100 : 0
            projected[row.token] = w
            if DriftReport.outside(weight: w, target: row.target, policy: policy) { outside.append(row.token) }
        }
        let table = portfolio.mode.gasTable
        let swapGas = intents.reduce(UInt64(0)) { sum, t in
            sum + (graph.shortestPath(from: t.sell, to: t.buy, maxHops: policy.maxHops) ?? []).reduce(0) { $0 + market.pools[$1.pool].swapGas(table) }
        }
        let gas = intents.isEmpty ? 0 : swapGas + overheadGas(mode: portfolio.mode, trades: intents.count, market: market)
        return TradeSet(intents: intents, dust: dust, totalValue: intents.reduce(0) { $0 + $1.value }, scale: scale, scaledBy: scaledBy,
                        projectedWeights: projected, outsideAfter: outside, estimatedGas: gas)
    }

    /// Best single-path float estimate of the output, for projecting weights after costs: the best
    /// output reachable in at most `maxHops` hops, by dynamic programming over hop counts (a path
    /// may revisit a token here; it is an estimate, the router quotes exactly).
    static func estimateOut(sell: String, buy: String, amountIn: UInt256, market: MarketView, maxHops: Int) -> UInt256 {
        let graph = market.graph
        guard let s = graph.id(of: sell), let b = graph.id(of: buy) else { return .zero }
        var best = [Double](repeating: 0, count: graph.symbols.count)
        best[s] = amountIn.doubleValue
        var result = 0.0
        for _ in 0..<maxHops {
            var next = best
            for (token, amount) in best.enumerated() where amount > 0 {
                for edge in graph.edges[token] {
                    let out = market.pools[edge.pool].approximateOut(amount, from: edge.tokenIn, to: edge.tokenOut)
                    if out.isFinite, out > next[edge.to] { next[edge.to] = out }
                }
            }
            best = next
            result = max(result, best[b])
        }
        return UInt256(truncating: result) ?? .zero
    }

    /// Value (quote) of the deepest direct pool's holding of `a`; 0 without a direct pool.
    static func directDepthValue(_ a: String, _ b: String, prices: PriceTable, market: MarketView) -> Double {
        guard let token = market.token(a), let price = prices.price(a), let target = market.graph.id(of: b) else { return 0 }
        let depths = market.graph.edges(from: a).filter { $0.to == target }.map { e in
            market.pools[e.pool].depth(of: e.tokenIn) / pow10(token.decimals) * price
        }
        return depths.max() ?? 0
    }
}
