import EthCore
import Market

/// A flow over a `FlowNetwork` made exact: integer swaps in an order where every token is spent
/// only after everything that brings it has run, each quoted with the pool's own integer math on
/// the state the swaps before it left. A token's whole amount is spent (split over its edges in
/// the proportions of the float flow, the rounding remainder to its largest edge), so the swaps
/// conserve tokens by construction and what reaches `buy` is exactly what executing them yields.
struct ExactSteps {
    struct Step {
        /// Index into `FlowNetwork.edges`.
        let edge: Int
        let amountIn: UInt256
        let amountOut: UInt256
    }

    let steps: [Step]
    let amountOut: UInt256
    let gas: UInt64
    let gasValue: Double

    /// `nil` when the used edges form a cycle, a pool refuses its step, or nothing reaches `buy`.
    init?(network: FlowNetwork, inputs: [Double], amountIn: UInt256, graph: PoolGraph, options: RouteOptions) {
        guard let order = ExactSteps.tokenOrder(network, used: inputs.map { $0 > 0 }) else { return nil }
        var available = [UInt256](repeating: .zero, count: network.tokens.count)
        available[network.sell] = amountIn
        var pools = graph.pools
        var steps: [Step] = []
        var gas: UInt64 = 0
        var gasValue = 0.0
        for t in order where t != network.buy && !available[t].isZero {
            let out = network.plain.indices.filter { network.plain[$0].from == t && inputs[$0] > 0 }
            guard !out.isEmpty else { return nil }      // stranded: the float flow left this token unspent
            for (k, amount) in ExactSteps.apportion(available[t], weights: out.map { inputs[$0] }, pools: pools, network: network, edges: out) {
                let e = network.edges[k]
                guard let y = pools[e.pool].amountOut(amount, from: e.tokenIn, to: e.tokenOut),
                      let moved = pools[e.pool].applyingSwapErased(amountIn: amount, amountOut: y, from: e.tokenIn, to: e.tokenOut),
                      let sum = available[e.to].adding(y) else { return nil }
                // A V3 step pays for the ticks it crosses on the state the steps before it left.
                let stepGas = e.curve.gasVaries
                    ? Router.saturatingSum(pools[e.pool].swapGas(amountIn: amount, from: e.tokenIn, to: e.tokenOut, options.gasTable), options.stepOverheadGas)
                    : e.gas
                pools[e.pool] = moved
                available[e.to] = sum
                steps.append(Step(edge: k, amountIn: amount, amountOut: y))
                gas = Router.saturatingSum(gas, stepGas)
                gasValue += stepGas == e.gas ? e.gasValue : Double(stepGas) * e.valuePerGas
            }
            available[t] = .zero
        }
        guard !available[network.buy].isZero else { return nil }
        self.steps = steps
        self.amountOut = available[network.buy]
        self.gas = gas
        self.gasValue = gasValue
    }

    /// Splits `amount` over `edges` in proportion to `weights` (rounded down, the remainder to the
    /// largest); a share its pool would turn into nothing goes to the largest instead.
    static func apportion(
        _ amount: UInt256, weights: [Double], pools: [any Pool], network: FlowNetwork, edges: [Int]
    ) -> [(Int, UInt256)] {
        let total = weights.reduce(0, +)
        let largest = weights.indices.max { weights[$0] < weights[$1] } ?? 0
        var shares = [UInt256](repeating: .zero, count: edges.count)
        var given = UInt256.zero
        if edges.count > 1 {
            for k in edges.indices where k != largest {
                let share = min(UInt256(truncating: amount.doubleValue * weights[k] / total) ?? .zero, amount - given)
                let e = network.edges[edges[k]]
                if share.isZero || (pools[e.pool].amountOut(share, from: e.tokenIn, to: e.tokenOut) ?? .zero).isZero { continue }
                shares[k] = share
                given += share
            }
        }
        shares[largest] = amount - given
        // The largest first: it is the one sized to take the remainder.
        return ([largest] + edges.indices.filter { $0 != largest && !shares[$0].isZero }).map { (edges[$0], shares[$0]) }
    }

    /// Tokens in an order where every used edge runs forward; `nil` on a cycle.
    static func tokenOrder(_ network: FlowNetwork, used: [Bool]) -> [Int]? {
        let order = acyclicPrefix(network, used: used)
        return order.count == network.tokens.count ? order : nil
    }

    /// Kahn's algorithm over the used edges: the tokens it can order, in order; the rest lie on or
    /// behind a cycle.
    static func acyclicPrefix(_ network: FlowNetwork, used: [Bool]) -> [Int] {
        let n = network.tokens.count
        var indegree = [Int](repeating: 0, count: n)
        let plain = network.plain
        for k in plain.indices where used[k] { indegree[plain[k].to] += 1 }
        var ready = (0..<n).filter { indegree[$0] == 0 }
        var order: [Int] = []
        while let t = ready.popLast() {
            order.append(t)
            for k in plain.indices where used[k] && plain[k].from == t {
                indegree[plain[k].to] -= 1
                if indegree[plain[k].to] == 0 { ready.append(plain[k].to) }
            }
        }
        return order
    }
}
