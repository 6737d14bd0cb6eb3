import EthCore
import Market
import EthRPC
import Foundation

/// Reads a `ChainState` from a node: every balance, allowance and pool of a network at one block.
///
/// Round trips (JSON-RPC batches, each one HTTP request):
/// - at an explicit block number: ONE batch with `eth_chainId`, the header, `eth_feeHistory`, the
///   operator's nonce and a Multicall3 `aggregate3` (split into several `eth_call`s of the same batch
///   when large) carrying every other read. The count does not depend on how many tokens or pools.
/// - at `latest` (or `safe`/`finalized`): one more batch first, asking the header of that tag, and
///   the state batch is then pinned to its number. Why not one batch at "latest"? A batch's members
///   are answered one after another, and a load-balanced provider may even send them to different
///   backends: a block arriving in between would mix two blocks' data (reserves of one, balances of
///   another). Pinning by number makes every member read the same block; the price is one small
///   request. With several nodes, `NodeSelection.choose` has already fetched the head, and passing
///   `.number(head)` saves that request.
/// - a constant-product DEX with a factory but no pool listed in the network file (listed weighted
///   pools do not turn discovery off: mainnet lists its Balancer pools and discovers its pairs), or
///   Uniswap V3 pairs and fee tiers to discover (`uniswapV3.discover`, the factory's `getPool`):
///   the `getPair`/`getPool` calls cannot be in the state batch
///   (the pair addresses they return are what the state batch reads), so they ride along with the
///   pinning batch (at an explicit block they need a batch of their own). Found pairs are kept for
///   the loader's lifetime: later reads are back to one or two batches.
/// - Uniswap V3 pools (the network file's `uniswapV3` section): which TickLens words to read depends
///   on the pool's tick, known only from `slot0()`. The windows are centred on the tick of the
///   pinning batch (which carries every pool's `slot0()` at the tag) or, at an explicit block, of the
///   loader's previous read; the state batch then reads slot0 and the words together at the pinned
///   block, and `ConcentratedLiquidityReads` checks that pinned tick lies inside the window with at
///   least half its words on each side. Only a pool whose price moved further gets one more batch
///   (its words around the pinned tick, same block). At an explicit block with no earlier tick (a
///   loader's first read) the ticks cost one batch of `slot0()` calls before the state batch.
public final class StateLoader: @unchecked Sendable {
    public let client: EthClient
    public let network: NetworkConfig
    /// How the network file is named in errors (`networks/devnet.json`).
    public let networkFile: String
    public let budget: Multicall3.Budget
    /// Wall clock, Unix seconds; tests pass a fixed one.
    let clock: @Sendable () -> UInt64

    private let lock = NSLock()
    private var discoveredPools: [NetworkConfig.PoolEntry]?
    private var discoveredConcentratedPools: [UniswapV3Deployment.PoolEntry] = []
    private let discovery: PairDiscovery
    private let concentratedDiscovery: ConcentratedLiquidityDiscovery
    /// Each V3 pool's tick at the last read: where the next read centres its window.
    private var knownTicks: [Address: Int] = [:]

    public init(client: EthClient, network: NetworkConfig, networkFile: String? = nil, budget: Multicall3.Budget = .default,
                clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        self.client = client
        self.network = network
        self.networkFile = networkFile ?? "networks/\(network.name).json"
        self.budget = budget
        self.clock = clock
        self.discovery = PairDiscovery(network: network)
        self.concentratedDiscovery = ConcentratedLiquidityDiscovery(network: network)
    }

    /// Each V3 pool's tick at the last read, which the next read centres its window on.
    var lastTicks: [Address: Int] {
        get { lock.withLock { knownTicks } }
        set { lock.withLock { knownTicks = newValue } }
    }

    /// Pools found through the factories so far (nil before the first read, or when the network
    /// file lists pools for every factory).
    public var discovered: [NetworkConfig.PoolEntry]? { lock.withLock { discoveredPools } }

    /// Uniswap V3 pools found through the factory's `getPool` so far.
    public var discoveredConcentrated: [UniswapV3Deployment.PoolEntry] { lock.withLock { discoveredConcentratedPools } }

    private var needsDiscovery: Bool {
        (!discovery.queries.isEmpty || !concentratedDiscovery.queries.isEmpty) && lock.withLock { discoveredPools == nil }
    }

    public func load(_ request: StateRequest) throws(StateLoadError) -> LoadedState {
        guard let loaded = try load([request]).first else { throw .blockNotFound(node: client.endpointDescription, block: request.block.description) }
        return loaded
    }

    /// Several holders' states at one block, in the same round trips as one: every request's reads
    /// ride in the one state batch (pinned by the first request's block), and each operator's
    /// pending nonce with them. What a daemon with many portfolios on one network reads per tick.
    public func load(_ requests: [StateRequest]) throws(StateLoadError) -> [LoadedState] {
        guard let request = requests.first else { return [] }
        var roundTrips = 0
        let number: UInt64
        switch request.block {
        case .pending:
            throw .unsupportedBlock("the pending block cannot be pinned: read state at latest or at a block number")
        case .number(let n):
            number = n
            if needsDiscovery {
                roundTrips += 1
                _ = try prelude(tag: .number(n), askHeader: false)
            }
        case .latest, .safe, .finalized, .earliest:
            roundTrips += 1
            guard let header = try prelude(tag: request.block, askHeader: true) else {
                throw .blockNotFound(node: client.endpointDescription, block: request.block.description)
            }
            number = header.number
        }
        let untracked = concentratedPools.filter { entry in lock.withLock { knownTicks[entry.address] == nil } }
        if !untracked.isEmpty {
            roundTrips += 1
            try readTicks(untracked, at: number)
        }
        let (states, recentred) = try read(requests, at: number)
        roundTrips += 1 + (recentred ? 1 : 0)
        return states.map { loaded in
            var loaded = loaded
            loaded.roundTrips = roundTrips
            return loaded
        }
    }

    /// The Uniswap V3 pools read: the network file's and those found through the factory (none
    /// without a TickLens to read their ticks through).
    var concentratedPools: [UniswapV3Deployment.PoolEntry] {
        guard let v3 = network.uniswapV3, v3.tickLens != nil else { return [] }
        return v3.pools + lock.withLock { discoveredConcentratedPools }
    }

    /// The pinning batch: the chain id (checked), the tag's header when asked, the `getPair` and
    /// `getPool` calls when pools must still be discovered, and every known V3 pool's `slot0()` (the
    /// ticks the state batch centres its windows on).
    private func prelude(tag: BlockTag, askHeader: Bool) throws(StateLoadError) -> BlockHeader? {
        let discovering = needsDiscovery
        let discovery = discovering && !self.discovery.queries.isEmpty ? self.discovery : nil
        let v3Discovery = discovering && !concentratedDiscovery.queries.isEmpty ? concentratedDiscovery : nil
        let multicall = network.multicall3
        let budget = self.budget
        let concentrated = concentratedPools
        let (chainId, header, pairs, v3Pools, ticks) = try rpc { () throws(RPCError) in
            try client.batch(at: tag) { b in
                (b.add(Eth.chainId()), askHeader ? b.header() : nil,
                 discovery.map { b.aggregate3(multicall: multicall, calls: $0.calls, budget: budget) },
                 v3Discovery.map { b.aggregate3(multicall: multicall, calls: $0.calls, budget: budget) },
                 concentrated.isEmpty ? nil
                     : b.aggregate3(multicall: multicall, calls: ConcentratedLiquidityReads.tickCalls(concentrated), budget: budget))
            }
        }
        try checkChainId(try rpc { () throws(RPCError) in try chainId.get() })
        var result: BlockHeader?
        if let header {
            result = try headerValue(header, tag: tag)
        }
        if discovering {
            var found: [NetworkConfig.PoolEntry] = []
            var foundV3: [UniswapV3Deployment.PoolEntry] = []
            if let discovery, let pairs { found = try discovery.pools(from: try multicallResults(pairs), network: network) }
            if let v3Discovery, let v3Pools { foundV3 = try v3Discovery.pools(from: try multicallResults(v3Pools), network: network) }
            lock.withLock {
                if discoveredPools == nil {
                    discoveredPools = found
                    discoveredConcentratedPools = foundV3
                }
            }
        }
        if let ticks {
            var block = result?.number ?? 0
            if case .number(let n) = tag { block = n }
            let found = try ConcentratedLiquidityReads.ticks(try multicallResults(ticks), of: concentrated, block: block)
            lock.withLock { knownTicks.merge(found) { _, new in new } }
        }
        return result
    }

    /// `slot0()` of the V3 pools no earlier read has a tick for, at the block about to be read.
    private func readTicks(_ entries: [UniswapV3Deployment.PoolEntry], at number: UInt64) throws(StateLoadError) {
        let multicall = network.multicall3
        let budget = self.budget
        // The header too: a block the node lacks is named as such, not as a failed eth_call.
        let (header, pending) = try rpc { () throws(RPCError) in
            try client.batch(at: .number(number)) { b in
                (b.header(), b.aggregate3(multicall: multicall, calls: ConcentratedLiquidityReads.tickCalls(entries), budget: budget))
            }
        }
        _ = try headerValue(header, tag: .number(number))
        let found = try ConcentratedLiquidityReads.ticks(try multicallResults(pending), of: entries, block: number)
        lock.withLock { knownTicks.merge(found) { _, new in new } }
    }

    /// The V3 reads of the state batch: each pool's window centred on its known tick.
    private func concentratedReads(_ entries: [UniswapV3Deployment.PoolEntry],
                                   ticks: [Address: Int]? = nil) -> ConcentratedLiquidityReads? {
        guard let v3 = network.uniswapV3, let tickLens = v3.tickLens, !entries.isEmpty else { return nil }
        let known = ticks ?? lock.withLock { knownTicks }
        let targets = entries.map { entry in
            ConcentratedLiquidityReads.Target(entry: entry, aroundTick: known[entry.address] ?? 0, radius: v3.windowWords)
        }
        return ConcentratedLiquidityReads(network: network, tickLens: tickLens, targets: targets)
    }

    /// The V3 pools from the state batch's answers; a pool whose pinned tick left its window's
    /// middle is read again around that tick at the same block (one more batch for all such pools).
    private func concentratedPools(_ reads: ConcentratedLiquidityReads, _ results: [Multicall3.Result],
                                   at number: UInt64) throws(StateLoadError) -> (pools: [ConcentratedLiquidityPool], recentred: Bool) {
        let outcomes = try reads.decode(results, block: number)
        var moved: [Address: Int] = [:]
        for (target, outcome) in zip(reads.targets, outcomes) {
            if case .recentre(let tick) = outcome { moved[target.entry.address] = tick }
        }
        var again: [Address: ConcentratedLiquidityPool] = [:]
        if !moved.isEmpty, let retry = concentratedReads(reads.targets.map(\.entry).filter { moved[$0.address] != nil }, ticks: moved) {
            let multicall = network.multicall3
            let budget = self.budget
            let pending = try rpc { () throws(RPCError) in
                try client.batch(at: .number(number)) { b in b.aggregate3(multicall: multicall, calls: retry.calls, budget: budget) }
            }
            for (target, outcome) in zip(retry.targets, try retry.decode(try multicallResults(pending), block: number)) {
                // Same block, so the same tick: a window centred on it cannot miss it.
                guard case .pool(let pool) = outcome else {
                    throw .mismatch(subject: ConcentratedLiquidityReads.subject(target.entry),
                                    detail: "slot0() answered two different ticks at block \(number)")
                }
                again[pool.address] = pool
            }
        }
        var pools: [ConcentratedLiquidityPool] = []
        for (target, outcome) in zip(reads.targets, outcomes) {
            switch outcome {
            case .pool(let pool): pools.append(pool)
            case .recentre:
                guard let pool = again[target.entry.address] else {
                    throw .mismatch(subject: ConcentratedLiquidityReads.subject(target.entry), detail: "not read again around its tick")
                }
                pools.append(pool)
            }
        }
        lock.withLock { for pool in pools { knownTicks[pool.address] = pool.tick } }
        return (pools, !moved.isEmpty)
    }

    private func multicallResults(_ pending: Pending<[Multicall3.Result]>) throws(StateLoadError) -> [Multicall3.Result] {
        do { return try pending.get() } catch {
            if case .malformedReply(let what) = error {
                throw .badReturn(subject: "Multicall3 (\(network.multicall3)) of \(networkFile)", function: "aggregate3((address,bool,bytes)[])",
                                 detail: "\(what); is Multicall3 deployed at this address on this chain?")
            }
            throw .rpc(error)
        }
    }

    /// The state batch, every member pinned to `number` (a second request and more add their own
    /// members; the pending nonces only with several, where no later check asks for them; the V3
    /// pools, the same for every holder, ride with the first). `recentred` when a V3 pool needed
    /// one more batch.
    private func read(_ requests: [StateRequest], at number: UInt64) throws(StateLoadError) -> (states: [LoadedState], recentred: Bool) {
        guard let first = requests.first else { return ([], false) }
        let pools = (network.pools ?? []) + (lock.withLock { discoveredPools } ?? [])
        let concentrated = concentratedPools
        let reads = concentratedReads(concentrated)
        let plans = requests.enumerated().map { k, request in
            StateReadPlan(network: network, pools: pools, holder: request.holder, operator: request.operator,
                          spenders: request.spenders, vault: request.vault, concentrated: concentrated,
                          concentratedReads: k == 0 ? reads : nil)
        }
        let multicall = network.multicall3
        let budget = self.budget
        let several = requests.count > 1
        let (chainId, header, fees, perRequest) = try rpc { () throws(RPCError) in
            try client.batch(at: .number(number)) { b in
                (b.add(Eth.chainId()), b.header(), b.feeHistory(blockCount: first.feeHistoryBlocks, percentiles: [50]),
                 zip(requests, plans).map { request, plan in
                     (request.operator.map { b.transactionCount(of: $0) },
                      several ? request.operator.map { b.add(Eth.getTransactionCount($0, block: .pending)) } : nil,
                      b.aggregate3(multicall: multicall, calls: plan.calls, budget: budget))
                 })
            }
        }
        // The chain id first: against another chain every other answer is meaningless.
        try checkChainId(try rpc { () throws(RPCError) in try chainId.get() })
        let blockHeader = try headerValue(header, tag: .number(number))
        // Fee history is advice for the fee estimator; a node without it still gives a snapshot.
        let history = try? fees.get()
        var answers: [[Multicall3.Result]] = []
        for (_, _, results) in perRequest { answers.append(try multicallResults(results)) }
        var concentratedPools: [ConcentratedLiquidityPool] = []
        var recentred = false
        if let reads, let firstPlan = plans.first, let firstAnswers = answers.first {
            (concentratedPools, recentred) = try self.concentratedPools(reads, firstPlan.concentratedResults(firstAnswers), at: number)
        }
        var out: [LoadedState] = []
        for (((request, plan), (nonce, pendingNonce, _)), results) in zip(zip(zip(requests, plans), perRequest), answers) {
            var loaded = try decode(request, plan: plan, header: blockHeader, history: history, nonce: nonce, answers: results,
                                    concentrated: concentratedPools)
            loaded.operatorPendingNonce = try pendingNonce.map { (p) throws(StateLoadError) in try rpc { () throws(RPCError) in try p.get() } }
            out.append(loaded)
        }
        return (out, recentred)
    }

    /// One request's answers as its snapshot.
    private func decode(_ request: StateRequest, plan: StateReadPlan, header blockHeader: BlockHeader, history: FeeHistory?,
                        nonce: Pending<UInt64>?, answers: [Multicall3.Result],
                        concentrated: [ConcentratedLiquidityPool]) throws(StateLoadError) -> LoadedState {
        let operatorNonce = try nonce.map { (p) throws(StateLoadError) in try rpc { () throws(RPCError) in try p.get() } }

        let context = StateReadPlan.Context(
            chainId: network.chainId,
            block: ChainState.Block(number: blockHeader.number, timestamp: blockHeader.timestamp,
                                    baseFeePerGas: blockHeader.baseFeePerGas ?? .zero),
            priorityFeePerGas: history.flatMap(Self.priorityFee))
        let decoded = try plan.decode(answers, context: context, concentratedPools: concentrated)

        let now = clock()
        let age = now > blockHeader.timestamp ? now - blockHeader.timestamp : 0
        let stale = request.maxBlockAgeSeconds.flatMap { maxAge in
            StalenessCheck(maxBlockAgeSeconds: maxAge).check(blockHeader, now: now, node: client.endpointDescription)
        }
        return LoadedState(state: decoded.state, header: blockHeader, feeHistory: history,
                           operatorNativeBalance: decoded.operatorNativeBalance, operatorNonce: operatorNonce,
                           blockAgeSeconds: age, stale: stale, node: client.endpointDescription, roundTrips: 1)
    }

    /// The median of the blocks' 50th-percentile priority fees (blocks without transactions
    /// report 0 and are left out); nil when no block had any.
    static func priorityFee(_ history: FeeHistory) -> UInt256? {
        let fees = zip(history.reward, history.gasUsedRatio.count == history.reward.count
                       ? history.gasUsedRatio : Array(repeating: 1, count: history.reward.count))
            .compactMap { reward, ratio in ratio > 0 ? reward.first : nil }
            .filter { !$0.isZero }
            .sorted()
        guard !fees.isEmpty else { return nil }
        return fees[fees.count / 2]
    }

    private func checkChainId(_ nodeChainId: UInt64) throws(StateLoadError) {
        guard nodeChainId == network.chainId else {
            throw .chainIdMismatch(node: client.endpointDescription, nodeChainId: nodeChainId, networkFile: networkFile,
                                   expected: network.chainId)
        }
    }

    private func headerValue(_ pending: Pending<BlockHeader>, tag: BlockTag) throws(StateLoadError) -> BlockHeader {
        do { return try pending.get() } catch {
            if case .notFound = error { throw .blockNotFound(node: client.endpointDescription, block: tag.description) }
            throw .rpc(error)
        }
    }

    private func rpc<T>(_ body: () throws(RPCError) -> T) throws(StateLoadError) -> T {
        do { return try body() } catch { throw .rpc(error) }
    }
}
