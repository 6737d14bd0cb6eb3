extension RebalancePlan {
    /// The plan with each transaction's `gasEstimate` taken from a dry run of it (matched by label,
    /// in order); transactions the dry run did not estimate keep theirs. The sender adds the margin
    /// with `GasBudget.limit(forEstimate:)`.
    public func withGasEstimates(from report: DryRunReport) -> RebalancePlan {
        var plan = self
        for k in plan.transactions.indices {
            guard k < report.transactions.count, report.transactions[k].label == plan.transactions[k].label,
                  let gas = report.transactions[k].gasEstimate else { continue }
            plan.transactions[k].gasEstimate = gas
        }
        return plan
    }
}
