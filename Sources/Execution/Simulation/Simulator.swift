import EthCore
import EthRPC
import Market
import Routing
import Strategy

/// What the simulator needs besides the plan: fee levels and a price for the native token.
public struct DryRunContext: Sendable {
    public var quoteToken: String
    /// Whole quote tokens per whole native token (from the strategy's prices of the wrapped native token).
    public var nativePriceInQuote: Double?
    public var baseFeePerGas: UInt256
    public var priorityFeePerGas: UInt256
    /// The network file's fee cap.
    public var maxFeePerGas: UInt256
    public var gasMarginPercent: UInt64

    public init(quoteToken: String, nativePriceInQuote: Double?, baseFeePerGas: UInt256, priorityFeePerGas: UInt256,
                maxFeePerGas: UInt256, gasMarginPercent: UInt64 = GasBudget.defaultMarginPercent) {
        self.quoteToken = quoteToken
        self.nativePriceInQuote = nativePriceInQuote
        self.baseFeePerGas = baseFeePerGas
        self.priorityFeePerGas = priorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasMarginPercent = gasMarginPercent
    }

    /// The context of a plan made from `state`: the snapshot's base and priority fee (the
    /// priority fee capped by the network file), the wrapped native token's price for gas in the
    /// quote token.
    public init(state: ChainState, network: NetworkConfig, portfolio: PortfolioConfig, prices: PriceTable) {
        self.init(quoteToken: portfolio.quoteToken,
                  nativePriceInQuote: network.wrappedNative.flatMap { prices.price($0) },
                  baseFeePerGas: state.block.baseFeePerGas,
                  priorityFeePerGas: min(state.priorityFeePerGas ?? network.gas.maxPriorityFeePerGas, network.gas.maxPriorityFeePerGas),
                  maxFeePerGas: network.gas.maxFeePerGas)
    }

    /// The gas price we would pay now: base fee + priority fee, never above the cap.
    public var currentGasPrice: UInt256 {
        let p = baseFeePerGas.adding(priorityFeePerGas) ?? maxFeePerGas
        return min(p, maxFeePerGas)
    }
}

/// Simulates a plan against a node with `eth_call` and `eth_estimateGas` from the operator (no key).
public struct Simulator: Sendable {
    public let client: EthClient

    public init(client: EthClient) { self.client = client }

    public func simulate(_ plan: RebalancePlan, context: DryRunContext) throws(SimulationError) -> DryRunReport {
        let chain: UInt64
        do { chain = try client.chainId() } catch { throw .rpc(error) }
        guard chain == plan.chainId else { throw .wrongChain(expected: plan.chainId, got: chain) }
        var report: DryRunReport
        switch plan.mode {
        case .vault: report = try simulateVault(plan, context: context)
        case .eoa: report = try simulateEOA(plan, context: context)
        }
        Self.finish(&report, plan: plan, context: context)
        return report
    }

    // MARK: - vault mode

    /// Gas the call actually uses (after refunds), where the node can tell: on a node with
    /// `evm_snapshot` that sends for the operator (a devnet) and still at the plan's block, the call
    /// is mined on a snapshot and rolled back. nil elsewhere; `eth_estimateGas` then stands alone.
    func measuredGasUsed(_ tx: PlannedTransaction, data: [UInt8], limit: UInt64, atBlock block: UInt64) throws(SimulationError) -> UInt64? {
        guard let head = try? client.blockNumber(), head == block, let snapshot = try NodeSnapshot.take(client, head: head) else { return nil }
        let measured = mineOnce(tx, data: data, limit: limit)
        try snapshot.revert(client, sentFrom: tx.from.checksummed)
        return measured
    }

    /// Sends the call unsigned from the operator (the node signs for its dev accounts), mines it,
    /// and reads its gas used; nil when the node would not.
    private func mineOnce(_ tx: PlannedTransaction, data: [UInt8], limit: UInt64) -> UInt64? {
        var fields: [String: JSONValue] = [
            "from": .string(tx.from.checksummed.lowercased()), "data": .string(Hex.encode(data)),
            "gas": .string("0x" + String(limit, radix: 16)),
        ]
        if let to = tx.to { fields["to"] = .string(to.checksummed.lowercased()) }
        guard let sent = try? client.rpc.call("eth_sendTransaction", [.object(fields)]), let hashText = sent.stringValue,
              let hash = try? Hex.decode(hashText) else { return nil }
        if (try? client.getTransactionReceipt(hash)) ?? nil == nil { _ = try? client.rpc.call("evm_mine") }
        guard let receipt = (try? client.getTransactionReceipt(hash)) ?? nil, receipt.status else { return nil }
        return receipt.gasUsed
    }

    /// The revert that proves step `i` returned less than its bound.
    static func expectedProbeReason(step i: Int, kind: PoolKind) -> String {
        kind == .weighted ? "BAL#507" : "min out: step \(i)"
    }

    func simulateVault(_ plan: RebalancePlan, context: DryRunContext) throws(SimulationError) -> DryRunReport {
        guard let call = plan.vaultCall, let tx = plan.transactions.first else { throw .missingVaultCall }
        let block = BlockTag.number(plan.blockNumber)
        let exact = call.steps.map(\.quotedOut)
        let exactData: [UInt8]
        var probeData: [[UInt8]] = []
        do {
            exactData = try call.calldata(minAmountOuts: exact, minReceived: call.minReceived)
            // Probe i: steps before i at their exact quote (they pass, as in the exact call), step i at
            // quote + 1, later steps unbounded and no post-condition: only step i can fail on a bound.
            for i in call.steps.indices {
                var mins = exact
                mins[i] = exact[i].adding(.one) ?? exact[i]
                for j in (i + 1)..<max(i + 1, call.steps.count) { mins[j] = .zero }
                probeData.append(try call.calldata(minAmountOuts: mins, minReceived: []))
            }
        } catch {
            throw .encoding(error)
        }
        let request = { (data: [UInt8]) in CallRequest(to: tx.to, data: data, from: tx.from) }
        let sent: (Pending<UInt64>, Pending<[UInt8]>, Pending<[UInt8]>, [Pending<[UInt8]>])
        do {
            sent = try client.batch(at: block) { b in
                (b.add(Eth.estimateGas(request(tx.data), block: block)),
                 b.add(Eth.call(request(tx.data), block: block)),
                 b.add(Eth.call(request(exactData), block: block)),
                 probeData.map { b.add(Eth.call(request($0), block: block)) })
            }
        } catch {
            throw .rpc(error)
        }
        let (estimate, planned, exactCall, probes) = sent

        var problems: [String] = []
        var txSim = TransactionSimulation(label: tx.label, to: tx.to, status: .ok, plannedGas: plan.trades.plannedGas)
        switch (estimate.result, planned.result) {
        case (.success(let gas), .success):
            txSim.gasEstimate = gas
            txSim.gasLimit = GasBudget.limit(forEstimate: gas, marginPercent: context.gasMarginPercent)
            txSim.gasUsed = try measuredGasUsed(tx, data: tx.data, limit: txSim.gasLimit ?? gas, atBlock: plan.blockNumber)
        case (_, .failure(let e)), (.failure(let e), _):
            txSim.status = .reverted
            txSim.detail = Self.reason(e)
            problems.append("\(tx.label): \(Self.reason(e))")
        }

        var exactFailure: (step: Int?, reason: String)? = nil
        if case .failure(let e) = exactCall.result {
            let reason = Self.reason(e)
            exactFailure = (Self.stepIndex(inMinOut: reason), reason)
        }
        var steps: [StepCheck] = []
        for (i, step) in call.steps.enumerated() {
            var check = StepCheck(index: i, routeIndex: step.routeIndex, hop: "\(step.symbolIn)→\(step.symbolOut)", pool: step.pool,
                                  quotedOut: step.quotedOut, minAmountOut: step.minAmountOut, verdict: .exact)
            let expected = Self.expectedProbeReason(step: i, kind: step.poolKind)
            switch probes[i].result {
            case .success:
                check.verdict = .above
                check.detail = "returned at least quote + 1"
            case .failure(let e):
                let reason = Self.reason(e)
                if reason != expected {
                    check.verdict = .unknown
                    check.detail = "probe reverted with \"\(reason)\", expected \"\(expected)\""
                }
            }
            if let failure = exactFailure {
                if failure.step == i {
                    check.verdict = .below
                    check.detail = "returned less than the quote (\(failure.reason))"
                } else if check.verdict == .exact {
                    // The exact call failed elsewhere (or on a weighted step, whose BAL#507 names no step):
                    // this step's lower bound is not shown.
                    check.verdict = .unknown
                    check.detail = "exact-bound call reverted: \(failure.reason)"
                }
            }
            steps.append(check)
        }

        var routes: [RouteCheck] = []
        for (r, route) in plan.trades.routes.enumerated() {
            let mine = steps.filter { $0.routeIndex == r }
            var routeProblems = mine.filter { $0.verdict != .exact }.map {
                "step \($0.index) \($0.hop): \($0.verdict.rawValue)\($0.detail.map { " (\($0))" } ?? "")"
            }
            if txSim.status != .ok { routeProblems.append("the planned call reverted: \(txSim.detail ?? "")") }
            let ok = routeProblems.isEmpty
            routes.append(RouteCheck(index: r, sell: route.sell, buy: route.buy, amountIn: route.amountIn, quotedOut: route.amountOut,
                                     minOut: route.minOut, simulatedOut: ok ? route.amountOut : nil,
                                     priceImpactBps: route.priceImpactBps, agrees: ok, problems: routeProblems))
            problems += routeProblems.map { "route \(r) \(route.sell)→\(route.buy): \($0)" }
        }
        return DryRunReport(
            mode: .vault, chainId: plan.chainId, blockNumber: plan.blockNumber, simulatedAtBlock: plan.blockNumber,
            method: .vaultExactnessProbes,
            methodNote: "eth_call at block \(plan.blockNumber): the planned call, every step's minAmountOut at its exact quote "
                + "(must succeed), and per step quote + 1 (must revert \"min out: step i\" / \"BAL#507\"): \(2 + call.steps.count) calls in one batch",
            clientVersion: nil, transactions: [txSim], steps: steps, routes: routes,
            gas: GasSummary(total: 0, totalLimit: 0, marginPercent: context.gasMarginPercent, allEstimated: true),
            cost: Self.emptyCost(context), feesPaid: plan.trades.feesPaid, projectedWeights: plan.trades.projectedWeights,
            agrees: problems.isEmpty, complete: true, problems: problems)
    }

    // MARK: - shared

    /// "min out: step 3" → 3.
    static func stepIndex(inMinOut reason: String) -> Int? {
        let prefix = "min out: step "
        guard reason.hasPrefix(prefix) else { return nil }
        return Int(reason.dropFirst(prefix.count))
    }

    /// The revert string of a failed call, or the error's one-line description.
    static func reason(_ error: RPCError) -> String {
        if case .executionReverted(let info) = error {
            if case .error(let message) = info.reason { return message }
            return info.summary
        }
        return error.description
    }

    static func emptyCost(_ context: DryRunContext) -> CostSummary {
        let zero = GasCost(gas: 0, pricePerGas: .zero, nativePriceInQuote: nil)
        return CostSummary(quoteToken: context.quoteToken, atCurrentFees: zero, atFeeCap: zero, maxChargeAtFeeCap: zero)
    }

    /// Totals gas and prices it; fills the limits of transactions that have an estimate.
    static func finish(_ report: inout DryRunReport, plan: RebalancePlan, context: DryRunContext) {
        var total: UInt64 = 0, limitTotal: UInt64 = 0, all = true
        for k in report.transactions.indices {
            var t = report.transactions[k]
            if let g = t.gasEstimate {
                if t.gasLimit == nil { t.gasLimit = GasBudget.limit(forEstimate: g, marginPercent: context.gasMarginPercent) }
            } else {
                all = false
            }
            let g = t.gasEstimate ?? t.plannedGas ?? 0
            let l = t.gasLimit ?? GasBudget.limit(forEstimate: g, marginPercent: context.gasMarginPercent)
            total = total.addingReportingOverflow(g).overflow ? .max : total + g
            limitTotal = limitTotal.addingReportingOverflow(l).overflow ? .max : limitTotal + l
            report.transactions[k] = t
        }
        report.gas = GasSummary(total: total, totalLimit: limitTotal, marginPercent: context.gasMarginPercent, allEstimated: all)
        report.cost = CostSummary(
            quoteToken: context.quoteToken,
            atCurrentFees: GasCost(gas: total, pricePerGas: context.currentGasPrice, nativePriceInQuote: context.nativePriceInQuote),
            atFeeCap: GasCost(gas: total, pricePerGas: context.maxFeePerGas, nativePriceInQuote: context.nativePriceInQuote),
            maxChargeAtFeeCap: GasCost(gas: limitTotal, pricePerGas: context.maxFeePerGas, nativePriceInQuote: context.nativePriceInQuote))
    }
}
