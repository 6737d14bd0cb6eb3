import EthCore
import Market
import Routing
import Strategy

/// The trades of a strategy outcome, each routed with exact quotes. Routes are quoted in order
/// against pools already moved by the earlier routes, because the vault executes them in one
/// transaction in that order (and EOA mode sends them with consecutive nonces): `routes` is the
/// execution order, largest trade first (`RebalancePlanner.executionOrder`).
public struct TradePlan: Sendable, Codable {
    public var routes: [Route]
    /// Gas of all routes, before the per-transaction overhead of the custody mode.
    public var routeGas: UInt64
    /// The custody mode's per-transaction overhead (TradeSolver.overheadGas): planned gas is
    /// `routeGas + overheadGas`.
    public var overheadGas: UInt64 = 0
    /// Pool fees paid, in whole quote tokens, by sell token.
    public var feesPaid: Double
    /// Weights after the exact route outputs, percent, by token.
    public var projectedWeights: [String: Double]

    /// What was given up to fit a limit of the custody mode (the vault's steps per call), for the
    /// operator to read; nil when nothing was (optional: plans journaled before it decode).
    public var reductions: [String]?

    public var isEmpty: Bool { routes.isEmpty }

    /// Swaps the plan executes: a vault call's steps (every hop of every leg, or every step).
    public var stepCount: Int { routes.reduce(0) { $0 + $1.swaps.count } }

    /// The gas the plan's transactions are expected to use, all together.
    public var plannedGas: UInt64 {
        let (sum, overflow) = routeGas.addingReportingOverflow(overheadGas)
        return overflow ? .max : sum
    }

    public init(routes: [Route], routeGas: UInt64, feesPaid: Double, projectedWeights: [String: Double], overheadGas: UInt64 = 0) {
        self.routes = routes
        self.routeGas = routeGas
        self.overheadGas = overheadGas
        self.feesPaid = feesPaid
        self.projectedWeights = projectedWeights
    }
}

public enum PlanningError: Error, Equatable, CustomStringConvertible {
    case routing(sell: String, buy: String, RoutingError)
    case unpriced(String)

    public var description: String {
        switch self {
        case .routing(let sell, let buy, let e): return "routing \(sell)→\(buy): \(e)"
        case .unpriced(let t): return "no price for \(t)"
        }
    }
}

public enum RebalancePlanner {
    /// Routes every intent of `outcome` across `market.pools`, gas-aware at the market's gas price,
    /// each on the pools as the routes before it leave them (the trades of one rebalance that share
    /// pools are planned against each other's effect, and the plan executes in this order).
    ///
    /// `maxSteps` (vault mode: the vault's limit per call): a plan with more swaps is reduced before
    /// anything is built, first by routing every trade over fewer pool-disjoint paths without step
    /// routes, then by leaving out the smallest trades; `reductions` says what was given up.
    ///
    /// `eoaSpenders` (EOA mode: each pool's router or vault, `PlanBuilder.spenders`): step routes
    /// then pay for approving the tokens they buy and spend again (`RouteOptions.approvalGas`).
    public static func plan(
        outcome: StrategyOutcome, market: MarketView, policy: Policy, maxSteps: Int? = nil, eoaSpenders: [Address: Address]? = nil
    ) throws(PlanningError) -> TradePlan {
        let intents = executionOrder(outcome.trades.intents)
        func plan(_ intents: [TradeIntent], limit: Int?) throws(PlanningError) -> TradePlan {
            try RebalancePlanner.plan(intents, outcome: outcome, market: market, policy: policy, limit: limit, eoaSpenders: eoaSpenders)
        }
        let full = try plan(intents, limit: nil)
        guard let maxSteps, full.stepCount > maxSteps else { return full }
        // A reduced plan that does not route (a single path too shallow for a trade) is no option.
        for legs in [16, 8, 4, 2, 1] {
            guard var reduced = try? plan(intents, limit: legs), reduced.stepCount <= maxSteps else { continue }
            reduced.reductions = ["the plan's \(full.stepCount) swaps exceed the vault's \(maxSteps) steps per call: each trade "
                                      + "routed over at most \(legs) pool-disjoint path\(legs == 1 ? "" : "s") without step routes "
                                      + "(\(reduced.stepCount) steps)"]
            return reduced
        }
        // Even single paths are too many steps: the smallest trades wait for the next run.
        var kept = intents
        while kept.count > 1 {
            kept.removeLast()
            guard var reduced = try? plan(kept, limit: 1), reduced.stepCount <= maxSteps else { continue }
            let left = intents.dropFirst(kept.count).map { "\($0.sell)→\($0.buy)" }
            reduced.reductions = ["the plan's \(full.stepCount) swaps exceed the vault's \(maxSteps) steps per call: every trade "
                                      + "on its best single path and the smallest left for the next run (\(left.joined(separator: ", ")); "
                                      + "\(reduced.stepCount) steps)"]
            return reduced
        }
        return full
    }

    /// `intents` routed in this order; `limit`: at most that many legs per route and no step routes.
    static func plan(
        _ intents: [TradeIntent], outcome: StrategyOutcome, market: MarketView, policy: Policy, limit: Int?,
        eoaSpenders: [Address: Address]?
    ) throws(PlanningError) -> TradePlan {
        var pools = market.pools
        var routes: [Route] = []
        var fees = 0.0
        var values = Dictionary(uniqueKeysWithValues: outcome.drift.rows.map { ($0.token, $0.value) })
        for intent in intents {
            var options = RouteOptions(
                maxHops: policy.maxHops, slippageBps: UInt64(policy.maxSlippageBps.rounded()),
                gasPriceWei: market.gasPriceWei,
                outputPerNativeWei: outputPerNativeWei(buy: intent.buy, market: market, prices: outcome.prices))
            if let limit {
                options.maxLegs = limit
                options.flowNetwork = false
            }
            if let eoaSpenders {
                options.approvalGas = GasModel.approval
                options.spenders = eoaSpenders
                options.gasTable = .router
            }
            let route: Route
            do {
                route = try Router.route(sell: intent.sell, buy: intent.buy, amountIn: intent.amountIn, pools: pools, options: options)
            } catch {
                throw .routing(sell: intent.sell, buy: intent.buy, error)
            }
            pools = applying(route, to: pools)
            routes.append(route)
            guard let sellToken = market.token(intent.sell), let buyToken = market.token(intent.buy),
                  let sellPrice = outcome.prices.price(intent.sell), let buyPrice = outcome.prices.price(intent.buy) else {
                throw .unpriced(intent.sell)
            }
            let valueIn = sellToken.displayAmount(route.amountIn) * sellPrice
            let valueOut = buyToken.displayAmount(route.amountOut) * buyPrice
            fees += feeValue(route, market: market, prices: outcome.prices)
            values[intent.sell, default: 0] -= valueIn
            values[intent.buy, default: 0] += valueOut
        }
        let total = values.values.reduce(0, +)
        let weights = total > 0 ? values.mapValues { $0 / total * 100 } : [:]
        return TradePlan(routes: routes, routeGas: routes.reduce(0) { $0 + $1.gas }, feesPaid: fees, projectedWeights: weights)
    }

    /// Largest trade first (by value; ties keep the trade solver's order): the trade with the most
    /// to lose from a moved pool gets the untouched state, and smaller trades adapt their routes
    /// around what it used. Greedy: no other order is tried.
    static func executionOrder(_ intents: [TradeIntent]) -> [TradeIntent] {
        intents.enumerated().sorted { a, b in
            a.element.value != b.element.value ? a.element.value > b.element.value : a.offset < b.offset
        }.map(\.element)
    }

    /// Raw units of `buy` that one wei of the native token is worth, for the router's gas trade-off.
    static func outputPerNativeWei(buy: String, market: MarketView, prices: PriceTable) -> Double {
        guard let native = market.wrappedNative, let nativePrice = prices.price(native),
              let buyPrice = prices.price(buy), buyPrice > 0, let buyToken = market.token(buy) else { return 0 }
        return nativePrice / buyPrice * pow10(buyToken.decimals) / 1e18
    }

    /// The pools after every swap of `route`, in execution order.
    static func applying(_ route: Route, to pools: [any Pool]) -> [any Pool] {
        var pools = pools
        for hop in route.swaps { apply(hop, to: &pools) }
        return pools
    }

    /// Moves the hop's pool in `pools` as the hop's exact swap leaves it; returns the hop's gas on
    /// the pool before the swap by `table` (a V3 hop's initialized-tick crossings included), 0 for a
    /// pool not in `pools`.
    @discardableResult
    static func apply(_ hop: RouteHop, to pools: inout [any Pool], gas table: GasTable = .router) -> UInt64 {
        guard let k = pools.firstIndex(where: { $0.address == hop.pool }),
              let i = pools[k].index(of: hop.tokenIn), let j = pools[k].index(of: hop.tokenOut) else { return 0 }
        let gas = pools[k].swapGas(amountIn: hop.amountIn, from: i, to: j, table)
        if let next = pools[k].applyingSwapErased(amountIn: hop.amountIn, amountOut: hop.amountOut, from: i, to: j) {
            pools[k] = next
        }
        return gas
    }

    /// Fees paid to pools along the route, valued at mid prices: what the same hops would have
    /// returned without a fee, less what they return.
    static func feeValue(_ route: Route, market: MarketView, prices: PriceTable) -> Double {
        var total = 0.0
        for hop in route.swaps {
            guard let pool = market.pools.first(where: { $0.address == hop.pool }),
                  let i = pool.index(of: hop.tokenIn), let j = pool.index(of: hop.tokenOut),
                  let token = market.token(hop.tokenIn), let price = prices.price(hop.tokenIn) else { continue }
            let spot = pool.spotRate(from: i, to: j), mid = pool.midRate(from: i, to: j)
            guard mid > 0 else { continue }
            let feeFraction = max(0, 1 - spot / mid)
            total += token.displayAmount(hop.amountIn) * price * feeFraction
        }
        return total
    }
}
