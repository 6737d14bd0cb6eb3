import Foundation

/// The most `buy` one amount of `sell` can become over a `FlowNetwork`, in floats, by dual
/// decomposition on token prices (Angeris et al. 2022, Diamandis et al. 2023):
///
///   maximise  Σ outputs into buy  subject to  every token's inflow covering its outflow, the sell
///   token's outflow at most `amount`, each edge's output its pool's concave curve of its input.
///
/// Its dual is a function of one price ν_t per token (ν_buy = 1): g(ν) = ν_sell·amount + Σ_edges
/// max_x [ν_to·out(x) − ν_from·x]. Each edge's inner problem is the pool's arbitrage at those prices,
/// solved by its marginal rate (x where out'(x) = ν_from/ν_to; closed form for constant product).
/// g is convex and its gradient is each token's net excess (what edges bring minus what they take),
/// so the optimum is where every token balances. Minimised by damped Newton steps in log prices:
/// the Hessian is a weighted Laplacian of the network (each edge's weight is how fast its input
/// responds to its price ratio) plus a positive diagonal, so it is cheap (tokens are few) and every
/// step descends. The flows at the optimum are the primal solution.
enum FlowSolver {
    struct Solution {
        /// Input of each edge (zero for inactive edges), raw units of its token.
        var inputs: [Double]
        var outputs: [Double]
        /// ν per network token, in raw units of `buy` per raw unit.
        var prices: [Double]
        /// The dual value: an upper bound on the output the network can give (for this edge set).
        var bound: Double
    }

    static func solve(_ network: FlowNetwork, amount: Double, active: [Bool], start: [Double]? = nil) -> Solution? {
        let n = network.tokens.count
        guard amount > 0, amount.isFinite, n >= 2 else { return nil }
        var logPrice = start.map { $0.map { $0 > 0 ? Foundation.log($0) : 0 } } ?? initialLogPrices(network, active: active)
        logPrice[network.buy] = 0
        var guesses = [Double](repeating: 0, count: network.edges.count)
        var state = evaluate(network, amount: amount, active: active, logPrice: logPrice, guesses: &guesses)
        var damping = 1e-3
        for _ in 0..<200 {
            let scale = max(abs(state.value), 1e-300)
            var worst = 0.0
            for t in 0..<n where t != network.buy { worst = max(worst, abs(state.gradient[t])) }
            if worst <= scale * 1e-12 { break }
            var improved = false
            for _ in 0..<40 {
                guard let step = newtonStep(state, buy: network.buy, damping: damping) else { damping *= 10; continue }
                var trial = logPrice
                for t in 0..<n where t != network.buy { trial[t] += step[t] }
                let next = evaluate(network, amount: amount, active: active, logPrice: trial, guesses: &guesses)
                if next.value.isFinite, next.value <= state.value {
                    improved = next.value < state.value || worstGradient(next, buy: network.buy) < worst
                    logPrice = trial
                    state = next
                    damping = max(damping / 4, 1e-9)
                    break
                }
                damping *= 6
                if damping > 1e12 { break }
            }
            if !improved { break }
        }
        return Solution(inputs: state.inputs, outputs: state.outputs, prices: logPrice.map { Foundation.exp($0) }, bound: state.value)
    }

    // MARK: - Pieces

    struct State {
        var value: Double
        var gradient: [Double]
        /// n × n, row-major (n = tokens).
        var hessian: [Double]
        var inputs: [Double]
        var outputs: [Double]
    }

    static func worstGradient(_ s: State, buy: Int) -> Double {
        var worst = 0.0
        for t in s.gradient.indices where t != buy { worst = max(worst, abs(s.gradient[t])) }
        return worst
    }

    /// Each token worth the best spot rate from it to `buy` over the active edges: the prices at
    /// which an infinitesimal trade balances; the sell token then falls as the amount grows.
    static func initialLogPrices(_ network: FlowNetwork, active: [Bool]) -> [Double] {
        var value = [Double](repeating: 0, count: network.tokens.count)
        value[network.buy] = 1
        for _ in 0..<network.tokens.count {
            var changed = false
            for (k, e) in network.edges.enumerated() where active[k] {
                let v = e.curve.spotRate * value[e.to]
                if v > value[e.from], v.isFinite { value[e.from] = v; changed = true }
            }
            if !changed { break }
        }
        let floor = value.filter { $0 > 0 }.min() ?? 1
        return value.map { Foundation.log($0 > 0 ? $0 : floor * 1e-6) }
    }

    static func evaluate(_ network: FlowNetwork, amount: Double, active: [Bool], logPrice: [Double], guesses: inout [Double]) -> State {
        let n = network.tokens.count
        let price = logPrice.map { Foundation.exp($0) }
        var excess = [Double](repeating: 0, count: n)
        excess[network.sell] = amount
        var value = price[network.sell] * amount
        var hessian = [Double](repeating: 0, count: n * n)
        var inputs = [Double](repeating: 0, count: network.edges.count)
        var outputs = inputs
        let plain = network.plain
        for k in plain.indices where active[k] {
            let u = plain[k].from, v = plain[k].to
            let rate = price[u] / price[v]
            let x: Double, y: Double, responds: Double
            if let c = plain[k].closedForm {
                // The closed form of `input`, `PathCurve.out` and `responsiveness` for a constant-product edge.
                let cap = plain[k].maxIn
                x = cap > 0 ? min(c.input(atMarginal: rate), cap) : 0
                guesses[k] = x
                guard x > 0, x.isFinite else { continue }
                y = c.out(x)
                // out'(x) = γ·R_in·R_out/(R_in+γx)², so rate/|out''(x)| = (R_in+γx)/(2γ); zero at the cap.
                responds = x >= cap * (1 - 1e-12) ? 0 : (c.reserveIn + c.gamma * x) / (2 * c.gamma)
            } else {
                let e = network.edges[k]
                x = input(e, atMarginal: rate, guess: guesses[k])
                guesses[k] = x
                guard x > 0, x.isFinite else { continue }
                y = e.curve.out(x)
                responds = responsiveness(e.curve, at: x, rate: rate)
            }
            inputs[k] = x
            outputs[k] = y
            value += price[v] * y - price[u] * x
            excess[u] -= x
            excess[v] += y
            // How fast the input grows as ln(rate) falls: rate / |out''(x)|; zero at the cap.
            let weight = price[u] * responds
            hessian[u * n + u] += weight
            hessian[v * n + v] += weight
            hessian[u * n + v] -= weight
            hessian[v * n + u] -= weight
        }
        var gradient = [Double](repeating: 0, count: n)
        for t in 0..<n {
            gradient[t] = price[t] * excess[t]
            hessian[t * n + t] += abs(gradient[t])
        }
        return State(value: value, gradient: gradient, hessian: hessian, inputs: inputs, outputs: outputs)
    }

    /// The edge's input at which its marginal rate is `rate`. Closed form for constant product;
    /// otherwise safeguarded Newton steps on 1/sqrt(marginal) (nearly linear in the input) from the
    /// previous evaluation's input, which is close because prices move little between evaluations;
    /// the curve's own bracketing search if that does not settle.
    static func input(_ e: FlowNetwork.Edge, atMarginal rate: Double, guess: Double) -> Double {
        let curve = e.curve
        if case .constantProduct = curve.shape { return curve.input(atMarginal: rate, limit: .infinity) }
        guard rate > 0 else { return curve.maxIn }
        if e.spotRate <= rate { return 0 }
        if e.marginalAtCap >= rate { return curve.maxIn }
        if let x = curve.singlePoolInput(atMarginal: rate) { return min(x, curve.maxIn) }
        let target = 1 / rate.squareRoot()
        var lo = 0.0, hi = curve.maxIn
        var x = min(max(guess, 0), hi)
        for _ in 0..<12 {
            let h = 1 / curve.marginal(at: x).squareRoot() - target
            if abs(h) <= target * 1e-13 { return x }
            if h > 0 { hi = x } else { lo = x }
            let dx = max(x * 1e-7, 1)
            let slope = (1 / curve.marginal(at: x + dx).squareRoot() - target - h) / dx
            var next = slope > 0 && slope.isFinite ? x - h / slope : .nan
            if !(next > lo && next < hi) { next = lo + (hi - lo) / 2 }
            if abs(next - x) <= x * 1e-14 { return next }
            x = next
        }
        return curve.input(atMarginal: rate, limit: .infinity)
    }

    static func responsiveness(_ curve: PathCurve, at x: Double, rate: Double) -> Double {
        if x >= curve.maxIn * (1 - 1e-12) { return 0 }
        if case let .constantProduct(c) = curve.shape {
            // out'(x) = γ·R_in·R_out/(R_in+γx)², so rate/|out''(x)| = (R_in+γx)/(2γ).
            return (c.reserveIn + c.gamma * x) / (2 * c.gamma)
        }
        let h = max(x * 1e-5, 1)
        let lo = max(0, x - h), hi = min(curve.maxIn, x + h)
        guard hi > lo else { return 0 }
        let slope = (curve.marginal(at: hi) - curve.marginal(at: lo)) / (hi - lo)
        guard slope < 0, slope.isFinite else { return 0 }
        return rate / -slope
    }

    /// Solves (H + damping·diag(H)) Δ = −gradient over every token but `buy`, steps capped at 2 in
    /// log price (a factor e² per iteration) so that a far start cannot overshoot into nonsense.
    static func newtonStep(_ s: State, buy: Int, damping: Double) -> [Double]? {
        let n = s.gradient.count
        let vars = s.gradient.indices.filter { $0 != buy }
        let m = vars.count
        guard m > 0 else { return nil }
        // The augmented system, row-major with m + 1 columns.
        let w = m + 1
        var a = [Double](repeating: 0, count: m * w)
        for (r, t) in vars.enumerated() {
            for (c, u) in vars.enumerated() { a[r * w + c] = s.hessian[t * n + u] }
            let d = s.hessian[t * n + t]
            a[r * w + r] = d * (1 + damping) + (d == 0 ? 1e-300 : 0)
            a[r * w + m] = -s.gradient[t]
        }
        // Gaussian elimination with partial pivoting (m is small: the tokens of one trade).
        for col in 0..<m {
            var pivot = col
            for r in col..<m where abs(a[r * w + col]) > abs(a[pivot * w + col]) { pivot = r }
            guard abs(a[pivot * w + col]) > 0, a[pivot * w + col].isFinite else { return nil }
            if pivot != col { for c in 0..<w { a.swapAt(pivot * w + c, col * w + c) } }
            for r in 0..<m where r != col {
                let f = a[r * w + col] / a[col * w + col]
                if f == 0 { continue }
                for c in col...m { a[r * w + c] -= f * a[col * w + c] }
            }
        }
        var step = [Double](repeating: 0, count: s.gradient.count)
        for (r, t) in vars.enumerated() {
            let x = a[r * w + m] / a[r * w + r]
            guard x.isFinite else { return nil }
            step[t] = max(-2, min(2, x))
        }
        return step
    }
}
