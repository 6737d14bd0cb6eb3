import EthCore
import EthRPC
import Foundation
import Market
import TestOracles
import Testing

/// Off-chain quotes equal the devnet contracts' results to the wei: the Uniswap V2 formula against
/// the router's own `getAmountOut` (random reserves and amounts, incl. amounts that move the price a
/// lot) and the pairs' `getAmountsOut`, and the Balancer weighted math against the vault's
/// `queryBatchSwap` for both swap kinds. Read-only (eth_call at one pinned block), so it cannot
/// disturb tests that trade on the same devnet. Fails when the devnet is unreachable.
@Suite struct QuoteExactnessTests {
    static let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let client: EthClient
    let network: NetworkConfig
    let block: BlockTag

    init() throws {
        network = try NetworkConfig.load(path: Self.root.appendingPathComponent("networks/devnet.json").path)
        client = EthClient(rpc: JSONRPCClient(transport: try HTTPTransport(HTTPTransport.Configuration(url: Self.url))))
        do {
            block = .number(try client.blockNumber())
        } catch {
            throw DevnetUnreachable(url: Self.url, error: "\(error)")
        }
    }

    struct DevnetUnreachable: Error, CustomStringConvertible {
        let url: String, error: String
        var description: String { "devnet not reachable at \(url) (\(error)); scripts/test starts it" }
    }

    func call(_ to: Address, _ fn: ABIFunction, _ args: [ABIValue]) throws -> [ABIValue] {
        try fn.decodeOutput(client.call(to: to, data: fn.encodeCall(args), block: block))
    }

    static let getAmountOut = try! ABIFunction(signature: "getAmountOut(uint256,uint256,uint256)(uint256)")
    static let getAmountIn = try! ABIFunction(signature: "getAmountIn(uint256,uint256,uint256)(uint256)")
    static let getAmountsOut = try! ABIFunction(signature: "getAmountsOut(uint256,address[])(uint256[])")
    static let getReserves = try! ABIFunction(signature: "getReserves()(uint112,uint112,uint32)")
    static let getPoolTokens = try! ABIFunction(signature: "getPoolTokens(bytes32)(address[],uint256[],uint256)")
    static let weights = try! ABIFunction(signature: "getNormalizedWeights()(uint256[])")
    static let swapFee = try! ABIFunction(signature: "getSwapFeePercentage()(uint256)")
    static let query = try! ABIFunction(signature:
        "queryBatchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool))(int256[])")

    @Test func constantProductFormulaEqualsTheRouterToTheWei() throws {
        let router = try #require(network.dex(named: "uniswap-v2")?.router)
        var rng = SeededRandom(seed: 1)
        for _ in 0..<60 {
            // Reserves from dust to uint112-sized, amounts from 1 wei to 10× the input reserve.
            let rIn = UInt256(UInt64.random(in: 1_000...UInt64.max, using: &rng)) * UInt256(UInt64.random(in: 1...1_000_000_000, using: &rng))
            let rOut = UInt256(UInt64.random(in: 1_000...UInt64.max, using: &rng)) * UInt256(UInt64.random(in: 1...1_000_000_000, using: &rng))
            let x = [UInt256(1), rIn / 1_000_000, rIn / 100, rIn / 3, rIn * 10].randomElement(using: &rng)!
            let pool = try ConstantProductPool(address: .zero, tokens: ["A", "B"], reserves: [rIn, rOut])
            let onChain = try call(router, Self.getAmountOut, [.uint(max(x, 1)), .uint(rIn), .uint(rOut)])
            #expect(pool.amountOut(max(x, 1), from: 0, to: 1).map(ABIValue.uint) == onChain.first, "in \(x) reserves \(rIn)/\(rOut), \(rng.replay)")
            let y = rOut / UInt256(UInt64.random(in: 2...1000, using: &rng))
            let inOnChain = try call(router, Self.getAmountIn, [.uint(y), .uint(rIn), .uint(rOut)])
            #expect(pool.amountIn(forOut: y, from: 0, to: 1).map(ABIValue.uint) == inOnChain.first, "out \(y) reserves \(rIn)/\(rOut), \(rng.replay)")
        }
    }

    @Test func pairQuotesEqualGetAmountsOut() throws {
        var rng = SeededRandom(seed: 2)
        let pairs = (network.pools ?? []).filter { $0.kind == .constantProduct }
        var checked = 0
        for entry in pairs {
            // Every pair of the network file is checked: one that cannot be is a failure, not a skip.
            let router = try #require(network.dex(named: entry.dex)?.router, "no router for \(entry.dex)")
            let t0 = try #require(network.token(entry.tokens[0])), t1 = try #require(network.token(entry.tokens[1]))
            let r = try call(entry.address, Self.getReserves, [])
            let pool = try ConstantProductPool(address: entry.address, tokens: entry.tokens,
                                           reserves: [try r[0].asUInt256, try r[1].asUInt256], feeBps: entry.feeBps ?? 30)
            for _ in 0..<4 {
                // Up to half the reserve: amounts that move the price a lot.
                let share = UInt256(UInt64.random(in: 2...100_000, using: &rng))
                let x = max(pool.reserves[0] / share, 1)
                let out = try call(router, Self.getAmountsOut, [.uint(x), .array([.address(t0.address), .address(t1.address)])])
                #expect(out.first == .array([.uint(x), .uint(try #require(pool.amountOut(x, from: 0, to: 1)))]),
                        "\(entry.dex) \(entry.tokens) in \(x), \(rng.replay)")
                checked += 1
            }
        }
        // devnet.json lists the pairs; none may vanish from the check.
        #expect(pairs.count >= 5 && checked == pairs.count * 4, "\(checked) quotes over \(pairs.count) pairs")
    }

    @Test func weightedMathEqualsQueryBatchSwapToTheWei() throws {
        let vault = try #require(network.dexes.first { $0.kind == .weighted }?.vault)
        var rng = SeededRandom(seed: 3)
        var checked = 0
        for entry in (network.pools ?? []) where entry.kind == .weighted {
            let poolId = try #require(entry.poolId)
            let state = try call(vault, Self.getPoolTokens, [.fixedBytes(poolId)])
            let addresses = try state[0].asArray.map { try $0.asAddress }
            let balances = try state[1].asArray.map { try $0.asUInt256 }
            let symbols = try addresses.map { a in try #require(network.tokens.first { $0.address == a }?.symbol) }
            let decimals = try symbols.map { try #require(network.token($0)?.decimals) }
            let w = try call(entry.address, Self.weights, [])[0].asArray.map { try $0.asUInt256 }
            let fee = try call(entry.address, Self.swapFee, [])[0].asUInt256
            let pool = try WeightedPool(address: entry.address, poolId: poolId, tokens: symbols, decimals: decimals,
                                        balances: balances, weights: w, swapFee: fee, mathVersion: entry.mathVersion)
            let funds = ABIValue.tuple([.address(.zero), .bool(false), .address(.zero), .bool(false)])
            for i in symbols.indices {
                for j in symbols.indices where i != j {
                    for _ in 0..<5 {
                        // From tiny to the 30 % ratio limit, both kinds.
                        let divisor = UInt256(UInt64.random(in: 4...10_000_000, using: &rng))
                        let amount = max(balances[i] / divisor, 1)
                        let step = ABIValue.tuple([.fixedBytes(poolId), .uint(UInt256(UInt64(i))), .uint(UInt256(UInt64(j))), .uint(amount), .bytes([])])
                        let assets = ABIValue.array(addresses.map(ABIValue.address))
                        let deltas = try call(vault, Self.query, [.uint(0), .array([step]), assets, funds])[0].asArray
                        let out = try deltas[j].asInt256
                        #expect(pool.amountOut(amount, from: i, to: j) == out.magnitude, "GIVEN_IN \(symbols[i])→\(symbols[j]) \(amount), \(rng.replay)")
                        let want = max(balances[j] / divisor, 1)
                        let stepOut = ABIValue.tuple([.fixedBytes(poolId), .uint(UInt256(UInt64(i))), .uint(UInt256(UInt64(j))), .uint(want), .bytes([])])
                        let deltasOut = try call(vault, Self.query, [.uint(1), .array([stepOut]), assets, funds])[0].asArray
                        #expect(pool.amountIn(forOut: want, from: i, to: j) == (try deltasOut[i].asInt256).bitPattern,
                                "GIVEN_OUT \(symbols[i])→\(symbols[j]) \(want), \(rng.replay)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked >= 40)
    }

    /// A weighted pool of the network file as the vault holds it now (its tokens in the vault's order).
    func weightedPool(_ entry: NetworkConfig.PoolEntry, vault: Address) throws -> (WeightedPool, [Address]) {
        let poolId = try #require(entry.poolId)
        let state = try call(vault, Self.getPoolTokens, [.fixedBytes(poolId)])
        let addresses = try state[0].asArray.map { try $0.asAddress }
        let symbols = try addresses.map { a in try #require(network.tokens.first { $0.address == a }?.symbol) }
        let pool = try WeightedPool(
            address: entry.address, poolId: poolId, tokens: symbols,
            decimals: try symbols.map { try #require(network.token($0)?.decimals) },
            balances: try state[1].asArray.map { try $0.asUInt256 },
            weights: try call(entry.address, Self.weights, [])[0].asArray.map { try $0.asUInt256 },
            swapFee: try call(entry.address, Self.swapFee, [])[0].asUInt256, mathVersion: entry.mathVersion)
        return (pool, addresses)
    }

    /// Dust, ordinary sizes, and amounts on both sides of the 30 % ratio limit.
    static func randomAmount(_ balance: UInt256, givenIn: Bool, fee: UInt256, using rng: inout SeededRandom) -> UInt256 {
        let mode = Double.random(in: 0..<1, using: &rng)
        if mode < 0.15 {
            var limit = balance * 3 / 10
            if givenIn { limit = limit * FixedPoint.one / (FixedPoint.one - fee) }
            let step = max(balance / 1_000_000, 1)
            let k = Int.random(in: -3...3, using: &rng)
            return k < 0 ? max(limit - min(limit, step * UInt256(UInt64(-k))), 1) : limit + step * UInt256(UInt64(k))
        }
        if mode < 0.22 { return UInt256(UInt64.random(in: 1...1000, using: &rng)) }
        let share = pow(10, Double.random(in: -9 ... -0.55, using: &rng))
        return max(UInt256(UInt64(share * 1e18)) * balance / UInt256(UInt64(1e18)), 1)
    }

    /// The real Balancer vault against the Swift quoter per math version: 1,000 random trades over
    /// the pools of each version (the 2021 factories' = 1, the v4 factory's = 2), half GIVEN_IN and
    /// half GIVEN_OUT, 6/8/18-decimal tokens, equal to the wei; where the vault reverts the quoter
    /// refuses too, for the same reason at the ratio limits. queryBatchSwap in JSON-RPC batches.
    @Test(arguments: BalancerMathVersion.allCases) func everyTradeOfAMathVersionEqualsTheRealVault(_ version: BalancerMathVersion) throws {
        let vault = try #require(network.dexes.first { $0.kind == .weighted }?.vault)
        var rng = SeededRandom(seed: 40 + UInt64(version.rawValue))
        let entries = (network.pools ?? []).filter { $0.kind == .weighted && $0.mathVersion == version }
        let pools = try entries.map { try weightedPool($0, vault: vault) }
        #expect(Set(pools.flatMap { $0.0.decimals }).isSuperset(of: [6, 8, 18]), "6, 8 and 18 decimals among the v\(version.rawValue) pools")
        struct Trade { var pool: Int; var givenIn: Bool; var i: Int; var j: Int; var amount: UInt256 }
        var trades: [Trade] = []
        for n in 0..<1_000 {
            let p = n % pools.count, pool = pools[p].0
            let i = Int.random(in: 0..<pool.tokens.count, using: &rng)
            let j = (i + Int.random(in: 1..<pool.tokens.count, using: &rng)) % pool.tokens.count
            let givenIn = n % 2 == 0
            trades.append(Trade(pool: p, givenIn: givenIn, i: i, j: j, amount: Self.randomAmount(
                givenIn ? pool.balances[i] : pool.balances[j], givenIn: givenIn, fee: pool.swapFee, using: &rng)))
        }
        let funds = ABIValue.tuple([.address(.zero), .bool(false), .address(.zero), .bool(false)])
        var outcomes = (equal: 0, reverted: 0)
        for chunk in stride(from: 0, to: trades.count, by: 250) {
            let slice = Array(trades[chunk..<min(chunk + 250, trades.count)])
            let calls = try slice.map { t in
                let (pool, assets) = pools[t.pool]
                let step = ABIValue.tuple([.fixedBytes(pool.poolId), .uint(UInt256(UInt64(t.i))), .uint(UInt256(UInt64(t.j))),
                                           .uint(t.amount), .bytes([])])
                return try Self.query.encodeCall([.uint(t.givenIn ? 0 : 1), .array([step]), .array(assets.map(ABIValue.address)), funds])
            }
            let replies = try client.batch(at: block) { b in calls.map { b.call(to: vault, data: $0) } }
            for (t, reply) in zip(slice, replies) {
                let pool = pools[t.pool].0
                let what = "v\(version.rawValue) \(pool.tokens) \(t.givenIn ? "GIVEN_IN" : "GIVEN_OUT") \(t.i)→\(t.j) \(t.amount), \(rng.replay)"
                let quote = Result(catching: { () throws(BalancerMathError) -> UInt256 in
                    t.givenIn ? try pool.quoteGivenIn(t.amount, from: t.i, to: t.j) : try pool.quoteGivenOut(t.amount, from: t.i, to: t.j)
                })
                switch Result(catching: { () throws(RPCError) -> [UInt8] in try reply.get() }) {
                case .success(let data):
                    let deltas = try Self.query.decodeOutput(data)[0].asArray
                    let onChain = t.givenIn ? (try deltas[t.j].asInt256).magnitude : (try deltas[t.i].asInt256).bitPattern
                    #expect((try? quote.get()) == onChain, "\(what)")
                    outcomes.equal += 1
                case .failure(let error):
                    let reason = "\(error)"
                    switch quote {
                    case .success(let v): Issue.record("the vault reverts (\(reason)) where the quoter gives \(v): \(what)")
                    case .failure(.maxInRatio): #expect(reason.contains("BAL#304"), "\(what): \(reason)")
                    case .failure(.maxOutRatio): #expect(reason.contains("BAL#305"), "\(what): \(reason)")
                    case .failure: break
                    }
                    outcomes.reverted += 1
                }
            }
        }
        #expect(outcomes.equal >= 800 && outcomes.reverted >= 30, "\(outcomes)")
    }
}
