import EthCore
import EthRPC
import Foundation
import Testing
@testable import Market
@testable import MarketLoading

/// The loader's pure parts: which Multicall3 members a read has, and how their answers become a
/// snapshot or a typed error naming the pool or token. No node.
@Suite struct LoadingPlanTests {
    static let holder = (try? Address("0x1111111111111111111111111111111111111111")) ?? .zero
    static let op = (try? Address("0x2222222222222222222222222222222222222222")) ?? .zero

    func network() throws -> NetworkConfig {
        try NetworkConfig.decode(try fixtureData("network_devnet_like.json"), file: "network_devnet_like.json")
    }

    /// An answer for every member, as a healthy chain would give: balances 1000+t, allowances 7,
    /// native 5 (holder) and 9 (operator), reserves 100/200, pool tokens in the file's order.
    /// The vault's bounds answer with the defaults (100 bps, 10 %, 30 %, 30 bps), NAV $100,000, $10,000
    /// for one call, $300 of loss, and $2,000 per whole token; `legacyVault` has no bound functions,
    /// `navReverts` gives the reason a stale feed makes `nav()` and `budget()` revert with.
    func answers(_ plan: StateReadPlan, weights: [UInt256]? = nil, unlistedPools: Set<Int> = [], unlistedTokens: Set<String> = [],
                 legacyVault: Bool = false, navReverts: String? = nil) throws -> [Multicall3.Result] {
        try plan.slots.map { slot -> Multicall3.Result in
            let (_, function) = plan.describe(slot)
            let usd = UInt256.tenTo(18)
            switch slot {
            case .vaultBound(let call):
                if legacyVault { return Multicall3.Result(success: false, returnData: []) }
                if let navReverts, call == .nav || call == .budget {
                    // Error(string) revert data: the selector, then the string as the ABI encodes it.
                    return Multicall3.Result(success: false, returnData: try ABIFunction(signature: "Error(string)")
                                             .encodeCall([ABIValue.string(navReverts)]))
                }
                let values: [ABIValue]
                switch call {
                case .maxLossBps: values = [.uint(100)]
                case .maxCallPercent: values = [.uint(10)]
                case .maxDailyPercent: values = [.uint(30)]
                case .maxDailyLossBps: values = [.uint(30)]
                case .paused: values = [.bool(false)]
                case .nav: values = [.uint(UInt256(100_000) * usd)]
                case .budget: values = [.uint(UInt256(10_000) * usd), .uint(UInt256(300) * usd)]
                }
                return Multicall3.Result(success: true, returnData: try function.encodeOutput(values))
            case .vaultUnitValue:
                return Multicall3.Result(success: true, returnData: try function.encodeOutput([.uint(UInt256(2_000) * usd)]))
            default: break
            }
            let values: [ABIValue]
            switch slot {
            case .balance(let t): values = [.uint(UInt256(1000 + t))]
            case .allowance: values = [.uint(7)]
            case .holderNative: values = [.uint(5)]
            case .operatorNative: values = [.uint(9)]
            case .reserves: values = [.uint(100), .uint(200), .uint(1)]
            case .token0(let p): values = [.address(plan.network.token(plan.pools[p].tokens[0])?.address ?? .zero)]
            case .token1(let p): values = [.address(plan.network.token(plan.pools[p].tokens[1])?.address ?? .zero)]
            case .poolTokens(let p):
                let tokens = plan.pools[p].tokens.compactMap { plan.network.token($0)?.address }
                values = [.array(tokens.map { .address($0) }), .array(tokens.map { _ in .uint(50) }), .uint(3)]
            case .weights(let p):
                let n = plan.pools[p].tokens.count
                let w = weights ?? Self.equalWeights(n)
                values = [.array(w.map { .uint($0) })]
            case .swapFee: values = [.uint(UInt256(3_000_000_000_000_000))]
            case .vaultPool(let p):
                values = [.tuple([.bool(!unlistedPools.contains(p)), .uint(0), .address(.zero), .fixedBytes([UInt8](repeating: 0, count: 32)), .array([])])]
            case .vaultToken(let t): values = [.bool(!unlistedTokens.contains(plan.network.tokens[t].symbol))]
            case .vaultBound, .vaultUnitValue, .concentrated: values = []
            }
            return Multicall3.Result(success: true, returnData: try function.encodeOutput(values))
        }
    }

    static func equalWeights(_ n: Int) -> [UInt256] {
        let one = UInt256(1_000_000_000_000_000_000)
        let each = one / UInt256(n)
        var w = [UInt256](repeating: each, count: n)
        w[0] = one - each * UInt256(n - 1)
        return w
    }

    static let context = StateReadPlan.Context(
        chainId: 31337, block: ChainState.Block(number: 42, timestamp: 1_764_000_000, baseFeePerGas: 7), priorityFeePerGas: 3)

    @Test func membersPerTokenSpenderAndPool() throws {
        let n = try network()
        let spenders = StateRequest.spenders(of: n)
        #expect(spenders.count == 2, "the router and the Balancer vault")
        let plan = StateReadPlan(network: n, pools: n.pools ?? [], holder: Self.holder, operator: Self.op,
                                 spenders: spenders + spenders)  // duplicates are read once
        let tokens = n.tokens.count
        #expect(plan.calls.count == tokens * (1 + 2) + 2 + 3 + 3)
        // In EOA mode the operator is the holder: one native balance.
        let eoa = StateReadPlan(network: n, pools: n.pools ?? [], holder: Self.holder, operator: Self.holder, spenders: [])
        #expect(eoa.calls.count == tokens + 1 + 3 + 3)
        // Members are allowFailure: one bad pool must not sink the others' answers.
        let allowFailure = plan.calls.allSatisfy { $0.allowFailure }
        #expect(allowFailure)
        #expect(plan.calls[0].callData == Array(Keccak256.hash("balanceOf(address)").prefix(4)) + Self.holder.word)
    }

    /// Vault mode: pools the vault does not list, or that hold a token it does not allow, are
    /// excluded from routing in the snapshot.
    @Test func vaultAllowlistMarksExcludedPools() throws {
        let n = try network()
        let pools = n.pools ?? []
        let vault = (try? Address("0x3333333333333333333333333333333333333333")) ?? .zero
        let plan = StateReadPlan(network: n, pools: pools, holder: vault, operator: Self.op, spenders: [], vault: vault)
        #expect(plan.calls.count == n.tokens.count + 2 + 3 + 3 + pools.count + n.tokens.count + 7 + n.tokens.count)
        let everything = try plan.decode(try answers(plan), context: Self.context).state
        #expect(everything.excludedPools.isEmpty)
        let unlistedToken = pools[0].tokens[0]
        let partial = try plan.decode(try answers(plan, unlistedPools: [1], unlistedTokens: [unlistedToken]), context: Self.context).state
        let expected = pools.indices.filter { $0 == 1 || pools[$0].tokens.contains(unlistedToken) }.map { pools[$0].address }
        #expect(partial.excludedPools == expected)
        // The vault's bounds ride along in the same multicall.
        let usd = UInt256.tenTo(18)
        let bounds = try #require(everything.vault)
        #expect(bounds.maxLossBps == 100 && bounds.maxCallPercent == 10 && bounds.maxDailyPercent == 30 && bounds.maxDailyLossBps == 30)
        #expect(bounds.nav == UInt256(100_000) * usd && bounds.volumeLeft == UInt256(10_000) * usd && bounds.lossLeft == UInt256(300) * usd)
        #expect(bounds.unitValues.count == n.tokens.count && !bounds.paused && bounds.pricingProblem == nil)
        #expect(try ChainState.decode(try everything.jsonData()).vault == bounds)
        // A vault from before the bounds has none; one with a stale feed says why it cannot price.
        #expect(try plan.decode(try answers(plan, legacyVault: true), context: Self.context).state.vault == nil)
        let stale = try plan.decode(try answers(plan, navReverts: "stale price: 0xabc"), context: Self.context).state.vault
        #expect(stale?.pricingProblem == "reverted: stale price: 0xabc", "\(String(describing: stale))")
        #expect(stale?.nav == nil && stale?.volumeLeft == nil)
        // It survives the snapshot JSON, and a bogus entry is refused naming the field.
        let again = try ChainState.decode(try partial.jsonData())
        #expect(again.excludedPools == expected)
        var object = try #require(try JSONSerialization.jsonObject(with: try partial.jsonData()) as? [String: Any])
        object["excludedPools"] = ["0x4444444444444444444444444444444444444444"]
        let bogus = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ChainStateError.self) { try ChainState.decode(bogus) }
    }

    @Test func healthyAnswersBecomeASnapshot() throws {
        let n = try network()
        let spenders = StateRequest.spenders(of: n)
        let plan = StateReadPlan(network: n, pools: n.pools ?? [], holder: Self.holder, operator: Self.op, spenders: spenders)
        let decoded = try plan.decode(try answers(plan), context: Self.context)
        let s = decoded.state
        #expect(s.chainId == 31337 && s.block.number == 42 && s.block.baseFeePerGas == 7)
        #expect(s.priorityFeePerGas == 3)
        #expect(s.owner == Self.holder)
        #expect(s.nativeBalance == 5)
        #expect(decoded.operatorNativeBalance == 9)
        for (t, token) in n.tokens.enumerated() {
            #expect(s.balance(of: token.symbol) == UInt256(1000 + t))
            for spender in spenders { #expect(s.allowances[token.symbol]?[spender] == 7) }
        }
        #expect(s.pools.count == 2)
        guard case .constantProduct(let pair) = s.pools[0], case .weighted(let weighted) = s.pools[1] else {
            Issue.record("pool kinds")
            return
        }
        #expect(pair.reserves == [100, 200] && pair.feeBps == 30 && pair.dex == "uniswap-v2")
        #expect(weighted.balances == [50, 50, 50] && weighted.swapFee == UInt256(3_000_000_000_000_000))
        #expect(weighted.decimals == [18, 8, 6])
        #expect(weighted.poolId == n.pools?[1].poolId)
    }

    @Test func aFailedMemberNamesItsPoolAndCall() throws {
        let n = try network()
        let plan = StateReadPlan(network: n, pools: n.pools ?? [], holder: Self.holder, operator: nil, spenders: [])
        var results = try answers(plan)
        guard let k = plan.slots.firstIndex(of: .reserves(pool: 0)) else {
            Issue.record("no getReserves member")
            return
        }
        let revert = RevertReason.errorSelector + (try ABIEncoder.encode([.string], [.string("LOCKED")]))
        results[k] = Multicall3.Result(success: false, returnData: revert)
        let pool = try #require(n.pools?.first)
        #expect(throws: StateLoadError.callFailed(subject: "pool uniswap-v2 WETH/USDC (\(pool.address))", function: "getReserves()",
                                                  reason: "reverted: \(RevertReason.decode(revert))")) {
            try plan.decode(results, context: Self.context)
        }
        // A balanceOf answered with garbage: the token is named.
        var garbage = try answers(plan)
        garbage[0] = Multicall3.Result(success: true, returnData: [1, 2, 3])
        do {
            _ = try plan.decode(garbage, context: Self.context)
            Issue.record("garbage must not decode")
        } catch {
            guard case .badReturn(let subject, let function, _) = error else {
                Issue.record("expected badReturn, got \(error)")
                return
            }
            #expect(subject.hasPrefix("token WETH ("))
            #expect(function == "balanceOf(address)")
        }
        // Fewer results than members (a hostile node): an error, not an index out of range.
        #expect(throws: StateLoadError.self) { try plan.decode(Array(results.dropLast()), context: Self.context) }
    }

    @Test func chainDisagreeingWithTheFileIsRefused() throws {
        let n = try network()
        let plan = StateReadPlan(network: n, pools: n.pools ?? [], holder: Self.holder, operator: nil, spenders: [])
        var results = try answers(plan)
        // token0 answers USDC: the file's WETH/USDC order is wrong.
        guard let k = plan.slots.firstIndex(of: .token0(pool: 0)), let usdc = n.token("USDC")?.address else {
            Issue.record("setup")
            return
        }
        results[k] = Multicall3.Result(success: true, returnData: try StateCalls.token0.encodeOutput([.address(usdc)]))
        do {
            _ = try plan.decode(results, context: Self.context)
            Issue.record("expected a mismatch")
        } catch {
            #expect(error.description.contains("token0/token1: token 0 on chain is \(usdc) (USDC), the network file says WETH"))
        }
        // Weights that do not sum to 1e18 are no Balancer pool: the pool's own check names it.
        let bad = try answers(plan, weights: [1, 2, 3].map { UInt256($0) * UInt256(100_000_000_000_000_000) })
        do {
            _ = try plan.decode(bad, context: Self.context)
            Issue.record("expected invalid weights")
        } catch {
            guard case .mismatch(let subject, let detail) = error else {
                Issue.record("expected a mismatch, got \(error)")
                return
            }
            #expect(subject.hasPrefix("pool balancer"))
            #expect(detail == "weights: normalized weights sum to 600000000000000000, not 1000000000000000000")
        }
    }

    @Test func priorityFeeIsTheMedianOfBusyBlocks() {
        let history = FeeHistory(oldestBlock: 1, baseFeePerGas: [1, 1, 1, 1, 1, 1],
                                 gasUsedRatio: [0.5, 0, 0.5, 0.5, 0.2],
                                 reward: [[10], [999], [30], [20], [0]])
        #expect(StateLoader.priorityFee(history) == 20)
        #expect(StateLoader.priorityFee(FeeHistory(oldestBlock: 1, baseFeePerGas: [1], gasUsedRatio: [0], reward: [[5]])) == nil)
        #expect(StateLoader.priorityFee(FeeHistory(oldestBlock: 1, baseFeePerGas: [1], gasUsedRatio: [], reward: [])) == nil)
    }

    @Test func discoveryAsksEveryPairOfEveryFactoryAndSortsTokens() throws {
        var n = try network()
        n.pools = nil
        let discovery = PairDiscovery(network: n)
        let tokens = n.tokens.count
        #expect(discovery.queries.count == tokens * (tokens - 1) / 2, "one constant-product DEX")
        let pair = try Address("0x3333333333333333333333333333333333333333")
        let results = try discovery.queries.enumerated().map { i, _ in
            Multicall3.Result(success: true, returnData: try StateCalls.getPair.encodeOutput([.address(i == 0 ? pair : .zero)]))
        }
        let pools = try discovery.pools(from: results, network: n)
        #expect(pools.count == 1)
        let q = discovery.queries[0]
        let sorted = PairDiscovery.lessThan(q.a.address, q.b.address) ? [q.a.symbol, q.b.symbol] : [q.b.symbol, q.a.symbol]
        #expect(pools.first?.tokens == sorted)
        #expect(pools.first?.address == pair && pools.first?.feeBps == 30)
    }

    /// The V3 members of a read and their decoding, without a node: a pool from healthy answers, a
    /// re-centring when the tick moved further than the window allows, and errors naming the pool
    /// and call when the chain disagrees with the network file or a TickLens word fails.
    @Test func concentratedLiquidityAnswersBecomeAPoolOrANamedError() throws {
        let n = try network()
        let usdc = try #require(n.token("USDC")), weth = try #require(n.token("WETH"))  // USDC sorts first
        let entry = UniswapV3Deployment.PoolEntry(address: try Address("0x4444444444444444444444444444444444444444"),
                                                  tokens: ["USDC", "WETH"], fee: 500, tickSpacing: 10)
        let tick = 200_123
        let reads = ConcentratedLiquidityReads(network: n, tickLens: try Address("0x5555555555555555555555555555555555555555"),
                                               targets: [.init(entry: entry, aroundTick: tick, radius: 3)])
        #expect(reads.calls.count == 6 + 7, "slot0, liquidity, fee, tickSpacing, token0, token1 and 7 words")
        let centre = ConcentratedLiquidityPool.Window.word(of: tick, spacing: 10)
        func answers(at current: Int, fee: UInt64 = 500, token0: Address? = nil, failing: Int? = nil) throws -> [Multicall3.Result] {
            try reads.members.map { _, member in
                let values: [ABIValue]
                switch member {
                case .slot0:
                    let price = try #require(TickMath.sqrtRatio(atTick: current)) + .one
                    values = [.uint(price), .int(Int256(current)), .uint(0), .uint(1), .uint(1), .uint(0), .bool(true)]
                case .liquidity: values = [.uint(UInt256.tenTo(18))]
                case .fee: values = [.uint(UInt256(fee))]
                case .tickSpacing: values = [.int(Int256(10))]
                case .token0: values = [.address(token0 ?? usdc.address)]
                case .token1: values = [.address(weth.address)]
                case .word(let w):
                    if w == failing { return Multicall3.Result(success: false, returnData: []) }
                    // TickLens lists a word's ticks from the highest down
                    let ticks = w == centre ? [tick + 500, tick - 500].map { $0 / 10 * 10 } : []
                    values = [.array(ticks.map { .tuple([.int(Int256($0)), .int(Int256(7)), .uint(7)]) })]
                }
                return Multicall3.Result(success: true, returnData: try ConcentratedLiquidityReads.function(member).encodeOutput(values))
            }
        }
        guard case .pool(let pool) = try reads.decode(try answers(at: tick), block: 9).first else {
            Issue.record("healthy answers make a pool")
            return
        }
        #expect(pool.tick == tick && pool.ticks.map(\.index) == [tick - 500, tick + 500].map { $0 / 10 * 10 })
        #expect(pool.window == ConcentratedLiquidityPool.Window(words: (centre - 3)...(centre + 3), spacing: 10))
        // One word off with ±3 words read still serves; two words off is read again around the tick.
        if case .pool(let offCentre) = try reads.decode(try answers(at: tick + 2_560), block: 9).first {
            #expect(offCentre.window == pool.window)
        } else { Issue.record("one word off is within the tolerance") }
        #expect(try reads.decode(try answers(at: tick + 5_120), block: 9) == [.recentre(tick: tick + 5_120)])

        let refusals: [(String, [Multicall3.Result])] = [
            ("fee() is 3000 on chain, the network file says 500", try answers(at: tick, fee: 3000)),
            ("token0() on chain is \(weth.address) (WETH), the network file says USDC", try answers(at: tick, token0: weth.address)),
            ("getPopulatedTicksInWord(address,int16) word \(centre + 1) failed", try answers(at: tick, failing: centre + 1)),
        ]
        for (message, results) in refusals {
            do {
                _ = try reads.decode(results, block: 9)
                Issue.record("accepted: \(message)")
            } catch {
                #expect(error.description.contains("pool uniswap-v3 USDC/WETH 500 (\(entry.address))") && error.description.contains(message),
                        "\(error.description)")
            }
        }
    }
}
