import EthCore
import Market
import Routing
import Strategy

/// Turns routed trades into the transactions that carry them out. Pure: no I/O; everything it
/// needs (allowances, pool kinds, routers) comes from the snapshot and the network file.
///
/// Vault mode: one `rebalance(steps, minReceived, deadline)` call from the operator to the vault.
/// Each hop of each leg is a step; a leg's first hop spends the leg's input explicitly and later
/// hops spend "all of the previous step's output" (amountIn = 0). The slippage bound sits on each
/// leg's last hop. Intermediate hops get `minAmountOut = 0`: a bound on an amount that is consumed
/// by the next hop protects nothing the leg's final bound does not already protect, and it would
/// only add false reverts when an intermediate pool moved against us but a later one in our favour.
/// `minReceived` lists each bought token once with the sum of its routes' `minOut` (a token some
/// route also sells is left out: the vault refuses a check on a balance that may fall).
///
/// A route with `steps` (its paths share pools) executes step by step instead: each step a one-hop
/// leg with its fixed input, spent from what the steps before it bought; a step whose output a
/// later step spends must return exactly its quote (vault: `minAmountOut` = quote; EOA: its own
/// swap with `amountOutMin` = quote), a step into the bought token carries the slippage bound.
///
/// EOA mode (the operator holds the tokens): exact approvals where the snapshot's allowance is
/// short (USDT-style tokens with a non-zero allowance are reset to 0 first), then one swap per run
/// of consecutive hops on one venue: a DEX's pairs through its router, Balancer pools through the
/// Balancer vault's `swap` (one hop) or `batchSwap` (several), Uniswap V3 pools through the network
/// file's SwapRouter02 (`exactInputSingle`, or `exactInput` along the packed path; SwapRouter02Call)
/// under `multicall(deadline, …)`. A mixed leg becomes consecutive
/// swaps; every swap but the leg's last must return its exact quote (`amountOutMin` = quote)
/// because the next swap spends exactly that amount.
public enum PlanBuilder {
    public static func build(
        trades: TradePlan, state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, deadline: UInt64
    ) throws(PlanBuildError) -> RebalancePlan {
        let context = Context(state: state, network: network, portfolio: portfolio, deadline: deadline)
        var plan = RebalancePlan(
            mode: portfolio.mode, chainId: state.chainId, blockNumber: state.block.number,
            trades: trades, transactions: [], deadline: deadline)
        guard !trades.routes.isEmpty else { return plan }
        switch portfolio.mode {
        case .vault:
            let call = try vaultCall(trades: trades, context: context)
            let data = try call.calldata()
            let hops = call.steps.count
            let n = trades.routes.count
            plan.transactions = [PlannedTransaction(
                label: "rebalance: \(n) route\(n == 1 ? "" : "s"), \(hops) step\(hops == 1 ? "" : "s")",
                from: portfolio.operator, to: call.vault, data: data, routeIndices: Array(trades.routes.indices))]
            plan.vaultCall = call
        case .eoa:
            plan.transactions = try eoaTransactions(trades: trades, context: context)
        }
        return plan
    }

    /// EOA mode: the contract each pool's swaps are sent to and its tokens approved for (a DEX's
    /// router, the Balancer vault), by pool address; pools without one are left out.
    public static func spenders(state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig) -> [Address: Address] {
        let context = Context(state: state, network: network, portfolio: portfolio, deadline: 0)
        var out: [Address: Address] = [:]
        for pool in state.pools {
            if let venue = context.venue(of: pool) { out[pool.address] = venue.spender }
        }
        return out
    }

    /// The slippage bound the planner used for the routes' `minOut` (whole basis points).
    public static func slippageBps(_ policy: Policy) -> UInt64 {
        let bps = policy.maxSlippageBps.isFinite ? policy.maxSlippageBps.rounded() : 0
        return UInt64(min(max(bps, 0), 10_000))
    }

    /// `amount · (10000 − bps) / 10000`, rounded down (the routes' own minOut formula).
    public static func lessSlippage(_ amount: UInt256, bps: UInt64) -> UInt256 {
        UInt256.mulDiv(amount, UInt256(10_000 - min(bps, 10_000)), 10_000) ?? .zero
    }

    // MARK: - shared lookups

    struct Context {
        let state: ChainState
        let network: NetworkConfig
        let portfolio: PortfolioConfig
        let deadline: UInt64
        var slippage: UInt64 { PlanBuilder.slippageBps(portfolio.policy) }

        func address(of symbol: String, route: Int) throws(PlanBuildError) -> Address {
            if let t = state.token(symbol) { return t.address }
            if let t = network.token(symbol) { return t.address }
            throw .unknownToken(symbol, route: route)
        }

        func pool(_ address: Address, route: Int) throws(PlanBuildError) -> PoolState {
            guard let p = state.pools.first(where: { $0.address == address }) else { throw .unknownPool(address, route: route) }
            return p
        }

        /// The DEX a pool belongs to: the snapshot's tag, else the network file's pool list.
        func dexName(of pool: PoolState) -> String? {
            pool.dex ?? network.pools?.first(where: { $0.address == pool.address })?.dex
                ?? (pool.kind == .weighted ? network.dexes.first(where: { $0.kind == .weighted })?.name : nil)
        }

        /// Where a pool's EOA swaps go: the venue, the contract called and approved (a DEX's router,
        /// the Balancer vault, SwapRouter02 from the network file's uniswapV3 section) and the
        /// DEX's name; `nil` when the network file names none.
        func venue(of pool: PoolState) -> (venue: SwapExpectation.Venue, spender: Address, dex: String)? {
            switch pool {
            case .concentratedLiquidity:
                guard let router = network.uniswapV3?.swapRouter02 else { return nil }
                return (.swapRouter02, router, pool.dex ?? "uniswap-v3")
            case .constantProduct:
                guard let name = dexName(of: pool), let router = network.dex(named: name)?.router else { return nil }
                return (.router, router, name)
            case .weighted:
                guard let name = dexName(of: pool), let vault = network.dex(named: name)?.vault else { return nil }
                return (.balancerSwap, vault, name)
            }
        }

        func approvalResetRequired(_ symbol: String) -> Bool { network.token(symbol)?.approvalResetRequired ?? false }
    }

    /// Checks that a leg's hops chain: tokens follow the path, each hop spends the previous output.
    static func checkedHops(_ leg: RouteLeg, route: Int, legIndex: Int) throws(PlanBuildError) -> [RouteHop] {
        guard let first = leg.hops.first, let last = leg.hops.last else { throw .missingHops(route: route, leg: legIndex) }
        guard first.amountIn == leg.amountIn else {
            throw .brokenLeg(route: route, leg: legIndex, reason: "first hop spends \(first.amountIn), the leg \(leg.amountIn)")
        }
        guard last.amountOut == leg.amountOut else {
            throw .brokenLeg(route: route, leg: legIndex, reason: "last hop returns \(last.amountOut), the leg \(leg.amountOut)")
        }
        for k in leg.hops.indices.dropFirst() {
            let prev = leg.hops[k - 1], hop = leg.hops[k]
            guard hop.tokenIn == prev.tokenOut, hop.amountIn == prev.amountOut else {
                throw .brokenLeg(route: route, leg: legIndex, reason: "hop \(k) does not spend hop \(k - 1)'s output")
            }
        }
        return leg.hops
    }

    // MARK: - vault mode

    static func vaultCall(trades: TradePlan, context: Context) throws(PlanBuildError) -> VaultRebalanceCall {
        guard let vault = context.portfolio.vault else { throw .missingVault }
        var steps: [VaultStep] = []
        var received: [VaultMinReceived] = []
        for (r, route) in trades.routes.enumerated() {
            for (l, leg) in route.executionLegs.enumerated() {
                let hops = try checkedHops(leg, route: r, legIndex: l)
                let endsInBuy = route.outputCounts(leg)
                for (h, hop) in hops.enumerated() {
                    let pool = try context.pool(hop.pool, route: r)
                    let isLast = h == hops.count - 1
                    steps.append(VaultStep(
                        pool: hop.pool,
                        tokenIn: try context.address(of: hop.tokenIn, route: r),
                        tokenOut: try context.address(of: hop.tokenOut, route: r),
                        amountIn: h == 0 ? hop.amountIn : .zero,
                        minAmountOut: isLast ? (endsInBuy ? lessSlippage(hop.amountOut, bps: context.slippage) : hop.amountOut) : .zero,
                        quotedOut: hop.amountOut, quotedIn: hop.amountIn, poolKind: pool.kind,
                        symbolIn: hop.tokenIn, symbolOut: hop.tokenOut, routeIndex: r, legIndex: l, hopIndex: h))
                }
            }
            // A token that any route sells cannot be checked: its balance may fall overall (docs/VAULT.md).
            // The strategy nets trades so this does not happen; a hand-made plan keeps the legs' bounds.
            if trades.routes.contains(where: { $0.sell == route.buy }) { continue }
            let token = try context.address(of: route.buy, route: r)
            if let k = received.firstIndex(where: { $0.token == token }) {
                guard let sum = received[k].amount.adding(route.minOut) else { throw .amountOverflow("minReceived of \(route.buy)") }
                received[k].amount = sum
            } else {
                received.append(VaultMinReceived(token: token, symbol: route.buy, amount: route.minOut))
            }
        }
        guard steps.count <= VaultRebalanceCall.maxSteps else {
            throw .tooManySteps(steps.count, limit: VaultRebalanceCall.maxSteps)
        }
        guard received.count <= VaultRebalanceCall.maxMinReceived else {
            throw .tooManyMinReceived(received.count, limit: VaultRebalanceCall.maxMinReceived)
        }
        return VaultRebalanceCall(vault: vault, steps: steps, minReceived: received, deadline: context.deadline)
    }

    // MARK: - EOA mode

    /// A run of consecutive hops of one leg that one transaction executes.
    struct Segment {
        var venue: SwapExpectation.Venue
        var dex: String
        var spender: Address
        var spenderName: String
        var hops: [RouteHop]
        var poolIds: [[UInt8]]
        /// V3 pools' fees, one per hop (0 for other venues).
        var fees: [UInt32]
        var routeIndex: Int
        var legIndex: Int
        var firstHop: Int
        var isLastOfLeg: Bool
        /// The leg ends in the route's bought token (a step route's intermediate steps do not).
        var endsInBuy: Bool
    }

    static func segments(of leg: RouteLeg, endsInBuy: Bool, route r: Int, legIndex l: Int, context: Context) throws(PlanBuildError) -> [Segment] {
        let hops = try checkedHops(leg, route: r, legIndex: l)
        var out: [Segment] = []
        for (h, hop) in hops.enumerated() {
            let pool = try context.pool(hop.pool, route: r)
            guard let found = context.venue(of: pool) else {
                throw .noSpender(dex: pool.kind == .concentratedLiquidity ? pool.dex ?? "uniswap-v3" : context.dexName(of: pool) ?? "?",
                                 pool: hop.pool)
            }
            let (venue, spender, dexName) = found
            var poolId: [UInt8] = []
            var fee: UInt32 = 0
            switch pool {
            case .concentratedLiquidity(let v3): fee = v3.fee
            case .weighted(let w): poolId = w.poolId
            case .constantProduct: break
            }
            if var last = out.last, last.spender == spender, last.dex == dexName {
                last.hops.append(hop)
                last.poolIds.append(poolId)
                last.fees.append(fee)
                if venue == .balancerSwap { last.venue = .balancerBatchSwap }
                out[out.count - 1] = last
            } else {
                let name = switch venue {
                case .router: "\(dexName) router"
                case .swapRouter02: "\(dexName) SwapRouter02"
                case .balancerSwap, .balancerBatchSwap: "\(dexName) vault"
                }
                out.append(Segment(venue: venue, dex: dexName, spender: spender, spenderName: name, hops: [hop],
                                   poolIds: [poolId], fees: [fee], routeIndex: r, legIndex: l, firstHop: h, isLastOfLeg: false,
                                   endsInBuy: endsInBuy))
            }
        }
        if !out.isEmpty { out[out.count - 1].isLastOfLeg = true }
        return out
    }

    static func eoaTransactions(trades: TradePlan, context: Context) throws(PlanBuildError) -> [PlannedTransaction] {
        let op = context.portfolio.operator
        var all: [Segment] = []
        for (r, route) in trades.routes.enumerated() {
            for (l, leg) in route.executionLegs.enumerated() {
                all += try segments(of: leg, endsInBuy: route.outputCounts(leg), route: r, legIndex: l, context: context)
            }
        }

        // What each (token, spender) must be allowed to take over the whole plan, in first-use order.
        struct Need { var token: String; var spender: Address; var spenderName: String; var amount: UInt256 }
        var needs: [Need] = []
        for s in all {
            guard let first = s.hops.first else { continue }
            if let k = needs.firstIndex(where: { $0.token == first.tokenIn && $0.spender == s.spender }) {
                guard let sum = needs[k].amount.adding(first.amountIn) else { throw .amountOverflow("allowance of \(first.tokenIn)") }
                needs[k].amount = sum
            } else {
                needs.append(Need(token: first.tokenIn, spender: s.spender, spenderName: s.spenderName, amount: first.amountIn))
            }
        }

        var txs: [PlannedTransaction] = []
        for need in needs {
            let current = context.state.allowance(of: need.token, spender: need.spender)
            guard current < need.amount else { continue }
            let token = try context.address(of: need.token, route: 0)
            if context.approvalResetRequired(need.token) && !current.isZero {
                var reset = PlannedTransaction(
                    label: "reset \(need.token) allowance → \(need.spenderName)", from: op, to: token,
                    data: try ContractFunctions.encode(ContractFunctions.approveSignature, [.address(need.spender), .uint(.zero)]))
                reset.approval = ApprovalDetail(token: need.token, spender: need.spender, spenderName: need.spenderName,
                                                amount: .zero, currentAllowance: current, isReset: true)
                txs.append(reset)
            }
            var approve = PlannedTransaction(
                label: "approve \(need.token) → \(need.spenderName)", from: op, to: token,
                data: try ContractFunctions.encode(ContractFunctions.approveSignature, [.address(need.spender), .uint(need.amount)]))
            approve.approval = ApprovalDetail(token: need.token, spender: need.spender, spenderName: need.spenderName,
                                              amount: need.amount, currentAllowance: current, isReset: false)
            txs.append(approve)
        }

        // The plan's swaps in execution order on the snapshot's pools, as the planner quoted them.
        var pools = context.state.pools.map(\.model)
        for (k, s) in all.enumerated() {
            var tx = try swapTransaction(s, number: k + 1, context: context)
            tx.swap?.hopsGas = s.hops.reduce(UInt64(0)) { sum, hop in
                let (total, overflow) = sum.addingReportingOverflow(RebalancePlanner.apply(hop, to: &pools, gas: .router))
                return overflow ? .max : total
            }
            txs.append(tx)
        }
        return txs
    }

    static func swapTransaction(_ s: Segment, number: Int, context: Context) throws(PlanBuildError) -> PlannedTransaction {
        let op = context.portfolio.operator
        let r = s.routeIndex
        guard let first = s.hops.first, let last = s.hops.last else { throw .missingHops(route: r, leg: s.legIndex) }
        let path = [first.tokenIn] + s.hops.map(\.tokenOut)
        let amountIn = first.amountIn
        let quoted = last.amountOut
        let minOut = s.isLastOfLeg && s.endsInBuy ? lessSlippage(quoted, bps: context.slippage) : quoted
        let deadline = UInt256(context.deadline)
        var addresses: [Address] = []
        for symbol in path { addresses.append(try context.address(of: symbol, route: r)) }

        let data: [UInt8]
        var outputAssetIndex: Int? = nil
        switch s.venue {
        case .router:
            data = try ContractFunctions.encode(
                ContractFunctions.swapExactTokensForTokensSignature,
                [.uint(amountIn), .uint(minOut), .array(addresses.map { .address($0) }), .address(op), .uint(deadline)])
        case .swapRouter02:
            data = try SwapRouter02Call.encode(tokens: addresses, fees: s.fees, amountIn: amountIn, minOut: minOut,
                                               recipient: op, deadline: deadline)
        case .balancerSwap:
            let single = ABIValue.tuple([
                .fixedBytes(s.poolIds.first ?? []), .uint(ContractFunctions.givenIn),
                .address(addresses[0]), .address(addresses[addresses.count - 1]), .uint(amountIn), .bytes([])])
            data = try ContractFunctions.encode(
                ContractFunctions.balancerSwapSignature,
                [single, ContractFunctions.funds(op), .uint(minOut), .uint(deadline)])
        case .balancerBatchSwap:
            // Assets in path order (a path never repeats a token); GIVEN_IN: the first swap spends
            // amountIn, later ones 0 = the previous swap's output. Limits: +amountIn paid in at most,
            // −minOut received at least, 0 for the intermediate tokens.
            var swaps: [ABIValue] = []
            for (k, id) in s.poolIds.enumerated() {
                swaps.append(.tuple([.fixedBytes(id), .uint(UInt256(k)), .uint(UInt256(k + 1)),
                                     .uint(k == 0 ? amountIn : .zero), .bytes([])]))
            }
            var limits = [ABIValue](repeating: .int(Int256(0)), count: addresses.count)
            guard let positiveIn = Int256(exactly: amountIn), let positiveOut = Int256(exactly: minOut) else {
                throw .amountOverflow("batchSwap limits")
            }
            limits[0] = .int(positiveIn)
            limits[addresses.count - 1] = .int(Int256(bitPattern: UInt256.zero &- positiveOut.bitPattern))
            outputAssetIndex = addresses.count - 1
            data = try ContractFunctions.encode(
                ContractFunctions.balancerBatchSwapSignature,
                [.uint(ContractFunctions.givenIn), .array(swaps), .array(addresses.map { .address($0) }),
                 ContractFunctions.funds(op), .array(limits), .uint(deadline)])
        }
        var tx = PlannedTransaction(
            label: "swap \(number): \(path.joined(separator: "→")) via \(s.dex)", from: op, to: s.spender, data: data,
            routeIndices: [r])
        tx.swap = SwapExpectation(
            venue: s.venue, dex: s.dex, path: path, pools: s.hops.map(\.pool), amountIn: amountIn, quotedOut: quoted,
            minOut: minOut, routeIndex: r, legIndex: s.legIndex, firstHop: s.firstHop, outputAssetIndex: outputAssetIndex)
        return tx
    }
}
