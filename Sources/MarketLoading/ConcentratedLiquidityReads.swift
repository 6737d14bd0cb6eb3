import EthCore
import EthRPC
import Market

/// The Multicall3 members that read Uniswap V3 pools at one block, and how their answers become
/// `ConcentratedLiquidityPool`s: the one decoding path for V3 state (the state loader's multicall,
/// its re-centring round trip, and `ConcentratedLiquidityReader`). Pure.
///
/// Per pool: `slot0()`, `liquidity()`, `fee()`, `tickSpacing()`, `token0()`, `token1()` (fee, spacing
/// and token order are checked against the network file) and TickLens `getPopulatedTicksInWord` for
/// each bitmap word of the window. The words must be chosen before the answers arrive, so they are
/// centred on a tick known beforehand (an earlier read); `decode` then checks the tick of the same
/// answers against that window.
struct ConcentratedLiquidityReads {
    struct Target: Equatable {
        var entry: UniswapV3Deployment.PoolEntry
        /// The bitmap word the window is centred on.
        var centreWord: Int
        /// Words read on each side of the centre.
        var radius: Int

        init(entry: UniswapV3Deployment.PoolEntry, aroundTick tick: Int, radius: Int) {
            self.entry = entry
            self.centreWord = ConcentratedLiquidityPool.Window.word(of: tick, spacing: entry.tickSpacing)
            self.radius = max(0, radius)
        }

        var words: ClosedRange<Int> { (centreWord - radius)...(centreWord + radius) }

        /// How far (in words) the pool's tick may have moved from the centre and the window still
        /// serve: at least half the radius (rounded up) must remain on either side of the price.
        var tolerance: Int { radius / 2 }
    }

    enum Member: Hashable {
        case slot0, liquidity, fee, tickSpacing, token0, token1
        case word(Int)
    }

    enum Outcome: Equatable {
        case pool(ConcentratedLiquidityPool)
        /// The pool's tick at the block lies too near the window's edge (or outside it): read
        /// the words around `tick` instead.
        case recentre(tick: Int)
    }

    let network: NetworkConfig
    let tickLens: Address
    let targets: [Target]
    private(set) var calls: [Multicall3.Call] = []
    private(set) var members: [(target: Int, member: Member)] = []

    init(network: NetworkConfig, tickLens: Address, targets: [Target]) {
        self.network = network
        self.tickLens = tickLens
        self.targets = targets
        for (k, target) in targets.enumerated() {
            let pool = target.entry.address
            for (member, function) in [(Member.slot0, StateCalls.slot0), (.liquidity, StateCalls.liquidity), (.fee, StateCalls.fee),
                                       (.tickSpacing, StateCalls.tickSpacing), (.token0, StateCalls.token0), (.token1, StateCalls.token1)] {
                add(k, member, pool, StateCalls.calldata(function))
            }
            for word in target.words {
                add(k, .word(word), tickLens, StateCalls.calldata(StateCalls.getPopulatedTicksInWord, [pool.word, Int256(word).bitPattern.bigEndianBytes]))
            }
        }
    }

    private mutating func add(_ target: Int, _ member: Member, _ to: Address, _ data: [UInt8]) {
        members.append((target, member))
        calls.append(Multicall3.Call(target: to, allowFailure: true, callData: data))
    }

    static func subject(_ entry: UniswapV3Deployment.PoolEntry) -> String {
        "pool uniswap-v3 \(entry.tokens.joined(separator: "/")) \(entry.fee) (\(entry.address))"
    }

    static func function(_ member: Member) -> ABIFunction {
        switch member {
        case .slot0: StateCalls.slot0
        case .liquidity: StateCalls.liquidity
        case .fee: StateCalls.fee
        case .tickSpacing: StateCalls.tickSpacing
        case .token0: StateCalls.token0
        case .token1: StateCalls.token1
        case .word: StateCalls.getPopulatedTicksInWord
        }
    }

    /// One outcome per target, in order. A failed member, a fee, spacing or token order other than
    /// the network file's, or a state no pool can be in, is an error naming the pool.
    func decode(_ results: [Multicall3.Result], block: UInt64) throws(StateLoadError) -> [Outcome] {
        guard results.count == calls.count else {
            throw .badReturn(subject: "Multicall3 (\(network.multicall3))", function: "aggregate3",
                             detail: "\(results.count) results for \(calls.count) Uniswap V3 calls")
        }
        var answers: [[Member: [ABIValue]]] = Array(repeating: [:], count: targets.count)
        for ((k, member), result) in zip(members, results) {
            answers[k][member] = try Self.values(result, function: Self.function(member), subject: Self.subject(targets[k].entry),
                                                 block: block, word: member)
        }
        return try zip(targets, answers).map { (target, values) throws(StateLoadError) in try outcome(target, values) }
    }

    private func outcome(_ target: Target, _ values: [Member: [ABIValue]]) throws(StateLoadError) -> Outcome {
        let entry = target.entry
        let subject = Self.subject(entry)
        func first(_ member: Member) throws(StateLoadError) -> ABIValue {
            guard let value = values[member]?.first else {
                throw .badReturn(subject: subject, function: StateCalls.label(Self.function(member)), detail: "missing output")
            }
            return value
        }
        func bad(_ member: Member, _ detail: String) -> StateLoadError {
            .badReturn(subject: subject, function: StateCalls.label(Self.function(member)), detail: detail)
        }
        func uint(_ member: Member, _ value: ABIValue) throws(StateLoadError) -> UInt256 {
            do { return try value.asUInt256 } catch { throw bad(member, error.description) }
        }
        func tick(_ member: Member, _ value: ABIValue) throws(StateLoadError) -> Int {
            guard case .int(let i) = value, let m = i.magnitude.uint64Value, m <= UInt64(TickMath.maxTick) else {
                throw bad(member, "not a tick: \(value)")
            }
            return i.isNegative ? -Int(m) : Int(m)
        }
        func address(_ member: Member) throws(StateLoadError) -> Address {
            do { return try first(member).asAddress } catch let error as StateLoadError { throw error } catch { throw bad(member, "\(error)") }
        }

        guard let slot0 = values[.slot0], slot0.count >= 2 else { throw bad(.slot0, "missing output") }
        let sqrtPrice = try uint(.slot0, slot0[0])
        let current = try tick(.slot0, slot0[1])
        let liquidity = try uint(.liquidity, try first(.liquidity))
        let fee = try uint(.fee, try first(.fee))
        let spacing = try tick(.tickSpacing, try first(.tickSpacing))
        guard fee == UInt256(UInt64(entry.fee)) else {
            throw .mismatch(subject: subject, detail: "fee() is \(fee) on chain, the network file says \(entry.fee)")
        }
        guard spacing == entry.tickSpacing else {
            throw .mismatch(subject: subject, detail: "tickSpacing() is \(spacing) on chain, the network file says \(entry.tickSpacing)")
        }
        for (k, member) in [Member.token0, .token1].enumerated() {
            let onChain = try address(member)
            guard network.token(entry.tokens[k])?.address == onChain else {
                let known = network.tokens.first { $0.address == onChain }.map { " (\($0.symbol))" } ?? " (not a configured token)"
                throw .mismatch(subject: subject,
                                detail: "token\(k)() on chain is \(onChain)\(known), the network file says \(entry.tokens[k])")
            }
        }

        let word = ConcentratedLiquidityPool.Window.word(of: current, spacing: spacing)
        guard abs(word - target.centreWord) <= target.tolerance else { return .recentre(tick: current) }

        var ticks: [ConcentratedLiquidityPool.Tick] = []
        for w in target.words {
            guard case .array(let entries) = try first(.word(w)) else { throw bad(.word(w), "not a list of ticks") }
            for e in entries {
                guard case .tuple(let fields) = e, fields.count == 3, case .int(let net) = fields[1] else {
                    throw bad(.word(w), "not a populated tick: \(e)")
                }
                ticks.append(.init(index: try tick(.word(w), fields[0]), liquidityNet: net))
            }
        }
        // TickLens lists a word's ticks from the highest bit down.
        ticks.sort { $0.index < $1.index }
        let window = ConcentratedLiquidityPool.Window(words: target.words, spacing: spacing)
        do throws(PoolInvariantError) {
            return .pool(try ConcentratedLiquidityPool(
                address: entry.address, tokens: entry.tokens, fee: entry.fee, tickSpacing: spacing, sqrtPriceX96: sqrtPrice,
                tick: current, liquidity: liquidity, ticks: ticks, window: window, dex: UniswapV3Deployment.dexName))
        } catch {
            throw .mismatch(subject: subject, detail: error.description)
        }
    }

    /// The ABI values of one successful member, or an error naming it.
    static func values(_ result: Multicall3.Result, function: ABIFunction, subject: String, block: UInt64?,
                       word: Member? = nil) throws(StateLoadError) -> [ABIValue] {
        var label = StateCalls.label(function)
        if case .word(let w) = word { label += " word \(w)" }
        guard result.success else { throw .callFailed(subject: subject, function: label, reason: StateReadPlan.revertText(result.returnData)) }
        guard !result.returnData.isEmpty else {
            let at = block.map { " at block \($0)" } ?? ""
            throw .callFailed(subject: subject, function: label, reason: "returned no data (no contract at this address\(at)?)")
        }
        do { return try function.decodeOutput(result.returnData) } catch {
            throw .badReturn(subject: subject, function: label, detail: error.description)
        }
    }

    // MARK: the tick a window is centred on

    /// `slot0()` of each pool: what centres the windows when no earlier read gave a tick.
    static func tickCalls(_ entries: [UniswapV3Deployment.PoolEntry]) -> [Multicall3.Call] {
        entries.map { Multicall3.Call(target: $0.address, allowFailure: true, callData: StateCalls.calldata(StateCalls.slot0)) }
    }

    static func ticks(_ results: [Multicall3.Result], of entries: [UniswapV3Deployment.PoolEntry],
                      block: UInt64) throws(StateLoadError) -> [Address: Int] {
        guard results.count == entries.count else {
            throw .badReturn(subject: "Multicall3", function: "aggregate3", detail: "\(results.count) results for \(entries.count) slot0 calls")
        }
        var out: [Address: Int] = [:]
        for (entry, result) in zip(entries, results) {
            let subject = Self.subject(entry)
            let values = try Self.values(result, function: StateCalls.slot0, subject: subject, block: block)
            guard values.count >= 2, case .int(let i) = values[1], let m = i.magnitude.uint64Value, m <= UInt64(TickMath.maxTick) else {
                throw .badReturn(subject: subject, function: StateCalls.label(StateCalls.slot0), detail: "no tick")
            }
            out[entry.address] = i.isNegative ? -Int(m) : Int(m)
        }
        return out
    }
}
