import Foundation
@testable import Execution
import Operations
import Testing

/// The Prometheus text format of the metrics, and the counters surviving a save and load.
@Suite struct MetricsTests {
    @Test func theTextFormatHasHelpTypeAndLabelledSamples() {
        var m = RebalancerMetrics(network: "devnet", portfolio: "a \"quoted\" name.json", quoteToken: "USDC")
        m.recordTick("skipped", at: Date(timeIntervalSince1970: 100))
        m.recordTick("completed", at: Date(timeIntervalSince1970: 200))
        m.recordTick("skipped", at: Date(timeIntervalSince1970: 300))
        m.recordNodeError(kind: "node")
        m.driftPoints = ["WETH": 2.5, "USDC": -2.5]
        m.portfolioValue = 1234.5
        m.gasSpentWei = 21_000_000_000_000
        let text = m.render()
        let labels = #"network="devnet",portfolio="a \"quoted\" name.json""#
        #expect(text.contains("# TYPE rebalancer_ticks_total counter\n"))
        #expect(text.contains("rebalancer_ticks_total{\(labels),outcome=\"skipped\"} 2\n"))
        #expect(text.contains("rebalancer_ticks_total{\(labels),outcome=\"completed\"} 1\n"))
        #expect(text.contains("rebalancer_last_success_timestamp_seconds{\(labels)} 200\n"))
        #expect(text.contains("rebalancer_drift_points{\(labels),token=\"WETH\"} 2.5\n"))
        #expect(text.contains("rebalancer_portfolio_value{\(labels),quote=\"USDC\"} 1234.5\n"))
        #expect(text.contains("rebalancer_gas_spent_wei_total{\(labels)} 21000000000000\n"))
        #expect(text.contains("rebalancer_node_errors_total{\(labels),kind=\"node\"} 1\n"))
        #expect(text.contains("rebalancer_alerting{\(labels)} 0\n"))
        // Every family has its HELP and TYPE before its samples.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" })
            #expect(text.contains("# TYPE \(name) "), "\(name)")
        }
    }

    @Test func countersSurviveASaveAndLoad() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var m = RebalancerMetrics(network: "devnet", portfolio: "p.json", quoteToken: "USDC")
        m.recordTick("completed", at: Date(timeIntervalSince1970: 1_764_000_000))
        m.save(path)
        let loaded = try #require(RebalancerMetrics.load(path))
        #expect(loaded == m)
        let prom = path + ".prom"
        defer { try? FileManager.default.removeItem(atPath: prom) }
        try loaded.writeTextFile(prom)
        #expect(try String(contentsOfFile: prom, encoding: .utf8) == m.render())
    }
}

/// The run report leads with the whole cost of a rebalance (fees, impact and gas), not the gas
/// alone, and shows where the time went.
@Suite struct ReportCostTests {
    @Test func theHeadlineIsTheWholeCostAndTheTimingsAreListed() {
        var report = ReportSamples.executed()
        report.cost = RebalanceCost(
            quoteToken: "USDC", tradedValue: 6000, portfolioValue: 100_000,
            predicted: .init(poolFees: 18, priceImpact: 42, gas: 3, total: 63, percentOfTraded: 1.05, percentOfPortfolio: 0.063),
            actual: .init(poolFees: 18, priceImpact: 52, gas: 3.6, total: 73.6, percentOfTraded: 1.2267, percentOfPortfolio: 0.0736))
        report.timings = [StageSeconds(stage: "read", seconds: 0.012), StageSeconds(stage: "confirm", seconds: 2.5)]
        let html = HTMLReport.render(report)
        #expect(html.contains("Rebalance cost</div><div class=\"card-value\">73.6"), "\(html.prefix(3000))")
        #expect(html.contains("<h2>Cost of the rebalance</h2>") && html.contains("Price impact"))
        #expect(html.contains("<h2>Where the time went</h2>") && html.contains("<td>confirm</td><td class=\"num\">2.500</td>"))
    }
}
