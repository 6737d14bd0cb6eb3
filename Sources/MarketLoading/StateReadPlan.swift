import EthCore
import Market
import EthRPC

/// The Multicall3 members of one state read and how their answers become a `ChainState`. Pure:
/// building the calls and decoding the results do no I/O, so both are tested without a node.
///
/// Per token: `balanceOf(holder)` and `allowance(holder, spender)` for every spender. Once:
/// Multicall3 `getEthBalance` of the holder (and of the operator when it is another address).
/// Per constant-product pool: `getReserves()`, `token0()`, `token1()` (the token order is checked
/// against the network file: a swapped order would silently invert every price). Per weighted pool:
/// the vault's `getPoolTokens(poolId)` (order checked too), the pool's `getNormalizedWeights()` and
/// `getSwapFeePercentage()`. Per Uniswap V3 pool: what `ConcentratedLiquidityReads` lists (slot0,
/// liquidity, fee, tick spacing, token order and the TickLens words of the window), carried by one
/// request's plan only when several holders share a read (the pools are the same for all).
struct StateReadPlan {
    enum Slot: Equatable {
        case balance(token: Int)
        case allowance(token: Int, spender: Address)
        case holderNative
        case operatorNative
        case reserves(pool: Int)
        case token0(pool: Int)
        case token1(pool: Int)
        case poolTokens(pool: Int)
        case weights(pool: Int)
        case swapFee(pool: Int)
        case vaultPool(pool: Int)
        case vaultToken(token: Int)
        /// The vault's bounds (`VaultBounds`): read softly, since a vault from before them lacks
        /// these functions and one with a stale feed reverts them.
        case vaultBound(VaultBoundCall)
        case vaultUnitValue(token: Int)
        /// Member `member` of `concentratedReads`.
        case concentrated(member: Int)
    }

    enum VaultBoundCall: CaseIterable {
        case maxLossBps, maxCallPercent, maxDailyPercent, maxDailyLossBps, paused, nav, budget

        var function: ABIFunction {
            switch self {
            case .maxLossBps: StateCalls.vaultMaxLossBps
            case .maxCallPercent: StateCalls.vaultMaxCallPercent
            case .maxDailyPercent: StateCalls.vaultMaxDailyPercent
            case .maxDailyLossBps: StateCalls.vaultMaxDailyLossBps
            case .paused: StateCalls.vaultPaused
            case .nav: StateCalls.vaultNAV
            case .budget: StateCalls.vaultBudget
            }
        }
    }

    let network: NetworkConfig
    let pools: [NetworkConfig.PoolEntry]
    let holder: Address
    let `operator`: Address?
    let spenders: [Address]
    let vault: Address?
    /// The Uniswap V3 pools of the snapshot, after `pools`.
    let concentrated: [UniswapV3Deployment.PoolEntry]
    /// The reads of those pools when this plan carries them.
    let concentratedReads: ConcentratedLiquidityReads?
    private(set) var calls: [Multicall3.Call] = []
    private(set) var slots: [Slot] = []

    init(network: NetworkConfig, pools: [NetworkConfig.PoolEntry], holder: Address, operator: Address?, spenders: [Address],
         vault: Address? = nil, concentrated: [UniswapV3Deployment.PoolEntry] = [], concentratedReads: ConcentratedLiquidityReads? = nil) {
        self.network = network
        self.concentrated = concentrated
        self.concentratedReads = concentratedReads
        self.vault = vault
        self.pools = pools
        self.holder = holder
        self.operator = `operator`
        var unique: [Address] = []
        for s in spenders where !unique.contains(s) { unique.append(s) }
        self.spenders = unique
        build()
    }

    private mutating func add(_ slot: Slot, _ target: Address, _ function: ABIFunction, _ words: [[UInt8]] = []) {
        slots.append(slot)
        calls.append(Multicall3.Call(target: target, allowFailure: true, callData: StateCalls.calldata(function, words)))
    }

    private mutating func build() {
        for (t, token) in network.tokens.enumerated() {
            add(.balance(token: t), token.address, StateCalls.balanceOf, [holder.word])
            for spender in spenders {
                add(.allowance(token: t, spender: spender), token.address, StateCalls.allowance, [holder.word, spender.word])
            }
        }
        add(.holderNative, network.multicall3, StateCalls.getEthBalance, [holder.word])
        if let op = `operator`, op != holder {
            add(.operatorNative, network.multicall3, StateCalls.getEthBalance, [op.word])
        }
        for (p, pool) in pools.enumerated() {
            switch pool.kind {
            case .constantProduct:
                add(.reserves(pool: p), pool.address, StateCalls.getReserves)
                add(.token0(pool: p), pool.address, StateCalls.token0)
                add(.token1(pool: p), pool.address, StateCalls.token1)
            case .weighted:
                // A weighted pool without a vault or pool id is refused by the network file's
                // validation; `vault(of:)` falls back to the pool address so the call fails loudly.
                add(.poolTokens(pool: p), vault(of: pool), StateCalls.getPoolTokens, [pool.poolId ?? []])
                add(.weights(pool: p), pool.address, StateCalls.getNormalizedWeights)
                add(.swapFee(pool: p), pool.address, StateCalls.getSwapFeePercentage)
            case .concentratedLiquidity:
                break  // refused by the network file's validation; V3 pools come from its uniswapV3 section
            }
        }
        if let reads = concentratedReads {
            for (k, call) in reads.calls.enumerated() {
                slots.append(.concentrated(member: k))
                calls.append(call)
            }
        }
        if let vault {
            for (p, pool) in allPools.enumerated() { add(.vaultPool(pool: p), vault, StateCalls.vaultPoolInfo, [pool.address.word]) }
            for (t, token) in network.tokens.enumerated() { add(.vaultToken(token: t), vault, StateCalls.vaultTokenAllowed, [token.address.word]) }
            for call in VaultBoundCall.allCases { add(.vaultBound(call), vault, call.function) }
            for (t, token) in network.tokens.enumerated() {
                let oneToken = UInt256.tenTo(token.decimals).bigEndianBytes
                add(.vaultUnitValue(token: t), vault, StateCalls.vaultValueOf, [token.address.word, oneToken])
            }
        }
    }

    /// Every pool of the snapshot, V3 ones last: what the vault's allowlist is asked about.
    var allPools: [(address: Address, tokens: [String])] {
        pools.map { ($0.address, $0.tokens) } + concentrated.map { ($0.address, $0.tokens) }
    }

    func vault(of pool: NetworkConfig.PoolEntry) -> Address {
        network.dex(named: pool.dex)?.vault ?? pool.address
    }

    // MARK: naming things in errors

    func tokenSubject(_ t: Int) -> String {
        guard network.tokens.indices.contains(t) else { return "token #\(t)" }
        let token = network.tokens[t]
        return "token \(token.symbol) (\(token.address))"
    }

    func poolSubject(_ p: Int) -> String {
        if p >= pools.count, concentrated.indices.contains(p - pools.count) {
            return ConcentratedLiquidityReads.subject(concentrated[p - pools.count])
        }
        guard pools.indices.contains(p) else { return "pool #\(p)" }
        let pool = pools[p]
        return "pool \(pool.dex) \(pool.tokens.joined(separator: "/")) (\(pool.address))"
    }

    /// A pool made from what the node returned; a value no real pool can hold (weights that do
    /// not sum to one, a fee of 100 %) means the node or the network file is wrong.
    func poolValue<P>(_ p: Int, _ make: () throws(PoolInvariantError) -> P) throws(StateLoadError) -> P {
        do { return try make() } catch { throw .mismatch(subject: poolSubject(p), detail: error.description) }
    }

    func describe(_ slot: Slot) -> (subject: String, function: ABIFunction) {
        switch slot {
        case .balance(let t): return (tokenSubject(t), StateCalls.balanceOf)
        case .allowance(let t, _): return (tokenSubject(t), StateCalls.allowance)
        case .holderNative: return ("Multicall3 (\(network.multicall3))", StateCalls.getEthBalance)
        case .operatorNative: return ("Multicall3 (\(network.multicall3))", StateCalls.getEthBalance)
        case .reserves(let p): return (poolSubject(p), StateCalls.getReserves)
        case .token0(let p): return (poolSubject(p), StateCalls.token0)
        case .token1(let p): return (poolSubject(p), StateCalls.token1)
        case .poolTokens(let p):
            let vault = pools.indices.contains(p) ? " on the vault \(self.vault(of: pools[p]))" : ""
            return (poolSubject(p) + vault, StateCalls.getPoolTokens)
        case .weights(let p): return (poolSubject(p), StateCalls.getNormalizedWeights)
        case .swapFee(let p): return (poolSubject(p), StateCalls.getSwapFeePercentage)
        case .vaultPool: return ("rebalancing vault (\(vault.map(\.checksummed) ?? "?"))", StateCalls.vaultPoolInfo)
        case .vaultToken: return ("rebalancing vault (\(vault.map(\.checksummed) ?? "?"))", StateCalls.vaultTokenAllowed)
        case .vaultBound(let call): return ("rebalancing vault (\(vault.map(\.checksummed) ?? "?"))", call.function)
        case .vaultUnitValue: return ("rebalancing vault (\(vault.map(\.checksummed) ?? "?"))", StateCalls.vaultValueOf)
        case .concentrated(let k):
            guard let reads = concentratedReads, reads.members.indices.contains(k) else { return ("Uniswap V3 pool", StateCalls.slot0) }
            let (target, member) = reads.members[k]
            return (ConcentratedLiquidityReads.subject(reads.targets[target].entry), ConcentratedLiquidityReads.function(member))
        }
    }

    // MARK: decoding

    /// What the holder's snapshot needs besides the multicall: the block, the chain id, the fee.
    struct Context {
        var chainId: UInt64
        var block: ChainState.Block
        var priorityFeePerGas: UInt256?
    }

    struct Decoded {
        var state: ChainState
        var operatorNativeBalance: UInt256?
    }

    /// The answers of the `concentratedReads` members, in their order.
    func concentratedResults(_ results: [Multicall3.Result]) -> [Multicall3.Result] {
        zip(slots, results).compactMap { slot, result in
            if case .concentrated = slot { return result }
            return nil
        }
    }

    /// Turns one result per call into a snapshot, with `concentratedPools` (decoded from
    /// `concentratedReads`, one per `concentrated` entry) as its V3 pools. Any failed member is an
    /// error naming its pool or token: a snapshot with a silently missing pool would misprice the portfolio.
    func decode(_ results: [Multicall3.Result], context: Context,
                concentratedPools: [ConcentratedLiquidityPool] = []) throws(StateLoadError) -> Decoded {
        guard results.count == calls.count else {
            throw .badReturn(subject: "Multicall3 (\(network.multicall3))", function: "aggregate3",
                             detail: "\(results.count) results for \(calls.count) calls")
        }
        guard concentratedPools.map(\.address) == concentrated.map(\.address) else {
            throw .badReturn(subject: "Multicall3 (\(network.multicall3))", function: "aggregate3",
                             detail: "\(concentratedPools.count) Uniswap V3 pools decoded for \(concentrated.count) listed")
        }
        var balances: [String: UInt256] = [:]
        var allowances: [String: [Address: UInt256]] = [:]
        var holderNative: UInt256?
        var operatorNative: UInt256?
        var reserves: [Int: [UInt256]] = [:]
        var pairTokens: [Int: [Int: Address]] = [:]
        var poolBalances: [Int: [UInt256]] = [:]
        var weights: [Int: [UInt256]] = [:]
        var fees: [Int: UInt256] = [:]
        var poolListed: [Int: Bool] = [:]
        var tokenListed: [String: Bool] = [:]
        var boundResults: [(Slot, Multicall3.Result)] = []

        for (slot, result) in zip(slots, results) {
            switch slot {
            case .vaultBound, .vaultUnitValue:
                boundResults.append((slot, result))
                continue
            case .concentrated:
                continue
            default: break
            }
            let values = try decodeValues(slot, result, block: context.block.number)
            let (subject, function) = describe(slot)
            func bad(_ detail: String) -> StateLoadError {
                .badReturn(subject: subject, function: StateCalls.label(function), detail: detail)
            }
            func uint(_ i: Int) throws(StateLoadError) -> UInt256 {
                guard values.indices.contains(i) else { throw bad("missing output \(i)") }
                do { return try values[i].asUInt256 } catch { throw bad(error.description) }
            }
            func address(_ i: Int) throws(StateLoadError) -> Address {
                guard values.indices.contains(i) else { throw bad("missing output \(i)") }
                do { return try values[i].asAddress } catch { throw bad(error.description) }
            }
            func uints(_ i: Int) throws(StateLoadError) -> [UInt256] {
                guard values.indices.contains(i) else { throw bad("missing output \(i)") }
                var out: [UInt256] = []
                do { for v in try values[i].asArray { out.append(try v.asUInt256) } } catch { throw bad(error.description) }
                return out
            }
            func addresses(_ i: Int) throws(StateLoadError) -> [Address] {
                guard values.indices.contains(i) else { throw bad("missing output \(i)") }
                var out: [Address] = []
                do { for v in try values[i].asArray { out.append(try v.asAddress) } } catch { throw bad(error.description) }
                return out
            }

            switch slot {
            case .balance(let t):
                balances[network.tokens[t].symbol] = try uint(0)
            case .allowance(let t, let spender):
                allowances[network.tokens[t].symbol, default: [:]][spender] = try uint(0)
            case .holderNative:
                holderNative = try uint(0)
            case .operatorNative:
                operatorNative = try uint(0)
            case .reserves(let p):
                reserves[p] = [try uint(0), try uint(1)]
            case .token0(let p):
                pairTokens[p, default: [:]][0] = try address(0)
            case .token1(let p):
                pairTokens[p, default: [:]][1] = try address(0)
            case .poolTokens(let p):
                let tokens = try addresses(0)
                let amounts = try uints(1)
                guard tokens.count == amounts.count else {
                    throw bad("\(tokens.count) tokens but \(amounts.count) balances")
                }
                try checkOrder(pool: p, onChain: tokens, what: "getPoolTokens order")
                poolBalances[p] = amounts
            case .weights(let p):
                weights[p] = try uints(0)
            case .swapFee(let p):
                fees[p] = try uint(0)
            case .vaultPool(let p):
                guard values.indices.contains(0) else { throw bad("missing output 0") }
                do { poolListed[p] = try values[0].asTuple.first?.asBool ?? false } catch { throw bad(error.description) }
            case .vaultToken(let t):
                guard values.indices.contains(0) else { throw bad("missing output 0") }
                do { tokenListed[network.tokens[t].symbol] = try values[0].asBool } catch { throw bad(error.description) }
            case .vaultBound, .vaultUnitValue, .concentrated:
                break
            }
        }

        var poolStates: [PoolState] = []
        for (p, pool) in pools.enumerated() {
            switch pool.kind {
            case .constantProduct:
                let onChain = [pairTokens[p]?[0], pairTokens[p]?[1]].compactMap { $0 }
                try checkOrder(pool: p, onChain: onChain, what: "token0/token1")
                let fee = pool.feeBps ?? network.dex(named: pool.dex)?.feeBps ?? 30
                poolStates.append(.constantProduct(try poolValue(p) { () throws(PoolInvariantError) in
                    try ConstantProductPool(address: pool.address, tokens: pool.tokens, reserves: reserves[p] ?? [], feeBps: fee, dex: pool.dex)
                }))
            case .weighted:
                let n = pool.tokens.count
                let w = weights[p] ?? []
                guard w.count == n else {
                    throw .mismatch(subject: poolSubject(p), detail: "getNormalizedWeights() returned \(w.count) weights for \(n) tokens")
                }
                let decimals = pool.tokens.map { network.token($0)?.decimals ?? 18 }
                poolStates.append(.weighted(try poolValue(p) { () throws(PoolInvariantError) in
                    try WeightedPool(address: pool.address, poolId: pool.poolId ?? [], tokens: pool.tokens, decimals: decimals,
                                     balances: poolBalances[p] ?? [], weights: w, swapFee: fees[p] ?? .zero, dex: pool.dex,
                                     mathVersion: pool.mathVersion)
                }))
            case .concentratedLiquidity:
                throw .mismatch(subject: poolSubject(p), detail: "concentrated-liquidity pools are listed in the network file's uniswapV3 section")
            }
        }
        poolStates += concentratedPools.map { .concentratedLiquidity($0) }

        // Vault mode: a pool the vault does not list, or one holding a token it does not allow, is
        // not tradable for this holder (the vault would revert "pool not allowed"/"token not allowed").
        let listed = allPools
        let excluded = vault == nil ? [] : listed.indices.filter { p in
            !(poolListed[p] ?? false) || listed[p].tokens.contains { !(tokenListed[$0] ?? false) }
        }.map { listed[$0].address }
        let state = ChainState(
            chainId: context.chainId, block: context.block, tokens: network.tokenList, balances: balances, pools: poolStates,
            owner: holder, nativeBalance: holderNative, allowances: allowances, priorityFeePerGas: context.priorityFeePerGas,
            excludedPools: excluded, vault: vaultBounds(boundResults))
        do { try state.validate() } catch { throw .invalidState(error) }
        let operatorBalance = `operator`.map { $0 == holder ? holderNative : operatorNative } ?? nil
        return Decoded(state: state, operatorNativeBalance: operatorBalance)
    }

    /// The vault's bounds from its soft reads: nil when it has no limits (a vault from before them);
    /// without prices (a stale or missing feed makes `nav()` revert) it says why.
    func vaultBounds(_ results: [(Slot, Multicall3.Result)]) -> VaultBounds? {
        var words: [VaultBoundCall: [ABIValue]] = [:]
        var failure: [VaultBoundCall: String] = [:]
        var unitValues: [String: UInt256] = [:]
        for (slot, result) in results {
            let function = describe(slot).function
            let values = result.success ? try? function.decodeOutput(result.returnData) : nil
            switch slot {
            case .vaultBound(let call):
                if let values { words[call] = values } else { failure[call] = result.returnData.isEmpty ? "reverted without a reason" : "\(RevertReason.decode(result.returnData))" }
            case .vaultUnitValue(let t):
                if let value = try? values?.first?.asUInt256 { unitValues[network.tokens[t].symbol] = value }
            default: break
            }
        }
        func number(_ call: VaultBoundCall, _ i: Int = 0) -> UInt256? {
            guard let values = words[call], values.indices.contains(i) else { return nil }
            return try? values[i].asUInt256
        }
        guard let loss = number(.maxLossBps), let call = number(.maxCallPercent), let daily = number(.maxDailyPercent),
              let dailyLoss = number(.maxDailyLossBps), let paused = try? words[.paused]?.first?.asBool
        else { return nil }
        func small(_ v: UInt256) -> UInt64 { v > UInt256(UInt64.max) ? .max : v.w0 }
        return VaultBounds(maxLossBps: small(loss), maxCallPercent: small(call), maxDailyPercent: small(daily),
                           maxDailyLossBps: small(dailyLoss), paused: paused, nav: number(.nav), volumeLeft: number(.budget, 0),
                           lossLeft: number(.budget, 1), unitValues: unitValues,
                           pricingProblem: failure[.nav] ?? failure[.budget])
    }

    /// The pool's tokens on chain must be the network file's, in the same order.
    private func checkOrder(pool p: Int, onChain: [Address], what: String) throws(StateLoadError) {
        let pool = pools[p]
        let expected = pool.tokens.map { network.token($0)?.address }
        guard onChain.count == expected.count else {
            throw .mismatch(subject: poolSubject(p),
                            detail: "\(what): the chain lists \(onChain.count) tokens, the network file \(expected.count)")
        }
        for (k, address) in onChain.enumerated() where expected[k] != address {
            let known = network.tokens.first { $0.address == address }.map { " (\($0.symbol))" } ?? " (not a configured token)"
            throw .mismatch(subject: poolSubject(p),
                            detail: "\(what): token \(k) on chain is \(address)\(known), the network file says \(pool.tokens[k])")
        }
    }

    /// The ABI values of one successful member, or an error naming it.
    private func decodeValues(_ slot: Slot, _ result: Multicall3.Result, block: UInt64) throws(StateLoadError) -> [ABIValue] {
        let (subject, function) = describe(slot)
        let label = StateCalls.label(function)
        guard result.success else {
            throw .callFailed(subject: subject, function: label, reason: Self.revertText(result.returnData))
        }
        guard !result.returnData.isEmpty else {
            throw .callFailed(subject: subject, function: label,
                              reason: "returned no data (no contract at this address at block \(block)?)")
        }
        do { return try function.decodeOutput(result.returnData) } catch {
            throw .badReturn(subject: subject, function: label, detail: error.description)
        }
    }

    static func revertText(_ data: [UInt8]) -> String {
        data.isEmpty ? "reverted without a reason" : "reverted: \(RevertReason.decode(data))"
    }
}
