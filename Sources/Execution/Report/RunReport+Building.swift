import EthCore
import Routing
import Strategy

extension AllocationRow {
    /// Rows from the drift table and the expected weights after the trades. The band drawn is
    /// where the token counts as inside: within `driftBandPoints` of the target and, for a
    /// targeted token, within `driftBandRelativePercent` of it, whichever is tighter.
    public static func rows(drift: DriftReport, weightsAfter: [String: Double]?, policy: Policy) -> [AllocationRow] {
        drift.rows.map { row in
            var halfWidth = policy.driftBandPoints
            if row.target > 0 { halfWidth = min(halfWidth, row.target * policy.driftBandRelativePercent / 100) }
            return AllocationRow(
                token: row.token, weightBefore: row.weight, weightAfter: weightsAfter?[row.token], target: row.target,
                bandLower: max(0, row.target - halfWidth), bandUpper: min(100, row.target + halfWidth))
        }
    }
}

extension RouteSummary {
    /// A route from the router, pools named by `poolLabels` (the short address otherwise).
    public init(route: Route, poolLabels: [Address: String] = [:], amountOutActual: UInt256? = nil) {
        func pool(_ address: Address) -> PoolRef {
            PoolRef(label: poolLabels[address] ?? Self.shortAddress(address), address: address)
        }
        let legs = route.legs.map { leg -> Leg in
            var amounts: [UInt256] = []
            if leg.hops.count == leg.path.count - 1, let first = leg.hops.first {
                amounts = [first.amountIn] + leg.hops.map(\.amountOut)
            }
            return Leg(path: leg.path, pools: leg.pools.map(pool), amountIn: leg.amountIn, amountOut: leg.amountOut, amounts: amounts)
        }
        self.init(sell: route.sell, buy: route.buy, amountIn: route.amountIn, amountOutPredicted: route.amountOut,
                  minOut: route.minOut, amountOutActual: amountOutActual, priceImpactBps: route.priceImpactBps,
                  gasEstimated: route.gas, legs: legs)
    }
}

extension RouteSummary {
    /// `0xAbCd…1234`: a pool the network file does not name.
    public static func shortAddress(_ address: Address) -> String {
        let s = address.checksummed
        return String(s.prefix(6)) + "…" + String(s.suffix(4))
    }
}

extension DecisionSummary {
    public init(_ decision: Decision) {
        self.init(action: decision.action.rawValue, reasons: decision.reasons.map(\.description), notes: decision.notes)
    }
}
