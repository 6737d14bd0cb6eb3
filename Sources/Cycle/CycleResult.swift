import Dispatch
import EthCore
import Execution
import Market
import Strategy

/// How one cycle ended: what `run` maps to its exit code, the daemon to its alerts, and a
/// rehearsal to its report.
public struct CycleResult: Sendable {
    public enum Status: Sendable, Equatable {
        case completed
        case skipped
        /// The dry run disagreed with the plan; nothing was sent.
        case disagreed
        /// A transaction reverted or was dropped.
        case failed
        /// Nothing planned, or a send's fate unknown, until the chain settles the operator's transactions.
        case unsettled
    }

    public var status: Status
    public var runId: Int64?
    public var decision: Decision?
    /// Why it skipped, failed or is unsettled, in words.
    public var reason: String?
    /// The skip reasons (and a routing failure), as journaled.
    public var reasons: [String] = []
    /// The drift the decision was made on (for metrics); nil when the cycle stopped before deciding.
    public var drift: DriftReport?
    /// Seconds per stage, in order (reconcile, read, decide and plan, dry run, journal, sign and
    /// send, confirm, report): what `run --json` and the run report show.
    public var timings: [StageSeconds] = []
    /// Filled when transactions were sent.
    public var execution: CycleExecution?
    /// Paper runs: the paper book after the run.
    public var paper: PaperRecord?
}

/// Measures a cycle's stages one after another on the monotonic clock.
struct StageTimer {
    private(set) var laps: [StageSeconds] = []
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append(StageSeconds(stage: stage, seconds: Double(now - last) / 1e9))
        last = now
    }

    /// The laps with a last one for `stage`.
    mutating func finish(_ stage: String) -> [StageSeconds] {
        lap(stage)
        return laps
    }
}

/// What was sent and what the chain did with it.
public struct CycleExecution: Sendable {
    public var transactions: [PlannedTransaction]
    public var outcomes: [SendOutcome]
    public var routes: [RouteOutcome]
    /// The state the plan was made from (for amounts' decimals).
    public var state: ChainState
    public var allocation: [AllocationRow]
    public var summary: ExecutionSummary
}

/// The numbers a rehearsal compares: predicted against actual per route, gas, cost, time.
public struct ExecutionSummary: Sendable, Encodable {
    public var routes: [RouteOutcome]
    public var gasEstimated: UInt64
    public var gasUsed: UInt64
    public var costWei: UInt256
    public var dryRunCostWei: UInt256
    public var feesPaid: Double
    public var quoteToken: String
    public var secondsToConfirmation: Double
    /// Fees, price impact and gas in the quote token, predicted and actual.
    public var cost: RebalanceCost?
    /// How each transaction was sent and how long its inclusion took.
    public var sending: [SendingSummary] = []
}

/// What the cycle tells its caller as it goes (notes on stderr, a progress line per poll).
public enum CycleEvent: Sendable, CustomStringConvertible {
    case settledEarlierTransactions
    case unsettled(String)
    case dryRunDisagreed(runId: Int64?, why: String)
    case unestimatedGas(count: Int, method: String)
    case sent(runId: Int64, hashes: [Hash32])
    case confirmer(ConfirmerEvent)

    public var description: String {
        switch self {
        case .settledEarlierTransactions: return "run: settled earlier unfinished transactions first (see `rebalancer history`)"
        case .unsettled(let why): return "run: \(why)"
        case .dryRunDisagreed(let runId, let why):
            return "run \(runId.map(String.init) ?? "?"): the dry run disagrees with the plan, nothing sent: \(why)"
        case .unestimatedGas(let count, let method):
            return "run: \(count) transaction(s) not simulated (\(method)); their gas limits are the plan's estimates + 50 %"
        case .sent(let runId, let hashes):
            return "run \(runId): sent \(hashes.count) transaction(s): \(hashes.map(\.hex).joined(separator: ", "))"
        case .confirmer(let event): return "  \(event)"
        }
    }
}

/// Why a cycle stopped before it could decide; one line naming the file, field or node.
public enum CycleError: Error, Sendable, CustomStringConvertible {
    case keyIsNotOperator(key: Address, operator: Address, portfolioFile: String)
    case node(String)
    case portfolio(file: String, reason: String)
    /// The pools read do not link a portfolio token to the quote token (the node's pools, not the portfolio, are short).
    case noPrice(token: String, quote: String, source: String)
    case journal(String)
    case dryRun(String)
    case noGasEstimate(label: String)
    case confirmation(runId: Int64, reason: String)

    /// A short name of what failed, for metrics: node, portfolio, journal, dry-run, confirmation, key.
    public var kind: String {
        switch self {
        case .keyIsNotOperator: return "key"
        case .node: return "node"
        case .portfolio, .noPrice: return "portfolio"
        case .journal: return "journal"
        case .dryRun, .noGasEstimate: return "dry-run"
        case .confirmation: return "confirmation"
        }
    }

    public var description: String {
        switch self {
        case .keyIsNotOperator(let key, let op, let file):
            return "the key is for \(key.checksummed), but \(file) names operator \(op.checksummed)"
        case .node(let why): return why
        case .portfolio(let file, let why): return "\(file): \(why)"
        case .noPrice(let token, let quote, let source):
            return "\(source): no pool path prices \(token) in \(quote) (the pools read there do not link \(token) to \(quote))"
        case .journal(let why): return "journal: \(why)"
        case .dryRun(let why): return "dry run: \(why)"
        case .noGasEstimate(let label): return "\(label): no gas estimate and no planned gas; nothing sent"
        case .confirmation(let runId, let why):
            return "run \(runId): \(why) (the journal keeps the rest; run again to reconcile)"
        }
    }
}
