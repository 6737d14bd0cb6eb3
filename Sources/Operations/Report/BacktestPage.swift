import Backtest
import Foundation

/// A backtest as one self-contained HTML page (the run report's styles, inline SVG, no scripts):
/// value against holding and calendar rebalancing, drawdown, the weights with their bands, and
/// the cumulative costs. Synthetic data says so at the top.
public enum BacktestPage {
    static let palette = ["#2f64c8", "#e0892b", "#1b7a4a", "#8e44ad", "#c0392b", "#16a0a0", "#7f8c8d"]

    public static func render(_ r: BacktestResult) -> String {
        let e = ReportFormat.html
        let times = r.rebalanced.points.map(\.time)
        let synthetic = r.data != "candle files"
        let title = "Backtest · \(r.quote) portfolio\(synthetic ? " · SYNTHETIC DATA" : "")"
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(title))</title>\n<style>\n\(HTMLReport.css)\(css)</style>\n</head>\n<body>\n<main>\n"
        h += "<header>\n<div class=\"eyebrow\">Rebalancer · backtest</div>\n<h1>Backtest</h1>\n"
        if synthetic { h += "<p class=\"synthetic\">Synthetic data (\(e(r.data))): generated prices, not market history.</p>\n" }
        h += "<dl class=\"meta\">"
        h += HTMLReport.meta("From", e(TimeSeriesChart.date(r.from)))
        h += HTMLReport.meta("To", e(TimeSeriesChart.date(r.to)))
        h += HTMLReport.meta("Every", e(interval(r.every)))
        h += HTMLReport.meta("Steps", ReportFormat.grouped(String(r.steps)))
        h += HTMLReport.meta("Capital", "\(ReportFormat.value(r.capital)) \(e(r.quote))")
        h += HTMLReport.meta("Pools", e(r.poolModel))
        h += HTMLReport.meta("Gas", "\(ReportFormat.value(r.gasGwei)) gwei")
        h += "</dl>\n</header>\n"

        h += "<section class=\"cards\">\n"
        h += HTMLReport.card("Rebalanced (policy)", money(r.rebalanced.finalValue, r.quote))
        h += HTMLReport.card("Buy and hold", money(r.hold.finalValue, r.quote))
        h += HTMLReport.card("Calendar (no bands)", money(r.calendar.finalValue, r.quote))
        h += HTMLReport.card("Rebalances", "\(r.rebalanceCount) <span class=\"unit\">costing \(ReportFormat.value(r.costs.total)) \(e(r.quote))</span>")
        h += "</section>\n"

        h += "<section>\n<h2>Value</h2>\n<p class=\"caption\">Portfolio value in \(e(r.quote)) at each step, net of gas, for the three strategies.</p>\n"
        h += TimeSeriesChart.svg(times: times, series: [
            .init(label: "rebalanced", color: palette[0], values: r.rebalanced.points.map(\.value)),
            .init(label: "buy and hold", color: palette[1], values: r.hold.points.map(\.value)),
            .init(label: "calendar", color: palette[2], values: r.calendar.points.map(\.value), dashed: true),
        ], unit: r.quote, ariaLabel: "Value of the rebalanced, held and calendar portfolios")
        h += "</section>\n"

        h += "<section>\n<h2>Drawdown</h2>\n<p class=\"caption\">Fall from the highest value so far, percent.</p>\n"
        h += TimeSeriesChart.svg(times: times, series: [
            .init(label: "rebalanced", color: palette[0], values: drawdown(r.rebalanced.points.map(\.value))),
            .init(label: "buy and hold", color: palette[1], values: drawdown(r.hold.points.map(\.value))),
        ], height: 220, unit: "%", ariaLabel: "Drawdown of the rebalanced and held portfolios", fromZero: true)
        h += "</section>\n"

        h += "<section>\n<h2>Weights</h2>\n<p class=\"caption\">Share of each token in the rebalanced portfolio, stacked; the dashed lines bound each target's drift band (±\(ReportFormat.number(r.bandPoints, fraction: 1)) pp) at its place in the stack.</p>\n"
        let tokens = r.targets.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        var guides: [TimeSeriesChart.Guide] = []
        var cumulative = 0.0
        for (k, token) in tokens.enumerated() {
            let target = r.targets[token] ?? 0
            cumulative += target
            if k < tokens.count - 1 {
                guides.append(.init(label: "\(token) band", color: "#1c2430",
                                    low: cumulative - r.bandPoints, high: cumulative + r.bandPoints))
            }
        }
        h += TimeSeriesChart.svg(times: times, series: tokens.enumerated().map { k, token in
            .init(label: token, color: palette[k % palette.count], values: r.rebalanced.points.map { $0.weights[token] ?? 0 })
        }, height: 280, stacked: true, guides: guides, unit: "%", ariaLabel: "Token weights with bands", fixedRange: 0...100)
        h += "</section>\n"

        h += "<section>\n<h2>Costs</h2>\n<p class=\"caption\">Cumulative costs of the rebalanced portfolio in \(e(r.quote)).</p>\n"
        h += TimeSeriesChart.svg(times: times, series: [
            .init(label: "fees", color: palette[0], values: r.rebalanced.points.map(\.costs.fees)),
            .init(label: "price impact", color: palette[1], values: r.rebalanced.points.map(\.costs.priceImpact)),
            .init(label: "gas", color: palette[4], values: r.rebalanced.points.map(\.costs.gas)),
        ], height: 220, unit: r.quote, ariaLabel: "Cumulative fees, price impact and gas", fromZero: true)
        h += "</section>\n"

        h += "<section>\n<h2>Figures</h2>\n<table>\n<thead><tr><th></th><th class=\"num\">Final</th><th class=\"num\">CAGR</th><th class=\"num\">Volatility</th>"
        h += "<th class=\"num\">Max drawdown</th><th class=\"num\">Sharpe</th><th class=\"num\">Rebalances</th><th class=\"num\">Turnover</th><th class=\"num\">Costs</th></tr></thead>\n<tbody>\n"
        for (name, run) in [("Rebalanced (policy)", r.rebalanced), ("Buy and hold", r.hold), ("Calendar (no bands)", r.calendar)] {
            let m = run.metrics
            h += "<tr><td>\(name)</td><td class=\"num\">\(money(run.finalValue, r.quote))</td><td class=\"num\">\(ReportFormat.percent(m.cagr))</td>"
            h += "<td class=\"num\">\(ReportFormat.percent(m.volatility))</td><td class=\"num\">\(ReportFormat.percent(m.maxDrawdown))</td>"
            h += "<td class=\"num\">\(ReportFormat.number(m.sharpe, fraction: 2))</td><td class=\"num\">\(run.rebalanceCount)</td>"
            h += "<td class=\"num\">\(ReportFormat.number(m.turnover, fraction: 2))×</td><td class=\"num\">\(money(run.costs.total, r.quote))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        let c = r.costs
        h += "<p class=\"caption\">Rebalanced costs: fees \(money(c.fees, r.quote)), price impact \(money(c.priceImpact, r.quote)), gas \(money(c.gas, r.quote)).</p>\n"
        h += "</section>\n"
        h += "<footer>Generated by rebalancer backtest. Each step ran the same decision and router as a live run; costs come from the pool model above, not from a chain.\(synthetic ? " The prices are synthetic." : "")</footer>\n"
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    static func money(_ x: Double, _ quote: String) -> String {
        "\(ReportFormat.value(x)) <span class=\"unit\">\(ReportFormat.html(quote))</span>"
    }

    static func drawdown(_ values: [Double]) -> [Double] {
        var peak = -Double.infinity
        return values.map { v in
            peak = max(peak, v)
            return peak > 0 ? -(peak - v) / peak * 100 : 0
        }
    }

    static func interval(_ seconds: UInt64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400) d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        return "\(seconds / 60) min"
    }

    static let css = """
        .synthetic { display: inline-block; margin: 0 0 10px; padding: 3px 12px; border-radius: 6px; background: #fbefdc;
                     color: var(--warn); font-weight: 620; }
        .series .legend text { fill: var(--muted); font-size: 12px; }
        """
}
