import EthCore
import EthRPC
import EthSigning
import Foundation
import MarketLoading
import TestOracles
import Testing
@testable import Market

/// The concentrated-liquidity math against mainnet's Uniswap V3 bytecode on the devnet: random swaps
/// (both directions, exact-in and exact-out, dust to most of the liquidity, crossing none to 20+
/// initialized ticks, 6/8/18-decimal tokens) are quoted in Swift, by QuoterV2 and executed through
/// SwapRouter02; amounts, end price, tick and liquidity agree to the wei. TickMath, which has no
/// external entry point, through the pools' own slot0 and the position manager's mints.
@Suite(.serialized) struct ConcentratedLiquidityExactnessTests {
    static let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let client: EthClient
    let network: NetworkConfig
    let v3: UniswapV3Deployment

    init() throws {
        network = try NetworkConfig.load(path: Self.root.appendingPathComponent("networks/devnet.json").path)
        v3 = try #require(network.uniswapV3)
        // py-evm takes seconds for a batch of swaps on a busy machine: a long timeout, and no retry
        // (a retried batch would send its transactions twice).
        var config = HTTPTransport.Configuration(url: Self.url)
        config.totalTimeoutMilliseconds = 120_000
        client = EthClient(rpc: JSONRPCClient(transport: try HTTPTransport(config),
                                              retryPolicy: RetryPolicy(maxRetries: 0, callTimeoutSeconds: 120)))
        do { _ = try client.blockNumber() } catch {
            throw QuoteExactnessTests.DevnetUnreachable(url: Self.url, error: "\(error)")
        }
    }

    // Public devnet keys (devnet/uniswap_v3.py), not secrets: keccak256 of these texts.
    static func key(_ text: String) throws -> PrivateKey { try PrivateKey(hex: Hex.encode(Keccak256.hash(text)), source: text) }

    static func fn(_ signature: String) -> ABIFunction {
        do { return try ABIFunction(signature: signature) } catch { fatalError("bad test signature \(signature): \(error)") }
    }
    static let slot0 = fn("slot0()(uint160,int24,uint16,uint16,uint16,uint8,bool)")
    static let quoteIn = fn("quoteExactInputSingle((address,address,uint256,uint24,uint160))(uint256,uint160,uint32,uint256)")
    static let quoteOut = fn("quoteExactOutputSingle((address,address,uint256,uint24,uint160))(uint256,uint160,uint32,uint256)")
    static let exactInputSingle = fn("exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))(uint256)")
    static let exactOutputSingle = fn("exactOutputSingle((address,address,uint24,address,uint256,uint256,uint160))(uint256)")
    static let balanceOf = fn("balanceOf(address)(uint256)")
    static let ticksAfterMoves = fn("ticksAfterMoves(address,uint160[])(int24[])")
    static let ticksOfNewPools = fn("ticksOfNewPools(address,uint24,uint160[])(int24[])")
    static let mint = fn("mint((address,address,uint24,int24,int24,uint256,uint256,uint256,uint256,address,uint256))(uint256,uint128,uint256,uint256)")
    static let swapTopic = Keccak256.hash("Swap(address,address,int256,int256,uint160,uint128,int24)")

    static func int(_ v: ABIValue) throws -> Int {
        let i = try v.asInt256
        let m = Int(try #require(i.magnitude.uint64Value))
        return i.isNegative ? -m : m
    }

    static let radius = 4
    static let liquidity = fn("liquidity()(uint128)")

    /// The pools as the model sees them: slot0, liquidity and the TickLens words ±4 around the price.
    func load(_ entries: [UniswapV3Deployment.PoolEntry]) throws -> [ConcentratedLiquidityPool] {
        try ConcentratedLiquidityReader.read(entries, network: network, client: client, block: try client.blockNumber(), radius: Self.radius)
    }

    struct PlannedSwap {
        var pool: Int
        var zeroForOne: Bool
        var amount: ConcentratedLiquidityPool.SwapAmount
        var expected: ConcentratedLiquiditySwap
    }

    /// A random swap on `model`: sizes log-spread from dust to 90 % of what the liquidity read can
    /// take, inputs capped at a third of the trader's balance.
    static func plan(pool k: Int, _ model: ConcentratedLiquidityPool, balances: [String: UInt256],
                     rng: inout SeededRandom) -> PlannedSwap? {
        let zeroForOne = Bool.random(using: &rng)
        let (i, j) = zeroForOne ? (0, 1) : (1, 0)
        let cap = (balances[model.tokens[i]] ?? .zero) / 3
        let reach = min(model.maxAmountIn(from: i, to: j), cap)
        guard reach > UInt256(1_000) else { return nil }
        let exactIn = Bool.random(using: &rng)
        let roll = Double.random(in: 0..<1, using: &rng)
        let fraction = roll < 0.15 ? 0 : pow(10, Double.random(in: -6 ... -0.05, using: &rng))
        var size = fraction == 0 ? UInt256(UInt64.random(in: 1...100_000, using: &rng))
                                 : UInt256(truncating: reach.doubleValue * fraction) ?? .one
        if size.isZero { size = .one }
        if exactIn {
            guard let result = try? model.fullSwap(zeroForOne: zeroForOne, .exactIn(size)), !result.amountOut.isZero else { return nil }
            return PlannedSwap(pool: k, zeroForOne: zeroForOne, amount: .exactIn(size), expected: result)
        }
        // exact-out: a share of what `size` would buy
        guard let buys = try? model.fullSwap(zeroForOne: zeroForOne, .exactIn(size)), !buys.amountOut.isZero,
              let result = try? model.fullSwap(zeroForOne: zeroForOne, .exactOut(buys.amountOut)), result.amountIn <= cap
        else { return nil }
        return PlannedSwap(pool: k, zeroForOne: zeroForOne, amount: .exactOut(buys.amountOut), expected: result)
    }

    @Test func randomSwapsEqualQuoterV2AndThePoolToTheWei() throws {
        let trader = try Self.key("rebalancer devnet uniswap-v3 trader")
        var rng = SeededRandom(seed: 12)
        var models = try load(v3.pools)
        var balances: [String: UInt256] = [:]
        let symbols = network.tokens.map(\.symbol)
        let balanceCall = try Self.balanceOf.encodeCall([.address(trader.address)])
        let reads = try client.batch(at: .latest) { b in network.tokens.map { b.call(to: $0.address, data: balanceCall) } }
        for (s, r) in zip(symbols, reads) { balances[s] = try Self.balanceOf.decodeOutput(try r.get())[0].asUInt256 }
        var nonce = try client.getTransactionCount(trader.address, block: .pending)
        let swaps = 1_000, chunk = 50, perBlock = 5
        var quoted = 0
        // Several swaps per block: py-evm spends most of a swap's time sealing its block.
        _ = try client.rpc.call("evm_setAutomine", [.bool(false)])
        defer { _ = try? client.rpc.call("evm_setAutomine", [.bool(true)]) }
        var crossed: [Int] = [], done = 0
        var kinds: Set<String> = []

        while done < swaps {
            var planned: [PlannedSwap] = []
            var working = models
            while planned.count < chunk {
                let k = Int.random(in: 0..<working.count, using: &rng)
                guard let p = Self.plan(pool: k, working[k], balances: balances, rng: &rng) else { continue }
                planned.append(p)
                working[k] = working[k].applying(p.expected)
                let (tin, tout) = p.zeroForOne ? (working[k].tokens[0], working[k].tokens[1]) : (working[k].tokens[1], working[k].tokens[0])
                balances[tin] = (balances[tin] ?? .zero) - p.expected.amountIn
                balances[tout] = (balances[tout] ?? .zero) + p.expected.amountOut
            }
            // One round trip: before each swap, QuoterV2 on the state the swap meets, then the swap.
            var requests: [(quote: [UInt8], tx: [UInt8])] = []
            for p in planned {
                let pool = v3.pools[p.pool]
                let tin = try #require(network.token(pool.tokens[p.zeroForOne ? 0 : 1])?.address)
                let tout = try #require(network.token(pool.tokens[p.zeroForOne ? 1 : 0])?.address)
                let fee = ABIValue.uint(UInt256(UInt64(pool.fee)))
                let quote: [UInt8], swap: [UInt8]
                switch p.amount {
                case .exactIn(let a):
                    quote = try Self.quoteIn.encodeCall([.tuple([.address(tin), .address(tout), .uint(a), fee, .uint(.zero)])])
                    swap = try Self.exactInputSingle.encodeCall([.tuple([.address(tin), .address(tout), fee, .address(trader.address), .uint(a),
                                                                         .uint(p.expected.amountOut), .uint(.zero)])])
                case .exactOut(let a):
                    quote = try Self.quoteOut.encodeCall([.tuple([.address(tin), .address(tout), .uint(a), fee, .uint(.zero)])])
                    swap = try Self.exactOutputSingle.encodeCall([.tuple([.address(tin), .address(tout), fee, .address(trader.address), .uint(a),
                                                                          .uint(p.expected.amountIn), .uint(.zero)])])
                }
                let gas = GasModel.concentratedLiquiditySwap(ticksCrossed: p.expected.ticksCrossed, .router) * 2 + 100_000
                let tx = DynamicFeeTransaction(chainId: 31337, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                               maxFeePerGas: UInt256(100_000_000_000), gasLimit: gas, to: v3.swapRouter02,
                                               value: .zero, data: swap)
                nonce += 1
                requests.append((quote, tx.sign(with: trader).raw))
            }
            // One round trip for the chunk, in blocks of `perBlock` swaps: QuoterV2 on the state the
            // block's first swap meets, the block's swaps, then the block is mined.
            var calls: [RPCCall] = [], quoteSlots: [Int: Int] = [:]
            for (k, r) in requests.enumerated() {
                if k % perBlock == 0 {
                    quoteSlots[k] = calls.count
                    calls.append(Eth.call(to: v3.quoterV2, data: r.quote, block: .latest).call)
                }
                calls.append(Eth.sendRawTransaction(r.tx).call)
                if k % perBlock == perBlock - 1 || k == requests.count - 1 { calls.append(RPCCall("evm_mine")) }
            }
            let answers = try client.rpc.batch(calls)
            for answer in answers { _ = try answer.get() }
            let hashes = requests.map { Keccak256.hash($0.tx) }
            let receipts = try client.batch(at: .latest) { b in hashes.map { b.add(Eth.getTransactionReceipt($0)) } }
            let quotes: [[UInt8]?] = try requests.indices.map { k in
                guard let slot = quoteSlots[k], case .string(let hex) = try answers[slot].get() else { return nil }
                return try Hex.decode(hex)
            }
            for (p, (quote, receipt)) in zip(planned, zip(quotes, receipts)) {
                let what = "swap \(done) pool \(v3.pools[p.pool].tokens) \(v3.pools[p.pool].fee) \(p.zeroForOne ? "0→1" : "1→0") \(p.amount), \(rng.replay)"
                if let quote {
                    let q = try (p.amount.isExactIn ? Self.quoteIn : Self.quoteOut).decodeOutput(quote)
                    #expect(try q[0].asUInt256 == (p.amount.isExactIn ? p.expected.amountOut : p.expected.amountIn), "QuoterV2: \(what)")
                    #expect(try q[1].asUInt256 == p.expected.sqrtPriceX96After, "QuoterV2 price: \(what)")
                    quoted += 1
                }
                let r = try #require(try receipt.get(), "no receipt: \(what)")
                #expect(r.status, "reverted: \(what)")
                let log = try #require(r.logs.first { $0.address == v3.pools[p.pool].address && $0.topics.first == Self.swapTopic }, "no Swap event: \(what)")
                let words = stride(from: 0, to: log.data.count, by: 32).map { Array(log.data[$0..<$0 + 32]) }
                let a0 = Int256(bitPattern: UInt256(bigEndian: words[0]) ?? .zero), a1 = Int256(bitPattern: UInt256(bigEndian: words[1]) ?? .zero)
                let (paid, got) = p.zeroForOne ? (a0, a1) : (a1, a0)
                #expect(!paid.isNegative && paid.magnitude == p.expected.amountIn, "paid: \(what)")
                #expect(got.isNegative && got.magnitude == p.expected.amountOut, "received: \(what)")
                #expect(UInt256(bigEndian: words[2]) == p.expected.sqrtPriceX96After, "price: \(what)")
                #expect(UInt256(bigEndian: words[3]) == p.expected.liquidityAfter, "liquidity: \(what)")
                #expect(Int256(bitPattern: UInt256(bigEndian: words[4]) ?? .zero) == Int256(p.expected.tickAfter), "tick: \(what)")
                crossed.append(p.expected.ticksCrossed)
                kinds.insert("\(p.zeroForOne) \(p.amount.isExactIn)")
                done += 1
            }
            // The pools now hold exactly what the model predicted: price, tick and liquidity of every
            // pool in one request. Swaps change no tick's liquidityNet, so the words read stay true;
            // a window is read again (around the new price) only once the price has moved two
            // words from its centre, where the next swaps would run out of known ticks.
            let state = try client.batch(at: .latest) { b in
                v3.pools.map { (b.call(to: $0.address, data: Self.slot0.selector), b.call(to: $0.address, data: Self.liquidity.selector)) }
            }
            for (m, (slot, active)) in zip(working, state) {
                let s0 = try Self.slot0.decodeOutput(try slot.get()), l = try Self.liquidity.decodeOutput(try active.get())
                #expect(try m.sqrtPriceX96 == s0[0].asUInt256 && m.tick == Self.int(s0[1]) && m.liquidity == l[0].asUInt256,
                        "pool \(m.tokens) \(m.fee) after \(done) swaps")
            }
            let drifted = working.indices.filter { k in
                let centre = ConcentratedLiquidityPool.Window.word(of: working[k].window.lowerTick, spacing: working[k].tickSpacing) + Self.radius
                return abs(ConcentratedLiquidityPool.Window.word(of: working[k].tick, spacing: working[k].tickSpacing) - centre) >= 2
            }
            if !drifted.isEmpty {
                for (k, pool) in zip(drifted, try load(drifted.map { v3.pools[$0] })) { working[k] = pool }
            }
            models = working
        }
        #expect(kinds.count == 4)
        #expect(quoted == swaps / perBlock)
        #expect(crossed.filter { $0 == 0 }.count > 50)
        #expect(crossed.max() ?? 0 >= 20, "the largest swap crossed \(crossed.max() ?? 0) initialized ticks")
        print("V3 exactness: \(done) swaps (\(quoted) also against QuoterV2), ticks crossed: max \(crossed.max() ?? 0), ≥10: \(crossed.filter { $0 >= 10 }.count), ≥20: \(crossed.filter { $0 >= 20 }.count)")
    }
}

extension ConcentratedLiquidityExactnessTests {
    /// A uniformly random price inside tick `t`'s range, never exactly on a tick's own price.
    static func price(inTick t: Int, _ rng: inout SeededRandom) throws -> UInt256 {
        let lo = try #require(TickMath.sqrtRatio(atTick: t)), hi = try #require(TickMath.sqrtRatio(atTick: t + 1))
        let span = hi - lo
        let offset = UInt256(truncating: span.doubleValue * Double.random(in: 0..<1, using: &rng)) ?? .zero
        return lo + max(.one, min(offset, span - .one))
    }

    /// TickMath.getTickAtSqrtRatio, through the pools: an empty pool moved to random prices over the
    /// whole range reports the tick Swift computes, and so do pools initialized at random prices.
    @Test func poolsReportSwiftsTickAcrossTheWholeRange() throws {
        let deployer = try Self.key("rebalancer devnet uniswap-v3 deployer").address
        // the tick probe is the V3 deployer's first contract (devnet/uniswap_v3.py)
        let created = Keccak256.hash(RLP.encode(.list([.bytes(deployer.bytes), .bytes([])])))
        let probe = try #require(Address(bytes: created.suffix(20)))
        let link = try #require(network.token("LINK")?.address), dai = try #require(network.token("DAI")?.address)
        let getPool = Self.fn("getPool(address,address,uint24)(address)")
        let emptyPool = try getPool.decodeOutput(try client.call(
            to: v3.factory, data: try getPool.encodeCall([.address(link), .address(dai), .uint(UInt256(10_000))]), block: .latest))[0].asAddress

        var rng = SeededRandom(seed: 13)
        func randomTick() -> Int { Int.random(in: TickMath.minTick..<TickMath.maxTick, using: &rng) }
        // Creating a pool is cheap for py-evm, moving an empty one across many words is not:
        // mostly fresh pools (6 per call, under the call gas cap), a few moves.
        let moves: [[UInt256]] = [try (0..<30).map { _ in try Self.price(inTick: randomTick(), &rng) }]
        var fresh: [[UInt256]] = [[TickMath.minSqrtRatio, TickMath.maxSqrtRatio - .one]]
        for _ in 0..<100 { fresh.append(try (0..<6).map { _ in try Self.price(inTick: randomTick(), &rng) }) }
        let moveCalls = try moves.map { try Self.ticksAfterMoves.encodeCall([.address(emptyPool), .array($0.map(ABIValue.uint))]) }
        let freshCalls = try fresh.map { prices in
            try Self.ticksOfNewPools.encodeCall([.address(v3.factory), .uint(UInt256(500)), .array(prices.map(ABIValue.uint))])
        }
        let answers = try client.batch(at: .latest) { b in
            (moveCalls.map { b.call(to: probe, data: $0, from: deployer) }, freshCalls.map { b.call(to: probe, data: $0, from: deployer) })
        }
        var checked = 0
        for (prices, answer) in zip(moves + fresh, answers.0 + answers.1) {
            let fn = prices.count == 30 ? Self.ticksAfterMoves : Self.ticksOfNewPools
            let ticks = try fn.decodeOutput(try answer.get())[0].asArray.map(Self.int)
            #expect(ticks.count == prices.count)
            for (p, t) in zip(prices, ticks) {
                #expect(TickMath.tick(atSqrtRatio: p) == t, "sqrtPriceX96 \(p): the pool says tick \(t), \(rng.replay)")
                checked += 1
            }
        }
        #expect(checked == 632)
    }

    /// TickMath.getSqrtRatioAtTick and SqrtPriceMath through the position manager: mints over random
    /// tick ranges anywhere in the range (spacing 1) take exactly the amounts Swift computes.
    @Test func mintsAtRandomRangesTakeSwiftsAmounts() throws {
        let deployer = try Self.key("rebalancer devnet uniswap-v3 deployer").address
        let entry = try #require(v3.pool("USDC", "USDT", fee: 100))
        let t0 = try #require(network.token(entry.tokens[0])?.address), t1 = try #require(network.token(entry.tokens[1])?.address)
        let n = try client.blockNumber()
        let slot = try Self.slot0.decodeOutput(try client.call(to: entry.address, data: Self.slot0.selector, block: .number(n)))
        let price = try slot[0].asUInt256, tick = try Self.int(slot[1])
        var rng = SeededRandom(seed: 14)
        var planned: [(lower: Int, upper: Int, liquidity: UInt256, amounts: (UInt256, UInt256))] = []
        var calls: [[UInt8]] = []
        while planned.count < 120 {
            let near = planned.count % 3 == 0
            let lower = near ? tick - Int.random(in: 0...2_000, using: &rng) : Int.random(in: TickMath.minTick..<TickMath.maxTick, using: &rng)
            let width = Int(pow(10, Double.random(in: 0...5.5, using: &rng)))
            let upper = min(lower + max(1, width), TickMath.maxTick)
            let desired = (0..<2).map { _ in UInt256(UInt64(pow(10, Double.random(in: 0...12, using: &rng)))) }
            guard let a = TickMath.sqrtRatio(atTick: lower), let b = TickMath.sqrtRatio(atTick: upper),
                  let l = LiquidityAmountsOracle.liquidity(price: price, a, b, desired[0], desired[1]),
                  !l.isZero, l < UInt256.tenTo(30),
                  let amounts = LiquidityAmountsOracle.amounts(tick: tick, price: price, lower: lower, upper: upper, a, b, l)
            else { continue }
            planned.append((lower, upper, l, amounts))
            calls.append(try Self.mint.encodeCall([.tuple([
                .address(t0), .address(t1), .uint(UInt256(UInt64(entry.fee))), .int(Int256(lower)), .int(Int256(upper)),
                .uint(desired[0]), .uint(desired[1]), .uint(.zero), .uint(.zero), .address(deployer), .uint(UInt256(UInt64.max)),
            ])]))
        }
        let answers = try client.batch(at: .number(n)) { b in
            calls.map { b.add(Eth.call(CallRequest(to: v3.positionManager, data: $0, from: deployer), block: .number(n))) }
        }
        for (plan, answer) in zip(planned, answers) {
            let out = try Self.mint.decodeOutput(try answer.get())
            let what = "range [\(plan.lower), \(plan.upper)] at tick \(tick), \(rng.replay)"
            #expect(try out[1].asUInt256 == plan.liquidity, "liquidity: \(what)")
            #expect(try out[2].asUInt256 == plan.amounts.0, "amount0: \(what)")
            #expect(try out[3].asUInt256 == plan.amounts.1, "amount1: \(what)")
        }
    }
}

/// v3-periphery's LiquidityAmounts (what the position manager mints for the desired amounts) and
/// the pool's mint amounts, written out for the test from the published formulas.
enum LiquidityAmountsOracle {
    static let q96 = UInt256.one << 96

    static func liquidity(price p: UInt256, _ a: UInt256, _ b: UInt256, _ amount0: UInt256, _ amount1: UInt256) -> UInt256? {
        func for0(_ a: UInt256, _ b: UInt256) -> UInt256? {
            guard let mid = UInt256.mulDiv(a, b, q96) else { return nil }
            return UInt256.mulDiv(amount0, mid, b - a).flatMap { $0 <= LiquidityMath.uint128Max ? $0 : nil }
        }
        func for1(_ a: UInt256, _ b: UInt256) -> UInt256? {
            UInt256.mulDiv(amount1, q96, b - a).flatMap { $0 <= LiquidityMath.uint128Max ? $0 : nil }
        }
        if p <= a { return for0(a, b) }
        if p < b {
            guard let l0 = for0(p, b), let l1 = for1(a, p) else { return nil }
            return min(l0, l1)
        }
        return for1(a, b)
    }

    /// The pool compares its tick, not its price, with the range.
    static func amounts(tick: Int, price: UInt256, lower: Int, upper: Int, _ a: UInt256, _ b: UInt256, _ l: UInt256) -> (UInt256, UInt256)? {
        if tick < lower { return SqrtPriceMath.amount0Delta(a, b, liquidity: l, roundUp: true).map { ($0, .zero) } }
        if tick < upper {
            guard let x = SqrtPriceMath.amount0Delta(price, b, liquidity: l, roundUp: true),
                  let y = SqrtPriceMath.amount1Delta(a, price, liquidity: l, roundUp: true) else { return nil }
            return (x, y)
        }
        return SqrtPriceMath.amount1Delta(a, b, liquidity: l, roundUp: true).map { (.zero, $0) }
    }
}

extension ConcentratedLiquidityPool.SwapAmount {
    var isExactIn: Bool { if case .exactIn = self { true } else { false } }
}
