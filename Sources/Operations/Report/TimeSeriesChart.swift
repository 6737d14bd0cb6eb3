import Foundation

/// Time series as inline SVG: lines on one value axis, or stacked areas (shares of 100 %) with
/// horizontal guides. Long series are thinned to at most `maxPoints` so a year of hours stays a
/// page of a few hundred kilobytes.
enum TimeSeriesChart {
    struct Series {
        var label: String
        var color: String
        var values: [Double]
        var dashed = false
    }

    /// A horizontal line or band across the plot, in the value axis's units.
    struct Guide {
        var label: String
        var color: String
        var low: Double
        var high: Double
    }

    static let width = 960.0
    static let plotLeft = 78.0
    static let plotRight = 940.0
    static let top = 30.0
    static let maxPoints = 600

    static func svg(times: [UInt64], series: [Series], height: Double = 300, stacked: Bool = false, guides: [Guide] = [],
                    unit: String, ariaLabel: String, fixedRange: ClosedRange<Double>? = nil, fromZero: Bool = false) -> String {
        let e = ReportFormat.html
        let bottom = height - 34
        let indices = thinned(times.count)
        var lo = Double.infinity, hi = -Double.infinity
        if let fixedRange {
            lo = fixedRange.lowerBound
            hi = fixedRange.upperBound
        } else {
            for s in series { for k in indices where k < s.values.count && s.values[k].isFinite { lo = min(lo, s.values[k]); hi = max(hi, s.values[k]) } }
            if !lo.isFinite { lo = 0; hi = 1 }
            // Drawdowns and costs start from zero: the axis keeps zero as its edge, unpadded.
            if fromZero { lo = min(lo, 0); hi = max(hi, 0) }
            if hi - lo < 1e-9 { hi += 1 }
            let pad = (hi - lo) * 0.06
            if !(fromZero && lo == 0) { lo -= pad }
            if !(fromZero && hi == 0) { hi += pad }
        }
        let t0 = Double(times.first ?? 0), t1 = Double(max(times.last ?? 1, (times.first ?? 0) + 1))
        func x(_ k: Int) -> Double { plotLeft + (plotRight - plotLeft) * (Double(times[k]) - t0) / (t1 - t0) }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * (min(max(v, lo), hi) - lo) / (hi - lo) }

        var s = "<svg class=\"chart series\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(ariaLabel))\">"
        // Legend.
        var lx = plotLeft
        for item in series {
            s += "<g class=\"legend\" transform=\"translate(\(f(lx)),8)\"><rect x=\"0\" y=\"2\" width=\"14\" height=\"10\" rx=\"2\" fill=\"\(item.color)\"/>"
            s += "<text x=\"20\" y=\"11\">\(e(item.label))</text></g>"
            lx += 20 + Double(item.label.count) * 7 + 22
        }
        for guide in guides {
            s += "<g class=\"legend\" transform=\"translate(\(f(lx)),8)\"><line x1=\"0\" x2=\"14\" y1=\"7\" y2=\"7\" stroke=\"\(guide.color)\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\"/>"
            s += "<text x=\"20\" y=\"11\">\(e(guide.label))</text></g>"
            lx += 20 + Double(guide.label.count) * 7 + 22
        }
        // Value grid: five steps.
        for k in 0...4 {
            let v = lo + (hi - lo) * Double(k) / 4
            s += "<line class=\"grid\" x1=\"\(f(plotLeft))\" x2=\"\(f(plotRight))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\"/>"
            s += "<text class=\"axis\" x=\"\(f(plotLeft - 8))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(e(axisLabel(v, unit: unit)))</text>"
        }
        // Time axis: five dates.
        if times.count > 1 {
            for k in 0...4 {
                let i = (times.count - 1) * k / 4
                let anchor = k == 0 ? "start" : (k == 4 ? "end" : "middle")
                s += "<text class=\"axis\" x=\"\(f(x(i)))\" y=\"\(f(bottom + 18))\" text-anchor=\"\(anchor)\">\(e(date(times[i])))</text>"
            }
        }
        if stacked {
            var base = [Double](repeating: 0, count: times.count)
            for item in series {
                var upper = base
                for k in indices where k < item.values.count { upper[k] = base[k] + max(0, item.values[k]) }
                var d = "M"
                for k in indices { d += "\(f(x(k))),\(f(y(upper[k]))) L" }
                for k in indices.reversed() { d += "\(f(x(k))),\(f(y(base[k]))) L" }
                d.removeLast(2)
                s += "<path d=\"\(d) Z\" fill=\"\(item.color)\" opacity=\"0.85\"/>"
                base = upper
            }
        } else {
            for item in series where !item.values.isEmpty {
                var d = ""
                for k in indices where k < item.values.count { d += (d.isEmpty ? "M" : " L") + "\(f(x(k))),\(f(y(item.values[k])))" }
                let dash = item.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash)/>"
            }
        }
        // Bands over the data: a light wash with dashed edges, readable on top of stacked areas.
        for guide in guides {
            let yHigh = y(guide.high), yLow = y(guide.low)
            s += "<rect x=\"\(f(plotLeft))\" y=\"\(f(yHigh))\" width=\"\(f(plotRight - plotLeft))\" height=\"\(f(max(1, yLow - yHigh)))\" fill=\"#ffffff\" opacity=\"0.35\"/>"
            for edge in [yHigh, yLow] {
                s += "<line x1=\"\(f(plotLeft))\" x2=\"\(f(plotRight))\" y1=\"\(f(edge))\" y2=\"\(f(edge))\" stroke=\"\(guide.color)\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>"
            }
        }
        s += "<line class=\"grid\" x1=\"\(f(plotLeft))\" x2=\"\(f(plotRight))\" y1=\"\(f(bottom))\" y2=\"\(f(bottom))\"/>"
        s += "</svg>"
        return s
    }

    /// The indices kept: evenly spaced, always the first and the last.
    static func thinned(_ count: Int) -> [Int] {
        guard count > maxPoints else { return Array(0..<count) }
        var out = (0..<maxPoints).map { $0 * (count - 1) / (maxPoints - 1) }
        out[out.count - 1] = count - 1
        return out
    }

    static func axisLabel(_ v: Double, unit: String) -> String {
        if unit == "%" { return ReportFormat.number(v, fraction: abs(v) < 10 ? 1 : 0) + " %" }
        let a = abs(v)
        if a >= 1_000_000 { return ReportFormat.number(v / 1_000_000, fraction: 2) + "M" }
        if a >= 10_000 { return ReportFormat.number(v / 1000, fraction: 1) + "k" }
        return ReportFormat.value(v)
    }

    static func date(_ seconds: UInt64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))"
    }

    static func f(_ v: Double) -> String { AllocationChart.f(v) }
}
