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
///   pools do not turn discovery off: mainnet lists its Balancer pools and discovers its pairs):
///   the `getPair` calls cannot be in the state batch
///   (the pair addresses they return are what the state batch reads), so they ride along with the
///   pinning batch (at an explicit block they need a batch of their own). Found pairs are kept for
///   the loader's lifetime: later reads are back to one or two batches.
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
    private let discovery: PairDiscovery

    public init(client: EthClient, network: NetworkConfig, networkFile: String? = nil, budget: Multicall3.Budget = .default,
                clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        self.client = client
        self.network = network
        self.networkFile = networkFile ?? "networks/\(network.name).json"
        self.budget = budget
        self.clock = clock
        self.discovery = PairDiscovery(network: network)
    }

    /// Pools found through the factories so far (nil before the first read, or when the network
    /// file lists pools for every factory).
    public var discovered: [NetworkConfig.PoolEntry]? { lock.withLock { discoveredPools } }

    private var needsDiscovery: Bool { !discovery.queries.isEmpty && lock.withLock { discoveredPools == nil } }

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
        roundTrips += 1
        return try read(requests, at: number).map { loaded in
            var loaded = loaded
            loaded.roundTrips = roundTrips
            return loaded
        }
    }

    /// The pinning batch: the chain id (checked), the tag's header when asked, and the `getPair`
    /// calls when pools must still be discovered.
    private func prelude(tag: BlockTag, askHeader: Bool) throws(StateLoadError) -> BlockHeader? {
        let discovery = needsDiscovery ? self.discovery : nil
        let multicall = network.multicall3
        let budget = self.budget
        let (chainId, header, pairs) = try rpc { () throws(RPCError) in
            try client.batch(at: tag) { b in
                (b.add(Eth.chainId()), askHeader ? b.header() : nil,
                 discovery.map { b.aggregate3(multicall: multicall, calls: $0.calls, budget: budget) })
            }
        }
        try checkChainId(try rpc { () throws(RPCError) in try chainId.get() })
        var result: BlockHeader?
        if let header {
            result = try headerValue(header, tag: tag)
        }
        if let discovery, let pairs {
            let found = try discovery.pools(from: try rpc { () throws(RPCError) in try pairs.get() }, network: network)
            lock.withLock { if discoveredPools == nil { discoveredPools = found } }
        }
        return result
    }

    /// The state batch, every member pinned to `number` (a second request and more add their own
    /// members; the pending nonces only with several, where no later check asks for them).
    private func read(_ requests: [StateRequest], at number: UInt64) throws(StateLoadError) -> [LoadedState] {
        guard let first = requests.first else { return [] }
        let pools = (network.pools ?? []) + (lock.withLock { discoveredPools } ?? [])
        let plans = requests.map { request in
            StateReadPlan(network: network, pools: pools, holder: request.holder, operator: request.operator,
                          spenders: request.spenders, vault: request.vault)
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
        var out: [LoadedState] = []
        for ((request, plan), (nonce, pendingNonce, results)) in zip(zip(requests, plans), perRequest) {
            var loaded = try decode(request, plan: plan, header: blockHeader, history: history, nonce: nonce, results: results)
            loaded.operatorPendingNonce = try pendingNonce.map { (p) throws(StateLoadError) in try rpc { () throws(RPCError) in try p.get() } }
            out.append(loaded)
        }
        return out
    }

    /// One request's answers as its snapshot.
    private func decode(_ request: StateRequest, plan: StateReadPlan, header blockHeader: BlockHeader, history: FeeHistory?,
                        nonce: Pending<UInt64>?, results: Pending<[Multicall3.Result]>) throws(StateLoadError) -> LoadedState {
        let multicall = network.multicall3
        let answers: [Multicall3.Result]
        do { answers = try results.get() } catch {
            // Empty or foreign return data: usually no Multicall3 at the configured address.
            if case .malformedReply(let what) = error {
                throw .badReturn(subject: "Multicall3 (\(multicall)) of \(networkFile)", function: "aggregate3((address,bool,bytes)[])",
                                 detail: "\(what); is Multicall3 deployed at this address on this chain?")
            }
            throw .rpc(error)
        }
        let operatorNonce = try nonce.map { (p) throws(StateLoadError) in try rpc { () throws(RPCError) in try p.get() } }

        let context = StateReadPlan.Context(
            chainId: network.chainId,
            block: ChainState.Block(number: blockHeader.number, timestamp: blockHeader.timestamp,
                                    baseFeePerGas: blockHeader.baseFeePerGas ?? .zero),
            priorityFeePerGas: history.flatMap(Self.priorityFee))
        let decoded = try plan.decode(answers, context: context)

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
