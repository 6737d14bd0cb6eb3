import EthCore
import Foundation
import Routing
@testable import Strategy
import Testing
@testable import Execution
@testable import Operations

@Suite struct ReportTests {
    @Test func rendersEverySectionWithFormattedNumbers() {
        let html = HTMLReport.render(ReportSamples.dryRun())
        for section in ["<h2>Decision</h2>", "<h2>Allocation</h2>", "<h2>Routes</h2>", "<h2>Predicted vs actual</h2>", "<h2>Gas and cost</h2>"] {
            #expect(html.contains(section), "missing \(section)")
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("21,456,789"))                 // block, grouped
        #expect(html.contains("250,118"))                    // portfolio value
        #expect(html.contains("62.0 %"))                     // weight before
        #expect(html.contains("40.1 %"))                     // weight after
        #expect(html.contains("Uniswap V2 WETH/WBTC"))
        #expect(html.contains("Balancer WETH/WBTC/USDC 40/30/30"))
        #expect(html.contains("0.33246555"))                 // WBTC predicted out, 8 decimals
        #expect(html.contains("24,912.34"))                // the intermediate USDC amount, grouped
        #expect(html.contains("412,345"))                    // gas
        #expect(html.contains("14.20") && html.contains("gwei"))
        #expect(html.contains("65.0 %") && html.contains("35.0 %"))  // the split's shares
        #expect(html.contains("Rebalance"))
        // Not executed: actual out and slippage are dashes, and the used-gas column too.
        let predicted = html.components(separatedBy: "<h2>Predicted vs actual</h2>")[1].components(separatedBy: "</table>")[0]
        #expect(predicted.components(separatedBy: "—").count - 1 == 4)
    }

    @Test func executedReportShowsActualsAndSlippage() {
        let report = ReportSamples.executed()
        // (33246555 − 33201234) / 33246555 · 10000 = 13.6 bps short; route 2 got 5.8 bps more.
        #expect(abs((report.routes[0].slippageBps ?? 0) - 13.631_7) < 0.001)
        #expect((report.routes[1].slippageBps ?? 0) < 0)
        let html = HTMLReport.render(report)
        #expect(html.contains("0.33201234"))
        #expect(html.contains("13.6 <span class=\"unit\">bps</span>"))
        #expect(html.contains("398,765"))
        #expect(html.contains("13.90"))
    }

    @Test func skippedRunShowsReasonsAndNoRoutes() {
        let html = HTMLReport.render(ReportSamples.skipped())
        #expect(html.contains("badge skip"))
        #expect(html.contains("block is 912 s old"))
        #expect(!html.contains("<h2>Routes</h2>"))
        #expect(!html.contains("<h2>Predicted vs actual</h2>"))
        #expect(html.contains("<h2>Gas and cost</h2>"))
        #expect(html.contains("No transactions, so no gas was spent. Gas price at this block: 31.00 gwei."))
        #expect(html.contains("(no trade)"))
    }

    @Test func escapesEveryText() {
        var report = ReportSamples.dryRun()
        let evil = "<script>alert(1)</script>"
        report.tokens.append(.init(symbol: evil, decimals: 18))
        report.allocation[0].token = evil
        report.routes[0].sell = evil
        report.routes[0].legs[0].pools[0].label = "\"><img src=x onerror=alert(1)>"
        report.decision = DecisionSummary(action: "skip", reasons: ["price of <b>WETH</b> & co off its average"])
        report.network = "main'net"
        let html = HTMLReport.render(report)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("price of &lt;b&gt;WETH&lt;/b&gt; &amp; co off its average"))
        #expect(html.contains("main&#39;net"))
        #expect(html.contains("Skip"))
    }

    @Test func isSelfContained() {
        for report in [ReportSamples.dryRun(), ReportSamples.executed(), ReportSamples.skipped(), ReportSamples.complex()] {
            let html = HTMLReport.render(report).lowercased()
            #expect(!html.contains("http://"))
            #expect(!html.contains("https://"))
            #expect(!html.contains("src="))
            #expect(!html.contains("href="))
            #expect(!html.contains("<script"))
            #expect(!html.contains("@import"))
            #expect(!html.contains("url("))
            #expect(html.contains("<style>"))
            #expect(html.contains("<svg"))
        }
    }

    @Test func hostileNumbersDoNotTrapOrLeakNaN() {
        var report = ReportSamples.dryRun()
        report.allocation[0].weightBefore = .nan
        report.allocation[1].weightAfter = .infinity
        report.allocation[2].target = -5
        report.routes[0].amountOutPredicted = .zero
        report.routes[0].amountOutActual = .max
        report.tokens[0].decimals = 200
        report.gas.steps = [.init(label: "x", estimated: .max, used: .max), .init(label: "y", estimated: .max, used: 1)]
        report.totalValue = .nan
        report.routes[1].legs[0].pools = []
        let html = HTMLReport.render(report)
        #expect(!html.contains("nan") && !html.contains("NaN"))
        #expect(html.contains("18,446,744,073,709,551,615"))  // saturated total
    }

    @Test func formatsAmountsFromRawUnits() {
        #expect(ReportFormat.grouped("1234567") == "1,234,567")
        #expect(ReportFormat.grouped("123") == "123")
        #expect(ReportFormat.amount(UInt256(1_500_000), decimals: 6) == "1.50")
        #expect(ReportFormat.amount(UInt256(decimal: "1234567891234567890123")!, decimals: 18) == "1,234.5678")
        #expect(ReportFormat.amount(UInt256(5), decimals: 18) == "0.00")
        #expect(ReportFormat.amount(UInt256(12345), decimals: 0) == "12,345")
        #expect(ReportFormat.amount(UInt256(12345), decimals: nil) == "12,345")
        #expect(ReportFormat.number(-1234.5, fraction: 1) == "−1,234.5")
        #expect(ReportFormat.value(0.005855) == "0.005855")
        #expect(ReportFormat.html("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
    }

    @Test func buildsFromStrategyAndRoutingValues() throws {
        var policy = Policy()
        policy.driftBandPoints = 5
        policy.driftBandRelativePercent = 25
        let drift = DriftReport(quote: "USDC", totalValue: 100, rows: [
            TokenDrift(token: "WETH", balance: 1, value: 62, price: 1, weight: 62, target: 40, driftPoints: 22,
                       driftRelativePercent: 55, outsideBand: true),
            TokenDrift(token: "WBTC", balance: 1, value: 8, price: 1, weight: 8, target: 8, driftPoints: 0,
                       driftRelativePercent: 0, outsideBand: false),
        ])
        let rows = AllocationRow.rows(drift: drift, weightsAfter: ["WETH": 40.2], policy: policy)
        #expect(rows[0].bandLower == 35 && rows[0].bandUpper == 45)     // ±5 points
        #expect(rows[1].bandLower == 6 && rows[1].bandUpper == 10)      // ±25 % of 8 = ±2 points
        #expect(rows[0].weightAfter == 40.2 && rows[1].weightAfter == nil)

        let pool = ReportSamples.address(0x09)
        let route = Route(sell: "WETH", buy: "USDC", amountIn: 1000, amountOut: 2900, minOut: 2885, priceImpactBps: 3,
                          gas: 120_000, legs: [
                            RouteLeg(path: ["WETH", "USDC"], pools: [pool], amountIn: 1000, amountOut: 2900,
                                     hops: [RouteHop(pool: pool, tokenIn: "WETH", tokenOut: "USDC", amountIn: 1000, amountOut: 2900)]),
                          ])
        let summary = RouteSummary(route: route, poolLabels: [pool: "Uniswap V2 WETH/USDC"])
        #expect(summary.legs[0].pools[0].label == "Uniswap V2 WETH/USDC")
        #expect(summary.legs[0].amounts == [1000, 2900])
        #expect(summary.gasEstimated == 120_000 && summary.minOut == 2885)
        #expect(RouteSummary(route: route).legs[0].pools[0].label.contains("…"))

        let decision = DecisionSummary(Decision(action: .skip, reasons: [.insideBands], notes: []))
        #expect(decision.reasons == ["every token is inside its drift bands"])
        #expect(!decision.rebalances)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let report = ReportSamples.executed()
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(RunReport.self, from: data) == report)
    }

    /// Renders the sample reports and photographs them with headless Chromium, then has Chromium
    /// parse each page and dump its DOM: the picture must be a real PNG of some substance, and the
    /// parsed page must hold the report's text (headings, every token, every route's title) and its
    /// chart elements (one allocation chart with a before-bar per token, one diagram per route).
    /// Leaves report-sample*.html/.png in the temp directory to look at.
    @Test func screenshotsTheSampleReport() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            Issue.record("chromium is not installed: run scripts/setup (Debian package 'chromium') to screenshot the HTML report")
            return
        }
        let dir = FileManager.default.temporaryDirectory
        for (name, report) in [("report-sample", ReportSamples.dryRun()), ("report-sample-executed", ReportSamples.executed()),
                                   ("report-sample-skipped", ReportSamples.skipped()), ("report-sample-complex", ReportSamples.complex())] {
            let html = dir.appendingPathComponent("\(name).html")
            let png = dir.appendingPathComponent("\(name).png")
            try HTMLReport.render(report).write(to: html, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: png)
            guard try runChromium(chromium, ["--screenshot=\(png.path)", "--window-size=1200,1600", html.absoluteString]) != nil else { return }
            let bytes = try Data(contentsOf: png)
            #expect(bytes.count > 20_000, "screenshot \(png.path) is only \(bytes.count) bytes")
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

            guard let dom = try runChromium(chromium, ["--dump-dom", html.absoluteString]) else { return }
            func count(_ needle: String) -> Int { dom.components(separatedBy: needle).count - 1 }
            #expect(dom.contains("<h1>Rebalance report</h1>") && dom.contains("<h2>Decision</h2>") && dom.contains("<h2>Allocation</h2>"),
                    "\(name): headings missing from the DOM")
            #expect(count("<svg class=\"chart\"") == 1, "\(name): allocation chart")
            // The legend's swatch plus one before-bar per token.
            #expect(count("class=\"bar-before\"") == report.allocation.count + 1, "\(name): one before-bar per token")
            for row in report.allocation { #expect(dom.contains(">\(row.token)<"), "\(name): token \(row.token) not in the DOM") }
            #expect(count("<svg class=\"route\"") == report.routes.count, "\(name): one diagram per route")
            for (i, route) in report.routes.enumerated() {
                #expect(dom.contains("\(i + 1). \(route.sell) → \(route.buy)"), "\(name): route \(i + 1) title not in the DOM")
            }
        }
    }

    /// Runs headless Chromium on one page with `arguments`; its stdout, or nil (an issue recorded)
    /// when it does not finish within 90 s or fails.
    func runChromium(_ chromium: String, _ arguments: [String]) throws -> String? {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
                             "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000"] + arguments
        // Into a file, not a pipe: a DOM larger than the pipe's buffer would stall Chromium.
        let outFile = profile.appendingPathExtension("out")
        defer { try? FileManager.default.removeItem(at: outFile) }
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile)
        defer { try? out.close() }
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium did not finish within 90 s: \(arguments.first ?? "")")
            return nil
        }
        guard process.terminationStatus == 0 else {
            Issue.record("chromium exited with \(process.terminationStatus): \(arguments.first ?? "")")
            return nil
        }
        let data = try Data(contentsOf: outFile)
        return String(decoding: data, as: UTF8.self)
    }
}
