import EthCore
import Market
import EthRPC

/// What one state read is about: whose balances, which allowances, at which block.
public struct StateRequest: Sendable, Equatable {
    /// The address whose token balances make up the portfolio (the vault in vault mode, the
    /// operator wallet in EOA mode).
    public var holder: Address
    /// The hot wallet that signs: its native balance (gas money) and nonce are read too.
    public var `operator`: Address?
    /// Addresses whose allowances from the holder matter (routers, the Balancer vault, ...).
    public var spenders: [Address]
    /// `.latest` (the default) is pinned to one block number before the state is read.
    public var block: BlockTag
    /// When set, a head older than this is reported in `LoadedState.stale`.
    public var maxBlockAgeSeconds: UInt64?
    /// Blocks of `eth_feeHistory` the priority-fee suggestion is taken from.
    public var feeHistoryBlocks: UInt64
    /// The rebalancing vault whose allowlist limits which pools the holder can trade through
    /// (vault mode): pools it does not list are marked `excludedPools` in the snapshot.
    public var vault: Address?

    public init(holder: Address, operator: Address? = nil, spenders: [Address] = [], block: BlockTag = .latest,
                maxBlockAgeSeconds: UInt64? = nil, feeHistoryBlocks: UInt64 = 5, vault: Address? = nil) {
        self.vault = vault
        self.holder = holder
        self.operator = `operator`
        self.spenders = spenders
        self.block = block
        self.maxBlockAgeSeconds = maxBlockAgeSeconds
        self.feeHistoryBlocks = max(1, min(feeHistoryBlocks, 1024))
    }

    /// The spenders a rebalance on `network` needs: every constant-product router and every
    /// weighted DEX's vault, plus `extra` (e.g. the rebalancing vault when the holder deposits).
    public static func spenders(of network: NetworkConfig, extra: [Address] = []) -> [Address] {
        var out: [Address] = []
        for dex in network.dexes {
            for a in [dex.router, dex.vault].compactMap({ $0 }) where !out.contains(a) { out.append(a) }
        }
        // EOA swaps through V3 pools spend through SwapRouter02.
        if let router = network.uniswapV3?.swapRouter02, !out.contains(router) { out.append(router) }
        for a in extra where !out.contains(a) { out.append(a) }
        return out
    }
}

/// A snapshot plus what the loader learnt around it.
public struct LoadedState: Sendable {
    public var state: ChainState
    public var header: BlockHeader
    public var feeHistory: FeeHistory?
    /// The operator's native balance (gas money) and its nonce at the block, when an operator was given.
    public var operatorNativeBalance: UInt256?
    public var operatorNonce: UInt64?
    /// The operator's nonce counting the node's pending transactions; read only when several
    /// holders share one read (`StateLoader.load(_:)` with more than one request).
    public var operatorPendingNonce: UInt64? = nil
    /// Wall-clock seconds between the block's timestamp and the read (0 when the block is "ahead").
    public var blockAgeSeconds: UInt64
    /// Set when the block is older than `StateRequest.maxBlockAgeSeconds`.
    public var stale: StalenessReport?
    /// The node's URL, secrets masked.
    public var node: String
    /// JSON-RPC batches (HTTP round trips, retries aside) this read sent.
    public var roundTrips: Int
}
