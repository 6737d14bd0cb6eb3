import Execution
/// The allocation as inline SVG: per token a "before" and an "after" bar on one percent axis,
/// the band as a shaded range behind them and the target as a tick.
enum AllocationChart {
    static let width = 960.0
    static let labelWidth = 90.0
    static let plotLeft = 100.0
    static let plotRight = 700.0
    static let rowHeight = 58.0
    static let top = 34.0

    static func svg(_ rows: [AllocationRow]) -> String {
        let e = ReportFormat.html
        let maxWeight = rows.flatMap { [$0.weightBefore, $0.weightAfter ?? 0, $0.bandUpper, $0.target] }.filter(\.isFinite).max() ?? 0
        // Axis to the next 10 % above the biggest figure, a tick every 10 %.
        let step = 10.0
        let axisMax = min(100, max(10, (maxWeight / step).rounded(.up) * step))
        func x(_ percent: Double) -> Double {
            let p = percent.isFinite ? min(max(percent, 0), axisMax) : 0
            return plotLeft + (plotRight - plotLeft) * p / axisMax
        }
        let height = top + Double(rows.count) * rowHeight + 28
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Allocation before and after against targets\">"
        // Legend.
        s += "<g class=\"legend\" transform=\"translate(\(Int(plotLeft)),8)\">"
        // Entries placed one after another: "after" only appears when some row has an after weight.
        var lx = 0.0
        func entry(_ swatch: String, _ label: String, width: Double) {
            s += "<g transform=\"translate(\(f(lx)),0)\">\(swatch)<text x=\"\(f(width + 6))\" y=\"11\">\(label)</text></g>"
            lx += width + 6 + Double(label.count) * 7 + 18
        }
        entry("<rect x=\"0\" y=\"2\" width=\"14\" height=\"10\" rx=\"2\" class=\"bar-before\"/>", "before", width: 14)
        if rows.contains(where: { $0.weightAfter != nil }) {
            entry("<rect x=\"0\" y=\"2\" width=\"14\" height=\"10\" rx=\"2\" class=\"bar-after\"/>", "after", width: 14)
        }
        entry("<rect x=\"0\" y=\"0\" width=\"22\" height=\"14\" class=\"band\"/>", "band", width: 22)
        entry("<line x1=\"1\" y1=\"0\" x2=\"1\" y2=\"14\" class=\"target\"/>", "target", width: 2)
        s += "</g>"
        // Grid every 10 %.
        var tick = 0.0
        while tick <= axisMax + 0.001 {
            let gx = x(tick)
            s += "<line x1=\"\(f(gx))\" y1=\"\(f(top - 4))\" x2=\"\(f(gx))\" y2=\"\(f(height - 24))\" class=\"grid\"/>"
            s += "<text x=\"\(f(gx))\" y=\"\(f(height - 8))\" class=\"axis\" text-anchor=\"middle\">\(Int(tick)) %</text>"
            tick += step
        }
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let barBefore = y + 10, barAfter = y + 28, barHeight = 14.0
            s += "<g class=\"row\">"
            s += "<text x=\"\(f(labelWidth))\" y=\"\(f(y + 30))\" class=\"token\" text-anchor=\"end\">\(e(row.token))</text>"
            s += "<rect x=\"\(f(x(row.bandLower)))\" y=\"\(f(y + 5))\" width=\"\(f(max(1, x(row.bandUpper) - x(row.bandLower))))\" height=\"\(f(42))\" class=\"band\"><title>band \(e(ReportFormat.number(row.bandLower, fraction: 1)))–\(e(ReportFormat.number(row.bandUpper, fraction: 1))) %</title></rect>"
            s += "<rect x=\"\(f(plotLeft))\" y=\"\(f(barBefore))\" width=\"\(f(max(0, x(row.weightBefore) - plotLeft)))\" height=\"\(f(barHeight))\" rx=\"2\" class=\"bar-before\"><title>before \(e(ReportFormat.percent(row.weightBefore)))</title></rect>"
            if let after = row.weightAfter {
                s += "<rect x=\"\(f(plotLeft))\" y=\"\(f(barAfter))\" width=\"\(f(max(0, x(after) - plotLeft)))\" height=\"\(f(barHeight))\" rx=\"2\" class=\"bar-after\"><title>after \(e(ReportFormat.percent(after)))</title></rect>"
            }
            s += "<line x1=\"\(f(x(row.target)))\" y1=\"\(f(y + 2))\" x2=\"\(f(x(row.target)))\" y2=\"\(f(y + 50))\" class=\"target\"/>"
            // Figures on the right: before → after, and the target with its band.
            if let after = row.weightAfter {
                s += "<text x=\"\(f(plotRight + 24))\" y=\"\(f(y + 22))\" class=\"figure\">\(e(ReportFormat.percent(row.weightBefore))) → <tspan class=\"strong\">\(e(ReportFormat.percent(after)))</tspan></text>"
            } else {
                s += "<text x=\"\(f(plotRight + 24))\" y=\"\(f(y + 22))\" class=\"figure\"><tspan class=\"strong\">\(e(ReportFormat.percent(row.weightBefore)))</tspan> (no trade)</text>"
            }
            s += "<text x=\"\(f(plotRight + 24))\" y=\"\(f(y + 40))\" class=\"muted\">target \(e(ReportFormat.percent(row.target))), band \(e(ReportFormat.number(row.bandLower, fraction: 1)))–\(e(ReportFormat.number(row.bandUpper, fraction: 1))) %</text>"
            s += "</g>"
        }
        s += "</svg>"
        return s
    }

    static func f(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
