/// Chooses which candidate paths to split across, in floats, net of gas.
///
/// Two plans are built and the better one (output net of gas) wins:
/// - "all": every candidate that shares no pool with a better-ranked one, in one split (paths not
///   worth using get zero input and are removed), then pruned of legs that do not pay for their gas;
/// - "greedy": start from the best single path net of its gas, repeatedly add the path whose
///   estimated gain beats its gas the most (the estimate is its surplus at the current marginal
///   rate λ, out(x) − λ·x, an upper bound on what it adds), confirm by re-splitting, stop when no
///   path pays, then prune likewise. Greedy avoids letting a weak path block a better one that
///   shares a pool with it.
/// With free gas and no two candidates sharing a pool, "all" is the optimum and greedy is skipped.
struct SplitPlanner {
    struct Plan {
        /// Candidate indices.
        var members: [Int]
        /// Float input of each member.
        var inputs: [Double]
        var out: Double
        var net: Double
    }

    let candidates: [Router.Candidate]
    let amount: Double
    let options: RouteOptions

    func plan() -> Plan? {
        let gasFree = candidates.allSatisfy { $0.gasValue == 0 }
        var members: [Int] = []
        var conflicts = false
        for k in candidates.indices {
            if !isDisjoint(k, members) { conflicts = true; continue }
            if members.count < options.maxLegs { members.append(k) }
        }
        let all = evaluate(members).map { prune(withoutIdleLegs($0)) }
        if gasFree && !conflicts && members.count == candidates.count, let all { return all }
        let greedy = startingPlan().map { prune(withoutIdleLegs(grow($0))) }
        guard let all else { return greedy.map(trimmingCrossings) }
        guard let greedy else { return trimmingCrossings(all) }
        return trimmingCrossings(greedy.net > all.net ? greedy : all)
    }

    /// The split equalises marginal rates and does not see that a V3 leg's gas grows with every
    /// initialized tick it crosses: each such leg is tried at a few smaller inputs (fewer
    /// crossings), the rest split over the other legs, and the plan that nets most is kept.
    func trimmingCrossings(_ start: Plan) -> Plan {
        var current = start
        for m in start.members where candidates[m].curve.gasVaries && candidates[m].valuePerGas > 0 {
            guard let k = current.members.firstIndex(of: m), current.members.count > 1 else { continue }
            let x = current.inputs[k]
            guard candidates[m].curve.extraGas(at: x) > 0 else { continue }
            let others = current.members.filter { $0 != m }
            for fraction in [0.9, 0.75, 0.5, 0.25] {
                if let p = evaluate(others, fixed: m, input: x * fraction), p.net > current.net { current = p }
            }
        }
        return current
    }

    /// `members` split over what `fixed` leaves of the amount, `fixed` taking exactly `input`.
    func evaluate(_ members: [Int], fixed: Int, input: Double) -> Plan? {
        guard input > 0, input < amount, input <= candidates[fixed].curve.maxIn,
              var p = evaluate(members, amount: amount - input) else { return nil }
        let out = candidates[fixed].curve.out(input)
        p.members.append(fixed)
        p.inputs.append(input)
        p.out += out
        p.net += out - candidates[fixed].gasValue(at: input)
        return p
    }

    func isDisjoint(_ k: Int, _ members: [Int]) -> Bool {
        members.allSatisfy { candidates[$0].path.isPoolDisjoint(from: candidates[k].path) }
    }

    /// Split `amount` across `members` and price the result; legs left with no input cost no gas.
    func evaluate(_ members: [Int], amount: Double? = nil) -> Plan? {
        guard let xs = SplitOptimizer.split(amount ?? self.amount, across: members.map { candidates[$0].curve }) else { return nil }
        var out = 0.0, gas = 0.0
        for (k, m) in members.enumerated() where xs[k] > 0 {
            out += candidates[m].curve.out(xs[k])
            gas += candidates[m].gasValue(at: xs[k])
        }
        return Plan(members: members, inputs: xs, out: out, net: out - gas)
    }

    /// The best path that takes the whole amount alone, net of its gas; if none can, the fewest
    /// largest-capacity disjoint paths that can take it together.
    func startingPlan() -> Plan? {
        var best: Plan?
        for (k, c) in candidates.enumerated() where c.curve.maxIn >= amount {
            let out = c.curve.out(amount)
            let net = out - c.gasValue(at: amount)
            if net > best?.net ?? -.infinity {
                best = Plan(members: [k], inputs: [amount], out: out, net: net)
            }
        }
        if let best { return best }
        var members: [Int] = []
        var capacity = 0.0
        for k in candidates.indices.sorted(by: { candidates[$0].curve.maxIn > candidates[$1].curve.maxIn })
        where capacity < amount && members.count < options.maxLegs && isDisjoint(k, members) {
            members.append(k)
            capacity += candidates[k].curve.maxIn
        }
        return capacity >= amount ? evaluate(members) : nil
    }

    /// The marginal rate the split ended at: the lowest marginal rate among used legs (legs held at
    /// their limit have a higher one).
    func rate(_ p: Plan) -> Double {
        var lambda = Double.infinity
        for (k, m) in p.members.enumerated() where p.inputs[k] > 0 {
            lambda = min(lambda, candidates[m].curve.marginal(at: p.inputs[k]))
        }
        return lambda.isFinite ? lambda : 0
    }

    func grow(_ start: Plan) -> Plan {
        var current = start
        while current.members.count < options.maxLegs {
            let lambda = rate(current)
            var gains: [(k: Int, gain: Double)] = []
            for k in candidates.indices where !current.members.contains(k) && isDisjoint(k, current.members) {
                let c = candidates[k].curve
                let x = c.input(atMarginal: lambda, limit: amount)
                let gain = c.out(x) - lambda * x - candidates[k].gasValue(at: x)
                if gain > 0 { gains.append((k, gain)) }
            }
            gains.sort { $0.gain > $1.gain }
            // The estimate overstates the gain; take the first of the most promising that confirms.
            var accepted = false
            for g in gains.prefix(4) {
                if let p = evaluate(current.members + [g.k]), p.net > current.net + abs(current.net) * 1e-15 {
                    current = p
                    accepted = true
                    break
                }
            }
            if !accepted { break }
        }
        return current
    }

    func prune(_ start: Plan) -> Plan {
        var current = start
        while current.members.count > 1 {
            let lambda = rate(current)
            var best = current
            for (k, m) in current.members.enumerated() {
                let x = current.inputs[k]
                let c = candidates[m]
                // Removing the leg loses about its surplus; only then can its gas be worth more.
                guard c.curve.out(x) - lambda * x < c.gasValue(at: x) else { continue }
                var rest = current.members
                rest.remove(at: k)
                if let p = evaluate(rest), p.net > best.net { best = p }
            }
            guard best.net > current.net else { break }
            current = best
        }
        return current
    }

    func withoutIdleLegs(_ p: Plan) -> Plan {
        var q = p
        q.members = []
        q.inputs = []
        for (k, m) in p.members.enumerated() where p.inputs[k] > 0 {
            q.members.append(m)
            q.inputs.append(p.inputs[k])
        }
        return q.members.isEmpty ? p : q
    }
}
