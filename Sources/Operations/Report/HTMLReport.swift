import Execution
import EthCore

/// Renders a `RunReport` as one self-contained HTML page: inline CSS and SVG, no scripts, no
/// external assets (it opens offline and can be mailed as an attachment). All text is escaped.
public enum HTMLReport {
    public static func render(_ report: RunReport) -> String {
        let e = ReportFormat.html
        let modeName: String
        switch report.mode {
        case .plan: modeName = "plan"
        case .dryRun: modeName = "dry run"
        case .live: modeName = "live"
        case .paper: modeName = "paper"
        }
        let title = "Rebalance report · \(report.network) · block \(ReportFormat.grouped(String(report.blockNumber)))"
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(title))</title>\n<style>\n\(css)</style>\n</head>\n<body>\n<main>\n"

        // Header.
        h += "<header>\n<div class=\"eyebrow\">Rebalancer · \(e(modeName))</div>\n"
        h += "<h1>Rebalance report</h1>\n<dl class=\"meta\">"
        h += meta("Network", e(report.network))
        h += meta("Block", ReportFormat.grouped(String(report.blockNumber)))
        h += meta("Time", e(ReportFormat.time(report.time)))
        if let id = report.runId { h += meta("Run", "#\(id)") }
        h += meta("Custody", e(report.custody))
        h += meta("Quote", e(report.quoteToken))
        h += "</dl>\n</header>\n"

        // Summary cards.
        let decisionClass = report.decision.rebalances ? "go" : "skip"
        h += "<section class=\"cards\">\n"
        h += card("Decision", "<span class=\"badge \(decisionClass)\">\(report.decision.rebalances ? "Rebalance" : "Skip")</span>")
        if let total = report.totalValue {
            h += card("Portfolio value", "\(ReportFormat.value(total)) <span class=\"unit\">\(e(report.quoteToken))</span>")
        }
        h += card("Trades", "\(report.routes.count) <span class=\"unit\">\(report.routes.count == 1 ? "route" : "routes")</span>")
        if let cost = report.cost, report.decision.rebalances {
            // The whole cost leads: fees and price impact usually dwarf the gas.
            let side = cost.actual ?? cost.predicted
            h += card(cost.actual != nil ? "Rebalance cost" : "Rebalance cost (est.)",
                      "\(ReportFormat.value(side.total)) <span class=\"unit\">\(e(cost.quoteToken)) · \(String(format: "%.2f", side.percentOfTraded)) % of traded</span>")
        } else if let cost = report.gas.actualCostQuote ?? report.gas.estimatedCostQuote {
            let label = report.gas.actualCostQuote != nil ? "Gas cost" : "Gas cost (est.)"
            h += card(label, "\(ReportFormat.value(cost)) <span class=\"unit\">\(e(report.quoteToken))</span>")
        } else if let cost = report.gas.actualCostNative ?? report.gas.estimatedCostNative {
            h += card("Gas cost (est.)", "\(ReportFormat.value(cost)) <span class=\"unit\">\(e(report.nativeSymbol))</span>")
        }
        if let paper = report.paper {
            h += card("Paper book", "\(ReportFormat.value(paper.value)) <span class=\"unit\">\(e(report.quoteToken))</span>")
            h += card("Holding instead", "\(ReportFormat.value(paper.holdValue)) <span class=\"unit\">\(e(report.quoteToken))</span>")
        }
        h += "</section>\n"

        // Decision and reasons.
        h += "<section>\n<h2>Decision</h2>\n"
        if report.decision.rebalances {
            h += "<p class=\"lead\">Rebalance: every guard passed and the trades pay for their gas.</p>\n"
        } else {
            h += "<p class=\"lead\">Skip: nothing was traded.</p>\n"
        }
        if !report.decision.reasons.isEmpty {
            h += "<ul class=\"reasons\">" + report.decision.reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        if !report.decision.notes.isEmpty {
            h += "<ul class=\"notes\">" + report.decision.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        h += "</section>\n"

        // Allocation.
        h += "<section>\n<h2>Allocation</h2>\n"
        h += "<p class=\"caption\">Weight of each token in the portfolio's value, before and after the run, against its target and drift band.</p>\n"
        h += AllocationChart.svg(report.allocation) + "\n"
        h += "</section>\n"

        // Routes.
        if !report.routes.isEmpty {
            h += "<section>\n<h2>Routes</h2>\n"
            for (i, route) in report.routes.enumerated() {
                h += "<figure class=\"route-figure\">\n<figcaption><span class=\"route-title\">\(i + 1). \(e(route.sell)) → \(e(route.buy))</span>"
                var facts: [String] = []
                if route.legs.count > 1 { facts.append("split over \(route.legs.count) paths") }
                if let impact = route.priceImpactBps { facts.append("price impact \(ReportFormat.number(impact, fraction: 1)) bps") }
                if let minOut = route.minOut {
                    facts.append("min out \(ReportFormat.amount(minOut, decimals: report.decimals(of: route.buy), significant: 6)) \(e(route.buy))")
                }
                if let gas = route.gasEstimated { facts.append("gas \(ReportFormat.grouped(String(gas)))") }
                if !facts.isEmpty { h += " <span class=\"facts\">\(facts.joined(separator: " · "))</span>" }
                h += "</figcaption>\n" + RouteDiagram.svg(route, report: report) + "\n</figure>\n"
            }
            h += "</section>\n"
        }

        // Predicted vs actual.
        if !report.routes.isEmpty {
            h += "<section>\n<h2>Predicted vs actual</h2>\n<table>\n<thead><tr><th>Trade</th><th class=\"num\">Amount in</th>"
            h += "<th class=\"num\">Predicted out</th><th class=\"num\">Minimum out</th><th class=\"num\">Actual out</th><th class=\"num\">Slippage</th></tr></thead>\n<tbody>\n"
            for (i, route) in report.routes.enumerated() {
                let sellD = report.decimals(of: route.sell), buyD = report.decimals(of: route.buy)
                h += "<tr><td>\(i + 1). \(e(route.sell)) → \(e(route.buy))</td>"
                h += "<td class=\"num\">\(amountCell(route.amountIn, sellD, route.sell))</td>"
                h += "<td class=\"num\">\(amountCell(route.amountOutPredicted, buyD, route.buy))</td>"
                h += "<td class=\"num\">\(route.minOut.map { amountCell($0, buyD, route.buy) } ?? dash)</td>"
                h += "<td class=\"num\">\(route.amountOutActual.map { amountCell($0, buyD, route.buy) } ?? dash)</td>"
                if let slip = route.slippageBps {
                    let cls = slip > 0 ? "worse" : "better"
                    h += "<td class=\"num \(cls)\">\(ReportFormat.number(slip, fraction: 1)) <span class=\"unit\">bps</span></td>"
                } else {
                    h += "<td class=\"num\">\(dash)</td>"
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table>\n"
            if report.routes.allSatisfy({ $0.amountOutActual == nil }) {
                h += "<p class=\"caption\">Not executed: actual amounts appear after the transactions are mined. Slippage is the shortfall against the prediction, in basis points.</p>\n"
            } else {
                h += "<p class=\"caption\">Slippage is the shortfall of the actual output against the prediction, in basis points (negative: more than predicted).</p>\n"
            }
            h += "</section>\n"
        }

        // Gas and cost.
        h += "<section>\n<h2>Gas and cost</h2>\n"
        if report.gas.steps.isEmpty {
            let price = report.gas.estimatedGasPriceWei.map { " Gas price at this block: \(ReportFormat.gwei($0))." } ?? ""
            h += "<p class=\"caption\">No transactions, so no gas was spent.\(e(price))</p>\n</section>\n"
        } else {
            h += "<table>\n<thead><tr><th>Step</th><th class=\"num\">Estimated</th><th class=\"num\">Used</th></tr></thead>\n<tbody>\n"
            for step in report.gas.steps {
                h += "<tr><td>\(e(step.label))</td><td class=\"num\">\(gasCell(step.estimated))</td><td class=\"num\">\(gasCell(step.used))</td></tr>\n"
            }
            h += "</tbody>\n<tfoot>\n"
            h += "<tr><td>Total gas</td><td class=\"num\">\(gasCell(report.gas.totalEstimated))</td><td class=\"num\">\(gasCell(report.gas.totalUsed))</td></tr>\n"
            h += "<tr><td>Gas price</td><td class=\"num\">\(report.gas.estimatedGasPriceWei.map { unitCell(ReportFormat.gwei($0)) } ?? dash)</td>"
            h += "<td class=\"num\">\(report.gas.effectiveGasPriceWei.map { unitCell(ReportFormat.gwei($0)) } ?? dash)</td></tr>\n"
            h += "<tr><td>Cost in \(e(report.nativeSymbol))</td><td class=\"num\">\(valueCell(report.gas.estimatedCostNative, report.nativeSymbol))</td>"
            h += "<td class=\"num\">\(valueCell(report.gas.actualCostNative, report.nativeSymbol))</td></tr>\n"
            h += "<tr><td>Cost in \(e(report.quoteToken))</td><td class=\"num\">\(valueCell(report.gas.estimatedCostQuote, report.quoteToken))</td>"
            h += "<td class=\"num\">\(valueCell(report.gas.actualCostQuote, report.quoteToken))</td></tr>\n"
            h += "</tfoot>\n</table>\n</section>\n"
        }
        if let cost = report.cost, report.decision.rebalances { h += costSection(cost) }
        if let timings = report.timings, !timings.isEmpty {
            h += "<section>\n<h2>Where the time went</h2>\n<table>\n<thead><tr><th>Stage</th><th class=\"num\">Seconds</th></tr></thead>\n<tbody>\n"
            for t in timings { h += "<tr><td>\(e(t.stage))</td><td class=\"num\">\(String(format: "%.3f", t.seconds))</td></tr>\n" }
            h += "</tbody>\n</table>\n</section>\n"
        }
        h += "<footer>Generated by rebalancer for \(e(report.network)) at block \(ReportFormat.grouped(String(report.blockNumber))). Amounts are exact on-chain integers shown in whole tokens (truncated to the digits shown); weights and costs are estimates for display.</footer>\n"
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    static let dash = "<span class=\"none\">—</span>"

    /// Pool fees, price impact and gas in the quote token, predicted against actual, with their
    /// share of the value traded and of the portfolio.
    static func costSection(_ cost: RebalanceCost) -> String {
        let e = ReportFormat.html
        let q = cost.quoteToken
        var h = "<section>\n<h2>Cost of the rebalance</h2>\n"
        h += "<p class=\"caption\">In \(e(q)) at the decision block's mid prices; value traded \(ReportFormat.value(cost.tradedValue)) \(e(q)), portfolio \(ReportFormat.value(cost.portfolioValue)) \(e(q)).</p>\n"
        h += "<table>\n<thead><tr><th></th><th class=\"num\">Predicted</th><th class=\"num\">Actual</th></tr></thead>\n<tbody>\n"
        let rows: [(String, (RebalanceCost.Breakdown) -> Double, String)] = [
            ("Pool fees", { $0.poolFees }, q), ("Price impact", { $0.priceImpact }, q), ("Gas", { $0.gas }, q), ("Total", { $0.total }, q),
            ("Share of value traded", { $0.percentOfTraded }, "%"), ("Share of portfolio", { $0.percentOfPortfolio }, "%"),
        ]
        for (label, pick, unit) in rows {
            h += "<tr><td>\(e(label))</td><td class=\"num\">\(valueCell(pick(cost.predicted), unit))</td>"
            h += "<td class=\"num\">\(valueCell(cost.actual.map(pick), unit))</td></tr>\n"
        }
        return h + "</tbody>\n</table>\n</section>\n"
    }

    static func meta(_ term: String, _ value: String) -> String { "<div><dt>\(term)</dt><dd>\(value)</dd></div>" }

    static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><div class=\"card-label\">\(label)</div><div class=\"card-value\">\(value)</div></div>\n"
    }

    static func amountCell(_ raw: UInt256, _ decimals: Int?, _ symbol: String) -> String {
        "<span title=\"\(raw.description) raw units\">\(ReportFormat.amount(raw, decimals: decimals))</span> <span class=\"unit\">\(ReportFormat.html(symbol))</span>"
    }

    static func gasCell(_ gas: UInt64?) -> String { gas.map { ReportFormat.grouped(String($0)) } ?? dash }

    static func unitCell(_ text: String) -> String {
        guard let space = text.lastIndex(of: " ") else { return ReportFormat.html(text) }
        return ReportFormat.html(String(text[..<space])) + " <span class=\"unit\">\(ReportFormat.html(String(text[text.index(after: space)...])))</span>"
    }

    static func valueCell(_ value: Double?, _ unit: String) -> String {
        guard let value else { return dash }
        return "\(ReportFormat.value(value)) <span class=\"unit\">\(ReportFormat.html(unit))</span>"
    }

    static let css = """
        :root { --ink: #1c2430; --muted: #5f6b7a; --faint: #8a95a3; --line: #e3e7ec; --panel: #f6f8fa;
                --before: #b9c3cf; --after: #2f64c8; --band: rgba(47, 100, 200, 0.15); --good: #1b7a4a;
                --warn: #a05a00; }
        * { box-sizing: border-box; }
        html { background: #fff; }
        body { margin: 0; color: var(--ink); font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto,
               "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
        main { max-width: 1040px; margin: 0 auto; padding: 36px 40px 48px; }
        header { border-bottom: 1px solid var(--line); padding-bottom: 18px; margin-bottom: 22px; }
        .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); font-weight: 600; }
        h1 { font-size: 28px; margin: 4px 0 12px; font-weight: 650; letter-spacing: -.01em; }
        h2 { font-size: 18px; margin: 0 0 10px; font-weight: 620; }
        .meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; }
        .meta div { display: flex; gap: 8px; align-items: baseline; }
        .meta dt { color: var(--muted); font-size: 13px; }
        .meta dd { margin: 0; font-weight: 560; font-variant-numeric: tabular-nums; }
        section { margin: 0 0 30px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
        .card-label { color: var(--muted); font-size: 13px; }
        .card-value { font-size: 22px; font-weight: 620; font-variant-numeric: tabular-nums; margin-top: 2px; }
        .unit { color: var(--muted); font-weight: 450; font-size: .82em; }
        .badge { display: inline-block; padding: 1px 12px; border-radius: 999px; font-size: 17px; font-weight: 620; }
        .badge.go { background: #e2f3ea; color: var(--good); }
        .badge.skip { background: #fbefdc; color: var(--warn); }
        .lead { margin: 0 0 6px; }
        .reasons, .notes { margin: 6px 0 0; padding-left: 20px; }
        .reasons li { color: var(--warn); }
        .notes li { color: var(--muted); }
        .caption { color: var(--muted); font-size: 13px; margin: 0 0 10px; }
        svg { display: block; width: 100%; height: auto; font-family: inherit; }
        svg text { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; }
        .chart .grid { stroke: var(--line); stroke-width: 1; }
        .chart .axis { fill: var(--faint); font-size: 11px; }
        .chart .legend text { fill: var(--muted); }
        .chart .token { font-weight: 620; font-size: 14px; }
        .chart .figure { font-size: 13px; }
        .chart .strong { font-weight: 650; }
        .chart .muted { fill: var(--muted); font-size: 12px; }
        .bar-before { fill: var(--before); }
        .bar-after { fill: var(--after); }
        .band { fill: var(--band); stroke: rgba(47, 100, 200, 0.35); stroke-width: 1; stroke-dasharray: 3 3; }
        .target { stroke: var(--ink); stroke-width: 2; }
        .route-figure { margin: 0 0 18px; padding: 12px 16px 8px; border: 1px solid var(--line); border-radius: 8px; }
        .route-figure figcaption { margin-bottom: 6px; }
        .route-title { font-weight: 620; }
        .facts { color: var(--muted); font-size: 13px; margin-left: 8px; font-variant-numeric: tabular-nums; }
        .route .edge { fill: none; stroke: #9fb4d8; stroke-width: 2; }
        .route .pool rect { fill: #fff; stroke: #9fb4d8; stroke-width: 1.2; }
        .route .pool-label { font-weight: 600; font-size: 12px; }
        .route .pool-address { fill: var(--muted); font-size: 11px; font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
        .route .hop-token rect { fill: var(--panel); stroke: #c5cfdb; }
        .route .hop-token text { font-weight: 600; font-size: 11px; }
        .route .edge-label { fill: var(--ink); font-size: 12px; }
        .route .hop-token .hop-amount { fill: var(--muted); font-size: 11px; font-weight: 400; }
        .route .edge-share { fill: var(--muted); font-size: 11px; }
        .route .end rect { fill: var(--panel); stroke: #c5cfdb; }
        .route .end-symbol { font-weight: 650; font-size: 15px; }
        .route .end-amount { font-size: 13px; }
        .route .end-caption { fill: var(--muted); font-size: 11px; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; }
        th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tfoot td { font-weight: 560; }
        tfoot tr:first-child td { border-top: 2px solid var(--line); }
        .none { color: var(--faint); }
        .worse { color: var(--warn); }
        .better { color: var(--good); }
        footer { color: var(--faint); font-size: 12px; border-top: 1px solid var(--line); padding-top: 12px; }

        """
}
