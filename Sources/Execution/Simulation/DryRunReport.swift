import EthCore
import Market
import Routing
import Strategy

/// How the dry run simulated the plan (printed in every report).
public enum SimulationMethod: String, Sendable, Codable {
    /// Vault: the planned call, the call with every step's bound at its exact quote, and one call
    /// per step with that step's bound at quote + 1, all `eth_call` at the pinned block in one batch.
    case vaultExactnessProbes = "vault-exactness-probes"
    /// EOA: each transaction sent unsigned from the operator on a devnet snapshot (`evm_snapshot`,
    /// `eth_sendTransaction`, `evm_revert`), return values read with `eth_call` before each send.
    case eoaSnapshotReplay = "eoa-snapshot-replay"
    /// EOA without snapshots: approvals and the first swap only, `eth_call` at the pinned block.
    case eoaApprovalsAndFirstSwap = "eoa-approvals-and-first-swap"
}

/// One transaction's simulation.
public struct TransactionSimulation: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable { case ok, reverted, notSimulated = "not-simulated" }

    public var label: String
    /// nil for a contract creation.
    public var to: Address?
    public var status: Status
    /// The revert reason, or why it was not simulated.
    public var detail: String?
    /// `eth_estimateGas`; nil when not simulated (then `plannedGas` stands in for the totals).
    public var gasEstimate: UInt64?
    public var plannedGas: UInt64?
    /// The gas limit the sender will use: estimate + margin.
    public var gasLimit: UInt64?
    /// Gas used when the transaction was replayed on a snapshot.
    public var gasUsed: UInt64?
    /// Swaps: the exact output the plan expects and the output the simulation returned.
    public var expectedOut: UInt256?
    public var simulatedOut: UInt256?
}

/// Vault mode: one step's exactness verdict.
public struct StepCheck: Sendable, Codable, Hashable {
    public enum Verdict: String, Sendable, Codable {
        /// The step returned exactly its quote (≥ quote in the exact call, < quote + 1 in its probe).
        case exact
        /// Below the quote.
        case below
        /// At least quote + 1.
        case above
        /// The probes did not decide (another revert).
        case unknown
    }

    public var index: Int
    public var routeIndex: Int
    public var hop: String
    public var pool: Address
    public var quotedOut: UInt256
    public var minAmountOut: UInt256
    public var verdict: Verdict
    public var detail: String?
}

/// One route: planned versus simulated.
public struct RouteCheck: Sendable, Codable, Hashable {
    public var index: Int
    public var sell: String
    public var buy: String
    public var amountIn: UInt256
    public var quotedOut: UInt256
    public var minOut: UInt256
    /// Equal to `quotedOut` when every hop was shown exact; nil when not known.
    public var simulatedOut: UInt256?
    public var priceImpactBps: Double
    public var agrees: Bool
    public var problems: [String]
}

public struct GasSummary: Sendable, Codable, Hashable {
    /// Sum of the estimates (planned gas where a transaction was not simulated).
    public var total: UInt64
    /// Sum of the gas limits.
    public var totalLimit: UInt64
    public var marginPercent: UInt64
    /// True when every transaction's gas came from `eth_estimateGas`.
    public var allEstimated: Bool
}

public struct CostSummary: Sendable, Codable, Hashable {
    public var quoteToken: String
    /// Base fee of the pinned block plus the priority fee we would pay.
    public var atCurrentFees: GasCost
    /// The network file's `maxFeePerGas`.
    public var atFeeCap: GasCost
    /// The most the transactions can be charged: every gas limit at the fee cap.
    public var maxChargeAtFeeCap: GasCost
}

/// What a dry run found: every transaction simulated at the plan's block, gas and its cost, and
/// whether the simulation agrees with the plan to the wei. `--json` prints it as is.
public struct DryRunReport: Sendable, Codable {
    public var mode: CustodyMode
    public var chainId: UInt64
    public var blockNumber: UInt64
    /// The block the simulation ran on (the pinned block, or the head for a snapshot replay).
    public var simulatedAtBlock: UInt64
    public var method: SimulationMethod
    public var methodNote: String
    public var clientVersion: String?
    public var transactions: [TransactionSimulation]
    public var steps: [StepCheck]
    public var routes: [RouteCheck]
    public var gas: GasSummary
    public var cost: CostSummary
    /// Pool fees paid, whole quote tokens (TradePlan.feesPaid).
    public var feesPaid: Double
    /// Weights after the trades, percent.
    public var projectedWeights: [String: Double]
    /// True when every transaction succeeded and every output equals its quote.
    public var agrees: Bool
    /// False when some transactions could not be simulated (EOA mode on a node without snapshots):
    /// `agrees` then covers only the simulated ones.
    public var complete: Bool
    /// One line per disagreement.
    public var problems: [String]
}
