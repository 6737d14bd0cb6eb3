import Execution
/// One route as inline SVG: the sold token on the left, the bought token on the right, each leg
/// a branch between them through its pool(s) and intermediate tokens. Splits are parallel branches.
enum RouteDiagram {
    static let width = 960.0
    static let endWidth = 130.0
    static let edgeZone = 130.0
    static let legHeight = 70.0
    static let poolHeight = 40.0

    static func svg(_ route: RouteSummary, report: RunReport) -> String {
        let e = ReportFormat.html
        let f = AllocationChart.f
        let sellDecimals = report.decimals(of: route.sell)
        let buyDecimals = report.decimals(of: route.buy)
        let legs = route.legs
        let height = max(1, Double(legs.count)) * legHeight + 20
        let midY = height / 2
        let middleLeft = endWidth + edgeZone, middleRight = width - endWidth - edgeZone
        var s = "<svg class=\"route\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Route \(e(route.sell)) to \(e(route.buy))\">"

        // Edges first, so nodes sit on top of them.
        var nodes = ""
        for (i, leg) in legs.enumerated() {
            let y = 10 + Double(i) * legHeight + legHeight / 2
            let hops = max(1, leg.pools.count)
            // Slots along the middle: pool, token, pool, token, pool…
            let tokenSlot = hops == 1 ? 0.0 : (hops == 2 ? 96.0 : 64.0)
            let poolWidth = min(260, (middleRight - middleLeft - Double(hops - 1) * tokenSlot) / Double(hops))
            let used = Double(hops) * poolWidth + Double(hops - 1) * tokenSlot
            var cursor = middleLeft + (middleRight - middleLeft - used) / 2
            var pathD = "M\(f(endWidth)),\(f(midY)) C\(f(endWidth + 70)),\(f(midY)) \(f(cursor - 70)),\(f(y)) \(f(cursor)),\(f(y))"
            for h in 0..<hops {
                let pool = h < leg.pools.count ? leg.pools[h] : PoolRef(label: "?", address: nil)
                let px = cursor
                // The full name and address as a tooltip: the box may clip a long label.
                let tooltip = pool.label + (pool.address.map { " " + $0.checksummed } ?? "")
                nodes += "<g class=\"pool\"><title>\(e(tooltip))</title><rect x=\"\(f(px))\" y=\"\(f(y - poolHeight / 2))\" width=\"\(f(poolWidth))\" height=\"\(f(poolHeight))\" rx=\"6\"/>"
                let maxChars = Int((poolWidth - 12) / 7)
                nodes += "<text x=\"\(f(px + poolWidth / 2))\" y=\"\(f(y - 3))\" text-anchor=\"middle\" class=\"pool-label\">\(e(clip(pool.label, maxChars)))</text>"
                if let address = pool.address {
                    nodes += "<text x=\"\(f(px + poolWidth / 2))\" y=\"\(f(y + 12))\" text-anchor=\"middle\" class=\"pool-address\">\(e(ReportFormat.shortAddress(address)))</text>"
                }
                nodes += "</g>"
                cursor += poolWidth
                if h < hops - 1 {
                    // The intermediate token between two pools.
                    let symbol = h + 1 < leg.path.count ? leg.path[h + 1] : "?"
                    let tx = cursor + tokenSlot / 2
                    pathD += " L\(f(cursor + tokenSlot)),\(f(y))"
                    let pill = min(tokenSlot - 12, max(40, Double(symbol.count) * 8 + 16))
                    nodes += "<g class=\"hop-token\"><rect x=\"\(f(tx - pill / 2))\" y=\"\(f(y - 11))\" width=\"\(f(pill))\" height=\"22\" rx=\"11\"/>"
                    nodes += "<text x=\"\(f(tx))\" y=\"\(f(y + 4))\" text-anchor=\"middle\">\(e(clip(symbol, Int(pill / 7.5))))</text>"
                    if leg.amounts.count == leg.path.count, h + 1 < leg.amounts.count {
                        let amount = ReportFormat.amount(leg.amounts[h + 1], decimals: report.decimals(of: symbol), significant: 6)
                        nodes += "<text x=\"\(f(tx))\" y=\"\(f(y + 27))\" text-anchor=\"middle\" class=\"hop-amount\">\(e(amount))</text>"
                    }
                    nodes += "</g>"
                    cursor += tokenSlot
                }
            }
            let end = width - endWidth
            pathD += " C\(f(cursor + 70)),\(f(y)) \(f(end - 70)),\(f(midY)) \(f(end)),\(f(midY))"
            s += "<path d=\"\(pathD)\" class=\"edge\"/>"
            // Leg amounts on the first and last edges, with the leg's share of the input.
            let share = route.amountIn.isZero ? nil : leg.amountIn.doubleValue / route.amountIn.doubleValue * 100
            let inX = middleLeft - 12, outX = middleRight + 12
            nodes += "<text x=\"\(f(inX))\" y=\"\(f(y - 7))\" text-anchor=\"end\" class=\"edge-label\">\(e(ReportFormat.amount(leg.amountIn, decimals: sellDecimals, significant: 6))) \(e(clip(route.sell, 8)))</text>"
            if legs.count > 1, let share {
                nodes += "<text x=\"\(f(inX))\" y=\"\(f(y + 15))\" text-anchor=\"end\" class=\"edge-share\">\(e(ReportFormat.number(share, fraction: 1))) %</text>"
            }
            nodes += "<text x=\"\(f(outX))\" y=\"\(f(y - 7))\" class=\"edge-label\">\(e(ReportFormat.amount(leg.amountOut, decimals: buyDecimals, significant: 6))) \(e(clip(route.buy, 8)))</text>"
        }
        s += nodes
        // End nodes: the whole amounts in and out.
        let nodeHeight = max(56, height - 24)
        s += endNode(x: 0, y: midY - nodeHeight / 2, height: nodeHeight, symbol: route.sell, caption: "sell",
                     amount: ReportFormat.amount(route.amountIn, decimals: sellDecimals, significant: 6))
        // After execution the right node shows what arrived; the table compares it with the prediction.
        s += endNode(x: width - endWidth, y: midY - nodeHeight / 2, height: nodeHeight, symbol: route.buy,
                     caption: route.amountOutActual == nil ? "buy (predicted)" : "bought",
                     amount: ReportFormat.amount(route.amountOutActual ?? route.amountOutPredicted, decimals: buyDecimals, significant: 6))
        s += "</svg>"
        return s
    }

    static func endNode(x: Double, y: Double, height: Double, symbol: String, caption: String, amount: String) -> String {
        let e = ReportFormat.html
        let f = AllocationChart.f
        let cx = x + endWidth / 2, cy = y + height / 2
        var s = "<g class=\"end\"><rect x=\"\(f(x + 1))\" y=\"\(f(y))\" width=\"\(f(endWidth - 2))\" height=\"\(f(height))\" rx=\"8\"/>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy - 10))\" text-anchor=\"middle\" class=\"end-symbol\">\(e(clip(symbol, 12)))</text>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy + 8))\" text-anchor=\"middle\" class=\"end-amount\">\(e(amount))</text>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy + 24))\" text-anchor=\"middle\" class=\"end-caption\">\(e(caption))</text>"
        s += "</g>"
        return s
    }

    /// At most `n` characters, an ellipsis marking a cut.
    static func clip(_ text: String, _ n: Int) -> String {
        let n = max(2, n)
        return text.count <= n ? text : String(text.prefix(n - 1)) + "…"
    }
}
