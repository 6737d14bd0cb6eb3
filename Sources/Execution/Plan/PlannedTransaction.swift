import EthCore
import Routing
import Strategy

/// One transaction of a plan, before fees, nonce and signature: what to call, from whom.
public struct PlannedTransaction: Sendable, Codable, Hashable {
    /// The plan step it carries out ("approve USDC → uniswap-v2 router", "swap WETH→WBTC",
    /// "rebalance (3 routes)"). The journal's intent key: a step is never sent twice.
    public var label: String
    public var from: Address
    /// nil for a contract creation (`data` is then the init code).
    public var to: Address?
    public var data: [UInt8]
    public var value: UInt256
    /// Gas from simulation (`eth_estimateGas`), filled by the dry run.
    public var gasEstimate: UInt64?
    /// Indices into the plan's routes that this transaction executes (empty for approvals).
    public var routeIndices: [Int]
    /// EOA approvals: token, spender and amount (nil otherwise).
    public var approval: ApprovalDetail? = nil
    /// EOA swaps: the venue, hops and the exact output the plan expects (nil otherwise).
    public var swap: SwapExpectation? = nil

    public init(label: String, from: Address, to: Address?, data: [UInt8], value: UInt256 = .zero,
                gasEstimate: UInt64? = nil, routeIndices: [Int] = []) {
        self.label = label
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gasEstimate = gasEstimate
        self.routeIndices = routeIndices
    }
}

/// The transactions that carry out a trade plan, in order.
public struct RebalancePlan: Sendable, Codable {
    public var mode: CustodyMode
    public var chainId: UInt64
    /// The block the plan was computed at.
    public var blockNumber: UInt64
    public var trades: TradePlan
    public var transactions: [PlannedTransaction]
    /// Unix time after which the swaps revert.
    public var deadline: UInt64
    /// Vault mode: the `rebalance` call as data (steps with their quotes), for re-encoding in simulation.
    public var vaultCall: VaultRebalanceCall? = nil

    public init(mode: CustodyMode, chainId: UInt64, blockNumber: UInt64, trades: TradePlan, transactions: [PlannedTransaction], deadline: UInt64) {
        self.mode = mode
        self.chainId = chainId
        self.blockNumber = blockNumber
        self.trades = trades
        self.transactions = transactions
        self.deadline = deadline
    }
}

extension RebalancePlan {
    /// EOA mode: how many approvals route `r` priced in its own gas (a step route's approvals of
    /// the tokens it buys and spends again, `Router.extraApprovals`), with each pool's spender
    /// read from the swap transaction that goes through it. Those approvals are also transactions
    /// of the plan, so gas sums over the plan count them once.
    public func approvalsPricedInRoute(_ r: Int) -> Int {
        guard mode == .eoa, trades.routes.indices.contains(r), let steps = trades.routes[r].steps else { return 0 }
        var spenders: [Address: Address] = [:]
        for tx in transactions {
            guard let swap = tx.swap, let to = tx.to else { continue }
            for pool in swap.pools { spenders[pool] = to }
        }
        return Router.extraApprovals(steps, sell: trades.routes[r].sell, spenders: spenders)
    }
}

