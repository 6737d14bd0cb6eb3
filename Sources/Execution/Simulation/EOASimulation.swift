import EthCore
import EthRPC
import Market
import Routing

extension Simulator {
    /// EOA plans: approvals change the state the swaps need, so each transaction must run after the
    /// previous one. On a node with `evm_snapshot` and unlocked dev accounts (the devnet, anvil,
    /// hardhat) the plan is replayed there and rolled back; elsewhere only what the pinned block can
    /// show is simulated: the approvals and the first swap (when it needs no approval of this plan).
    func simulateEOA(_ plan: RebalancePlan, context: DryRunContext) throws(SimulationError) -> DryRunReport {
        let version = try? client.rpc.call("web3_clientVersion").stringValue
        if let snapshot = try NodeSnapshot.take(client) {
            let replay = replayOnSnapshot(plan, context: context)
            try snapshot.revert(client, sentFrom: plan.transactions.first?.from.checksummed ?? "the operator")
            switch replay {
            case .success(var report):
                report.clientVersion = version
                return report
            case .failure(.unlockedAccountUnavailable(let why)):
                var report = try approvalsAndFirstSwap(plan, context: context)
                report.methodNote = "the node has evm_snapshot but would not send from the operator (\(why)); " + report.methodNote
                report.clientVersion = version
                return report
            case .failure(.rpc(let e)):
                throw .rpc(e)
            }
        }
        var report = try approvalsAndFirstSwap(plan, context: context)
        report.clientVersion = version
        return report
    }

    /// A transaction's planned gas (GasModel; shown where it is not simulated, and the base of an
    /// unsimulated swap's gas limit): an approval, or a swap's share of its route's gas plus the
    /// transaction's own cost. The share is in proportion to the swap's `hopsGas`: a V3 swap that
    /// crosses initialized ticks costs several times a pair's swap, and an even split of the route's
    /// gas left it a limit it ran out of. Plans without `hopsGas` split evenly.
    static func plannedGas(_ tx: PlannedTransaction, in plan: RebalancePlan) -> UInt64 {
        guard let swap = tx.swap, let r = tx.routeIndices.first, let route = plan.trades.routes[safe: r] else {
            return GasModel.eoaOverhead(approvals: 1, swaps: 0)
        }
        let routeSwaps = plan.transactions.compactMap { $0.routeIndices.contains(r) ? $0.swap : nil }
        // The approvals a step route priced are transactions of their own here.
        let (approvals, overflow) = UInt64(plan.approvalsPricedInRoute(r)).multipliedReportingOverflow(by: GasModel.approval)
        let swapGas = overflow ? 0 : route.gas - min(route.gas, approvals)
        let weights = routeSwaps.compactMap(\.hopsGas)
        let total = weights.reduce(UInt64(0)) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
        let share: UInt64
        if let mine = swap.hopsGas, weights.count == routeSwaps.count, total > 0, mine <= total {
            share = total.dividingFullWidth(swapGas.multipliedFullWidth(by: mine)).quotient
        } else {
            share = swapGas / UInt64(max(1, routeSwaps.count))
        }
        return share + GasModel.eoaOverhead(approvals: 0, swaps: 1)
    }

    enum ReplayFailure: Error {
        case unlockedAccountUnavailable(String)
        case rpc(RPCError)
    }

    /// Reads what a swap returned from its `eth_call` result.
    static func decodeOutput(_ swap: SwapExpectation, _ data: [UInt8]) -> UInt256? {
        do {
            switch swap.venue {
            case .swapRouter02:
                return SwapRouter02Call.decodeOutput(data)
            case .router:
                let amounts = try ContractFunctions.function(ContractFunctions.swapExactTokensForTokensSignature).decodeOutput(data)
                return try amounts.first?.asArray.last?.asUInt256
            case .balancerSwap:
                return try ContractFunctions.function(ContractFunctions.balancerSwapSignature).decodeOutput(data).first?.asUInt256
            case .balancerBatchSwap:
                let deltas = try ContractFunctions.function(ContractFunctions.balancerBatchSwapSignature).decodeOutput(data)
                guard let list = try deltas.first?.asArray, let k = swap.outputAssetIndex, k < list.count else { return nil }
                let delta = try list[k].asInt256
                return delta.isNegative ? delta.magnitude : nil
            }
        } catch {
            return nil
        }
    }

    func replayOnSnapshot(_ plan: RebalancePlan, context: DryRunContext) -> Result<DryRunReport, ReplayFailure> {
        let head: UInt64
        do { head = try client.blockNumber() } catch { return .failure(.rpc(error)) }
        var sims: [TransactionSimulation] = []
        var problems: [String] = []
        var stopped: String? = nil
        for (k, tx) in plan.transactions.enumerated() {
            var sim = TransactionSimulation(label: tx.label, to: tx.to, status: .ok, plannedGas: Self.plannedGas(tx, in: plan))
            sim.expectedOut = tx.swap?.quotedOut
            if let why = stopped {
                sim.status = .notSimulated
                sim.detail = "after \(why)"
                sims.append(sim)
                continue
            }
            let request = CallRequest(to: tx.to, data: tx.data, from: tx.from)
            let sent: (Pending<UInt64>, Pending<[UInt8]>)
            do {
                sent = try client.batch(at: .latest) { b in
                    (b.add(Eth.estimateGas(request, block: .latest)), b.add(Eth.call(request, block: .latest)))
                }
            } catch {
                return .failure(.rpc(error))
            }
            let (estimate, call) = sent
            switch (estimate.result, call.result) {
            case (.success(let gas), .success(let output)):
                sim.gasEstimate = gas
                let limit = GasBudget.limit(forEstimate: gas, marginPercent: context.gasMarginPercent)
                sim.gasLimit = limit
                if let swap = tx.swap {
                    sim.simulatedOut = Self.decodeOutput(swap, output)
                    if sim.simulatedOut != swap.quotedOut {
                        problems.append("\(tx.label): returned \(sim.simulatedOut.map(\.description) ?? "an undecodable value"), quoted \(swap.quotedOut)")
                    }
                }
                // Send it unsigned from the operator (the node signs for its dev accounts) and mine it.
                var fields: [String: JSONValue] = [
                    "from": .string(tx.from.checksummed.lowercased()),
                    "data": .string(Hex.encode(tx.data)), "gas": .string("0x" + String(limit, radix: 16)),
                ]
                if let to = tx.to { fields["to"] = .string(to.checksummed.lowercased()) }
                let params: JSONValue = .object(fields)
                do {
                    let hashValue = try client.rpc.call("eth_sendTransaction", [params])
                    guard let hashText = hashValue.stringValue, let hash = try? Hex.decode(hashText) else {
                        return .failure(.rpc(.malformedReply("eth_sendTransaction: expected a hash")))
                    }
                    var receipt = try client.getTransactionReceipt(hash)
                    if receipt == nil {
                        _ = try? client.rpc.call("evm_mine")
                        receipt = try client.getTransactionReceipt(hash)
                    }
                    if let r = receipt {
                        sim.gasUsed = r.gasUsed
                        if !r.status {
                            sim.status = .reverted
                            sim.detail = "reverted when mined"
                            problems.append("\(tx.label): reverted when mined")
                            stopped = tx.label
                        }
                    }
                } catch {
                    if k == 0 { return .failure(.unlockedAccountUnavailable(Self.reason(error))) }
                    return .failure(.rpc(error))
                }
            case (.failure(let e), _), (_, .failure(let e)):
                sim.status = .reverted
                sim.detail = Self.reason(e)
                problems.append("\(tx.label): \(Self.reason(e))")
                stopped = tx.label
            }
            sims.append(sim)
        }
        let note = head == plan.blockNumber
            ? "replayed on a snapshot of block \(head) (evm_snapshot, eth_sendTransaction from the operator, evm_revert)"
            : "replayed on a snapshot of block \(head); the plan was computed at block \(plan.blockNumber), so quotes may differ"
        return .success(report(plan, context: context, sims: sims, problems: problems, method: .eoaSnapshotReplay,
                                note: note, at: head))
    }

    /// Without snapshots: every approval at the pinned block (they are independent), and the first
    /// swap when none of this plan's approvals is for its token and spender.
    func approvalsAndFirstSwap(_ plan: RebalancePlan, context: DryRunContext) throws(SimulationError) -> DryRunReport {
        let block = BlockTag.number(plan.blockNumber)
        let approvals = plan.transactions.filter(\.isApproval)
        let firstSwap = plan.transactions.first { $0.swap != nil }
        let swapNeedsApproval = firstSwap.map { s in
            approvals.contains { $0.approval?.token == s.swap?.tokenIn && $0.approval?.spender == s.to }
        } ?? true
        // An approval after a USDT-style reset needs the reset mined first: the token refuses to
        // change its non-zero allowance at the pinned block. Only the reset is simulated there.
        let afterReset = Set(approvals.indices.filter { k in
            k > 0 && approvals[k - 1].approval?.isReset == true && approvals[k - 1].approval?.token == approvals[k].approval?.token
                && approvals[k - 1].approval?.spender == approvals[k].approval?.spender
        }.map { approvals[$0] })
        var toSimulate = approvals.filter { !afterReset.contains($0) }
        if let s = firstSwap, !swapNeedsApproval { toSimulate.append(s) }
        let pending: [(Pending<UInt64>, Pending<[UInt8]>)]
        do {
            pending = try client.batch(at: block) { b in
                toSimulate.map { tx in
                    let r = CallRequest(to: tx.to, data: tx.data, from: tx.from)
                    return (b.add(Eth.estimateGas(r, block: block)), b.add(Eth.call(r, block: block)))
                }
            }
        } catch {
            throw .rpc(error)
        }
        var sims: [TransactionSimulation] = []
        var problems: [String] = []
        for tx in plan.transactions {
            var sim = TransactionSimulation(label: tx.label, to: tx.to, status: .notSimulated, plannedGas: Self.plannedGas(tx, in: plan))
            sim.expectedOut = tx.swap?.quotedOut
            if let k = toSimulate.firstIndex(of: tx) {
                switch (pending[k].0.result, pending[k].1.result) {
                case (.success(let gas), .success(let output)):
                    sim.status = .ok
                    sim.gasEstimate = gas
                    if let swap = tx.swap {
                        sim.simulatedOut = Self.decodeOutput(swap, output)
                        if sim.simulatedOut != swap.quotedOut {
                            problems.append("\(tx.label): returned \(sim.simulatedOut.map(\.description) ?? "an undecodable value"), quoted \(swap.quotedOut)")
                        }
                    }
                case (.failure(let e), _), (_, .failure(let e)):
                    sim.status = .reverted
                    sim.detail = Self.reason(e)
                    problems.append("\(tx.label): \(Self.reason(e))")
                }
            } else if afterReset.contains(tx) {
                sim.detail = "needs the allowance reset mined first (no evm_snapshot on this node)"
            } else {
                sim.detail = tx.swap != nil && tx == firstSwap
                    ? "needs an approval of this plan first (no evm_snapshot on this node)"
                    : "depends on earlier transactions (no evm_snapshot on this node); planned gas shown"
            }
            sims.append(sim)
        }
        return report(plan, context: context, sims: sims, problems: problems, method: .eoaApprovalsAndFirstSwap,
                      note: "the node has no evm_snapshot: simulated the approvals\(swapNeedsApproval ? "" : " and the first swap") "
                        + "with eth_call at block \(plan.blockNumber); later swaps are not simulated", at: plan.blockNumber)
    }

    func report(_ plan: RebalancePlan, context: DryRunContext, sims: [TransactionSimulation], problems: [String],
                method: SimulationMethod, note: String, at block: UInt64) -> DryRunReport {
                var routes: [RouteCheck] = []
        for (r, route) in plan.trades.routes.enumerated() {
            let mine = zip(plan.transactions, sims).filter { $0.0.routeIndices.contains(r) }
            var routeProblems: [String] = []
            var lastOuts: [UInt256] = []
            var complete = true
            for (tx, sim) in mine {
                if sim.status == .reverted { routeProblems.append("\(tx.label): reverted (\(sim.detail ?? ""))") }
                if sim.status == .notSimulated { complete = false }
                if let swap = tx.swap, sim.status == .ok {
                    if sim.simulatedOut != swap.quotedOut {
                        routeProblems.append("\(tx.label): simulated \(sim.simulatedOut.map(\.description) ?? "?"), quoted \(swap.quotedOut)")
                    }
                    let leg = route.executionLegs[safe: swap.legIndex]
                    if swap.firstHop + swap.pools.count == leg?.hops.count ?? 0, leg.map(route.outputCounts) ?? false,
                       let out = sim.simulatedOut { lastOuts.append(out) }
                }
            }
            var simulated: UInt256? = nil
            if complete && lastOuts.count == route.executionLegs.filter(route.outputCounts).count {
                var sum = UInt256.zero
                for o in lastOuts { sum = sum.adding(o) ?? sum }
                simulated = sum
            }
            routes.append(RouteCheck(index: r, sell: route.sell, buy: route.buy, amountIn: route.amountIn, quotedOut: route.amountOut,
                                     minOut: route.minOut, simulatedOut: simulated, priceImpactBps: route.priceImpactBps,
                                     agrees: routeProblems.isEmpty, problems: routeProblems))
        }
        return DryRunReport(
            mode: .eoa, chainId: plan.chainId, blockNumber: plan.blockNumber, simulatedAtBlock: block, method: method,
            methodNote: note, clientVersion: nil, transactions: sims, steps: [], routes: routes,
            gas: GasSummary(total: 0, totalLimit: 0, marginPercent: context.gasMarginPercent, allEstimated: false),
            cost: Self.emptyCost(context), feesPaid: plan.trades.feesPaid, projectedWeights: plan.trades.projectedWeights,
            agrees: problems.isEmpty, complete: sims.allSatisfy { $0.status != .notSimulated }, problems: problems)
    }
}

extension Array {
    /// nil instead of a trap for an index out of range (indices from a plan that may be hand-edited).
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
