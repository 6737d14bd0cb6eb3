import EthCore
import Foundation

/// Everything the HTML report shows about one run, as a plain value: built from the strategy,
/// the routes, the simulation and (after sending) the receipts; rendered by `HTMLReport`.
/// Weights are percent; values are whole quote tokens; amounts are raw integer units.
public struct RunReport: Sendable, Codable, Hashable {
    public enum Mode: String, Sendable, Codable, Hashable {
        case plan
        case dryRun = "dry-run"
        case live
        /// A paper run: the live decision with hypothetical fills at the quoted outputs.
        case paper
    }

    public var network: String
    public var runId: Int64?
    public var blockNumber: UInt64
    public var time: Date
    public var quoteToken: String
    /// The chain's native token, for gas cost ("ETH").
    public var nativeSymbol: String
    /// "vault" or "eoa".
    public var custody: String
    public var mode: Mode
    /// Symbols and decimals of every token the report mentions.
    public var tokens: [Token]
    /// Portfolio value before the run, in the quote token.
    public var totalValue: Double?
    public var allocation: [AllocationRow]
    public var routes: [RouteSummary]
    public var gas: RunGasSummary
    public var decision: DecisionSummary
    /// Fees, price impact and gas in the quote token, predicted and (after a live run) actual.
    public var cost: RebalanceCost?
    /// Seconds per stage of the cycle that made this report.
    public var timings: [StageSeconds]?
    /// Paper runs: the paper book's value against holding its start balances.
    public var paper: PaperSummary?

    public init(network: String, runId: Int64? = nil, blockNumber: UInt64, time: Date, quoteToken: String,
                nativeSymbol: String = "ETH", custody: String, mode: Mode, tokens: [Token], totalValue: Double? = nil,
                allocation: [AllocationRow], routes: [RouteSummary], gas: RunGasSummary, decision: DecisionSummary) {
        self.network = network
        self.runId = runId
        self.blockNumber = blockNumber
        self.time = time
        self.quoteToken = quoteToken
        self.nativeSymbol = nativeSymbol
        self.custody = custody
        self.mode = mode
        self.tokens = tokens
        self.totalValue = totalValue
        self.allocation = allocation
        self.routes = routes
        self.gas = gas
        self.decision = decision
    }

    public struct PaperSummary: Sendable, Codable, Hashable {
        /// Quote units at the run's prices.
        public var value: Double
        public var holdValue: Double
        /// Fees, price impact and gas of every paper fill so far.
        public var predictedCosts: Double

        public init(value: Double, holdValue: Double, predictedCosts: Double) {
            self.value = value
            self.holdValue = holdValue
            self.predictedCosts = predictedCosts
        }
    }

    public struct Token: Sendable, Codable, Hashable {
        public var symbol: String
        public var decimals: Int
        public init(symbol: String, decimals: Int) {
            self.symbol = symbol
            self.decimals = decimals
        }
    }

    public func decimals(of symbol: String) -> Int? { tokens.first { $0.symbol == symbol }?.decimals }
}

/// One token's weight before and after, against its target and band (all percent).
public struct AllocationRow: Sendable, Codable, Hashable {
    public var token: String
    public var weightBefore: Double
    /// Expected (plan, dry run) or measured (live) weight after the run; nil when nothing trades.
    public var weightAfter: Double?
    public var target: Double
    public var bandLower: Double
    public var bandUpper: Double

    public init(token: String, weightBefore: Double, weightAfter: Double?, target: Double, bandLower: Double, bandUpper: Double) {
        self.token = token
        self.weightBefore = weightBefore
        self.weightAfter = weightAfter
        self.target = target
        self.bandLower = bandLower
        self.bandUpper = bandUpper
    }
}

/// A pool as the report names it.
public struct PoolRef: Sendable, Codable, Hashable {
    /// Human name, e.g. "Uniswap V2 WETH/USDC" or "Balancer 40/30/30".
    public var label: String
    public var address: Address?

    public init(label: String, address: Address?) {
        self.label = label
        self.address = address
    }
}

/// One trade as routed, with what was predicted and (after execution) what happened.
public struct RouteSummary: Sendable, Codable, Hashable {
    public var sell: String
    public var buy: String
    public var amountIn: UInt256
    public var amountOutPredicted: UInt256
    public var minOut: UInt256?
    /// nil until executed.
    public var amountOutActual: UInt256?
    public var priceImpactBps: Double?
    public var gasEstimated: UInt64?
    public var legs: [Leg]

    public init(sell: String, buy: String, amountIn: UInt256, amountOutPredicted: UInt256, minOut: UInt256? = nil,
                amountOutActual: UInt256? = nil, priceImpactBps: Double? = nil, gasEstimated: UInt64? = nil, legs: [Leg]) {
        self.sell = sell
        self.buy = buy
        self.amountIn = amountIn
        self.amountOutPredicted = amountOutPredicted
        self.minOut = minOut
        self.amountOutActual = amountOutActual
        self.priceImpactBps = priceImpactBps
        self.gasEstimated = gasEstimated
        self.legs = legs
    }

    /// One parallel path: tokens `path`, through `pools` (one per hop).
    public struct Leg: Sendable, Codable, Hashable {
        public var path: [String]
        public var pools: [PoolRef]
        public var amountIn: UInt256
        public var amountOut: UInt256
        /// The amount of every token along `path` (first = amountIn, last = amountOut), when known.
        public var amounts: [UInt256]

        public init(path: [String], pools: [PoolRef], amountIn: UInt256, amountOut: UInt256, amounts: [UInt256] = []) {
            self.path = path
            self.pools = pools
            self.amountIn = amountIn
            self.amountOut = amountOut
            self.amounts = amounts
        }
    }

    /// How much less than predicted arrived, in basis points of the prediction (negative: more
    /// arrived than predicted). nil until executed, or when nothing was predicted.
    public var slippageBps: Double? {
        guard let actual = amountOutActual, !amountOutPredicted.isZero else { return nil }
        let predicted = amountOutPredicted.doubleValue
        return (predicted - actual.doubleValue) / predicted * 10_000
    }
}

/// Gas per step, estimated and used, and what it costs.
public struct RunGasSummary: Sendable, Codable, Hashable {
    public struct Step: Sendable, Codable, Hashable {
        /// "approve WETH", "swap WETH → USDC", "rebalance (vault)".
        public var label: String
        public var estimated: UInt64?
        public var used: UInt64?
        /// How it was sent and how long inclusion took (live runs only).
        public var sending: SendingSummary?

        public init(label: String, estimated: UInt64?, used: UInt64? = nil, sending: SendingSummary? = nil) {
            self.label = label
            self.estimated = estimated
            self.used = used
            self.sending = sending
        }
    }

    public var steps: [Step]
    /// Price per gas the estimate assumes (base fee + tip), wei.
    public var estimatedGasPriceWei: UInt256?
    /// Average effective price paid (receipts), wei.
    public var effectiveGasPriceWei: UInt256?
    /// One native token in the quote token.
    public var nativePriceInQuote: Double?

    public init(steps: [Step], estimatedGasPriceWei: UInt256?, effectiveGasPriceWei: UInt256? = nil, nativePriceInQuote: Double?) {
        self.steps = steps
        self.estimatedGasPriceWei = estimatedGasPriceWei
        self.effectiveGasPriceWei = effectiveGasPriceWei
        self.nativePriceInQuote = nativePriceInQuote
    }

    public var totalEstimated: UInt64? {
        let known = steps.compactMap(\.estimated)
        guard !known.isEmpty else { return nil }
        return known.reduce(0) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
    }

    public var totalUsed: UInt64? {
        let known = steps.compactMap(\.used)
        guard !known.isEmpty else { return nil }
        return known.reduce(0) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
    }

    /// Native-token cost of `gas` at `priceWei`, for display.
    static func nativeCost(gas: UInt64?, priceWei: UInt256?) -> Double? {
        guard let gas, let priceWei else { return nil }
        return Double(gas) * priceWei.doubleValue / 1e18
    }

    public var estimatedCostNative: Double? { Self.nativeCost(gas: totalEstimated, priceWei: estimatedGasPriceWei) }
    public var actualCostNative: Double? { Self.nativeCost(gas: totalUsed, priceWei: effectiveGasPriceWei) }
    public var estimatedCostQuote: Double? { estimatedCostNative.flatMap { c in nativePriceInQuote.map { c * $0 } } }
    public var actualCostQuote: Double? { actualCostNative.flatMap { c in nativePriceInQuote.map { c * $0 } } }
}

/// Rebalance or skip, and why.
public struct DecisionSummary: Sendable, Codable, Hashable {
    /// "rebalance" or "skip".
    public var action: String
    public var reasons: [String]
    public var notes: [String]

    public init(action: String, reasons: [String], notes: [String] = []) {
        self.action = action
        self.reasons = reasons
        self.notes = notes
    }

    public var rebalances: Bool { action == "rebalance" }
}
