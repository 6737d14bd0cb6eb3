import EthCore
import Market

/// What an EOA-mode approval does (kept next to its calldata for reports and the simulator).
public struct ApprovalDetail: Sendable, Codable, Hashable {
    public var token: String
    public var spender: Address
    /// "uniswap-v2 router", "balancer-v2 vault".
    public var spenderName: String
    public var amount: UInt256
    /// The allowance the snapshot showed before this approval.
    public var currentAllowance: UInt256
    /// An `approve(spender, 0)` sent first because the token refuses to change a non-zero allowance.
    public var isReset: Bool
}

/// What an EOA-mode swap transaction must return, for comparing simulation with the plan.
public struct SwapExpectation: Sendable, Codable, Hashable {
    public enum Venue: String, Sendable, Codable {
        /// `Router02.swapExactTokensForTokens` along one DEX's pairs (returns amounts[]).
        case router
        /// Balancer `swap` (one pool; returns the amount out).
        case balancerSwap
        /// Balancer `batchSwap` (several pools; returns asset deltas, negative = paid out).
        case balancerBatchSwap
        /// Uniswap V3 pools through SwapRouter02: `exactInputSingle` (one pool) or `exactInput` (a
        /// packed path), inside `multicall(deadline, …)` (returns the one result: the amount out).
        case swapRouter02
    }

    public var venue: Venue
    public var dex: String
    /// Token symbols, sell first.
    public var path: [String]
    public var pools: [Address]
    public var amountIn: UInt256
    /// The exact quoted output of this transaction's hops.
    public var quotedOut: UInt256
    /// The bound the transaction enforces (the leg's slippage bound on its last transaction; the
    /// exact quote on an earlier transaction of a mixed leg, whose output the next one spends).
    public var minOut: UInt256
    public var routeIndex: Int
    public var legIndex: Int
    /// Index of this transaction's first hop within the leg.
    public var firstHop: Int
    /// For `balancerBatchSwap`: the index of the output asset in the delta array.
    public var outputAssetIndex: Int?
    /// Gas of this transaction's hops on the pools as the plan's earlier swaps leave them (a V3
    /// hop's initialized-tick crossings included): its share of its route's gas. nil in plans
    /// made before it was recorded.
    public var hopsGas: UInt64? = nil

    public var tokenIn: String { path.first ?? "" }
    public var tokenOut: String { path.last ?? "" }
}

extension PlannedTransaction {
    /// Approvals come before swaps; a plan's swaps carry `swap`, its approvals `approval`.
    public var isApproval: Bool { approval != nil }
}
