import Backtest
import Foundation

/// `--sweep bands=2,5,10 every=1h,1d,7d`: both axes, each once, in any order.
struct SweepGrid {
    var bands: [Double]
    var everies: [UInt64]

    static func parse(_ items: [String]) throws -> SweepGrid {
        var bands: [Double]?
        var everies: [UInt64]?
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError("--sweep: write bands=2,5,10 every=1h,1d,7d, got \"\(item)\"") }
            let values = parts[1].split(separator: ",").map(String.init)
            switch parts[0] {
            case "bands":
                guard bands == nil else { throw CLIError("--sweep: bands given twice") }
                bands = try values.map { v in
                    guard let b = Double(v), b > 0, b < 100 else { throw CLIError("--sweep: bands: \"\(v)\" is not a band between 0 and 100 percentage points") }
                    return b
                }
            case "every":
                guard everies == nil else { throw CLIError("--sweep: every given twice") }
                everies = try values.map { try DurationArgument.parse($0, option: "--sweep: every") }
            default:
                throw CLIError("--sweep: unknown axis \"\(parts[0])\" (bands, every)")
            }
        }
        guard let bands, !bands.isEmpty, let everies, !everies.isEmpty else {
            throw CLIError("--sweep: give both axes, e.g. bands=2,5,10 every=1h,1d,7d")
        }
        return SweepGrid(bands: bands, everies: everies)
    }

    func run(_ setup: BacktestSetup) throws -> SweepResult {
        try Sweep.run(setup, bands: bands, everies: everies)
    }
}

/// The human form of a backtest and of a sweep.
enum BacktestText {
    static func money(_ x: Double) -> String { String(format: "%.2f", x) }
    static func pct(_ x: Double) -> String { String(format: "%.2f%%", x) }

    static func render(_ r: BacktestResult) -> String {
        var out: [String] = []
        let label = r.data == "candle files" ? "" : " [\(r.data.uppercased())]"
        out.append("backtest\(label): \(TimeArgument.text(r.from)) to \(TimeArgument.text(r.to)), every \(DurationArgument.text(r.every)), \(r.steps) steps")
        out.append("capital \(money(r.capital)) \(r.quote); \(r.poolModel); gas \(String(format: "%g", r.gasGwei)) gwei")
        out.append("")
        var t = Table([("", .left), ("final \(r.quote)", .right), ("return", .right), ("CAGR", .right), ("volatility", .right),
                       ("max drawdown", .right), ("Sharpe", .right), ("rebalances", .right), ("turnover", .right), ("costs", .right)])
        for run in [r.rebalanced, r.hold, r.calendar] {
            let m = run.metrics
            t.add([name(run.kind), money(run.finalValue), pct(run.totalReturn), pct(m.cagr), pct(m.volatility), pct(m.maxDrawdown),
                   String(format: "%.2f", m.sharpe), "\(run.rebalanceCount)", String(format: "%.2fx", m.turnover), money(run.costs.total)])
        }
        out.append(t.render())
        out.append("")
        let c = r.costs
        out.append("rebalanced: \(r.rebalanceCount) rebalance(s); fees \(money(c.fees)), price impact \(money(c.priceImpact)), gas \(money(c.gas)) \(r.quote)")
        let skips = r.rebalanced.skips.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        if !skips.isEmpty {
            out.append("outside the bands but skipped: " + skips.map { "\($0.key) \($0.value)×" }.joined(separator: ", "))
        }
        let diff = r.rebalanced.finalValue - r.hold.finalValue
        out.append("rebalancing \(diff >= 0 ? "beat" : "trailed") holding by \(money(abs(diff))) \(r.quote)")
        return out.joined(separator: "\n")
    }

    static func name(_ kind: StrategyRun.Kind) -> String {
        switch kind {
        case .rebalanced: return "rebalanced (policy)"
        case .hold: return "buy and hold"
        case .calendar: return "calendar (no bands)"
        }
    }

    static func sweep(_ s: SweepResult) -> String {
        var out: [String] = []
        let label = s.data == "candle files" ? "" : " [\(s.data.uppercased())]"
        let everies = s.cells.reduce(into: [UInt64]()) { if !$0.contains($1.every) { $0.append($1.every) } }
        let bands = s.cells.reduce(into: [Double]()) { if !$0.contains($1.bandPoints) { $0.append($1.bandPoints) } }
        out.append("sweep\(label): final value in \(s.quote) (rebalances, costs) from \(money(s.capital)); rows: drift band in percentage points "
                   + "(relative band stays \(String(format: "%g", s.bandRelativePercent))%), columns: interval")
        var t = Table([("band", .right)] + everies.map { ("every \(DurationArgument.text($0))", .right) })
        let best = s.best
        for band in bands {
            var row = ["\(String(format: "%g", band)) pp"]
            for every in everies {
                guard let cell = s.cells.first(where: { $0.bandPoints == band && $0.every == every }) else { row.append("-"); continue }
                let mark = cell.bandPoints == best?.bandPoints && cell.every == best?.every ? " *" : "  "
                row.append("\(money(cell.finalValue)) (\(cell.rebalanceCount), \(money(cell.costs.total)))\(mark)")
            }
            t.add(row)
        }
        var calendar = ["calendar"]
        for every in everies { calendar.append(s.calendarFinalValue[String(every)].map { money($0) + "  " } ?? "-") }
        t.add(calendar)
        out.append(t.render())
        out.append("buy and hold: \(money(s.holdFinalValue)) \(s.quote)")
        if let best { out.append("* best: band \(String(format: "%g", best.bandPoints)) pp every \(DurationArgument.text(best.every))") }
        return out.joined(separator: "\n")
    }
}
