import Backtest
import EthCore
import Foundation
import Market
@testable import Operations
import Strategy
import Testing

/// The backtest page of a synthetic year, photographed by headless Chromium like the run report.
struct BacktestPageTests {
    /// Computed once for both tests (a debug build replays slowly).
    static let computed = Result { try makeSample() }
    static func sample() throws -> BacktestResult { try computed.get() }

    static func makeSample() throws -> BacktestResult {
        let (candles, _) = SyntheticCandles(seed: 11, tokens: SyntheticCandles.defaultTokens, start: 1_735_689_600, interval: 3600,
                                            count: 24 * 90).generate()
        func address(_ k: UInt8) -> Address { Address(bytes: [UInt8](repeating: 0, count: 19) + [k]) ?? .zero }
        let tokens = [Token(symbol: "USDC", address: address(1), decimals: 6), Token(symbol: "WETH", address: address(2), decimals: 18),
                      Token(symbol: "WBTC", address: address(3), decimals: 8), Token(symbol: "LINK", address: address(4), decimals: 18)]
        let portfolio = PortfolioConfig(
            network: "devnet", mode: .vault, operator: address(9), vault: address(8), quoteToken: "USDC",
            targets: [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "WBTC", percent: 30),
                      TargetWeight(token: "LINK", percent: 10), TargetWeight(token: "USDC", percent: 20)])
        return try Backtester.run(BacktestSetup(portfolio: portfolio, tokens: tokens, wrappedNative: "WETH", candles: candles, every: 4 * 3600))
    }

    @Test func synthesisedBacktestPageIsLabelledAndHasItsCharts() throws {
        let result = try Self.sample()
        let html = BacktestPage.render(result)
        #expect(html.contains("Synthetic data (synthetic, seed 11)"))
        #expect(html.components(separatedBy: "<svg class=\"chart series\"").count - 1 == 4)
        #expect(!html.contains("nan") && !html.contains("inf"))
        #expect(html.count < 400_000, "page is \(html.count) bytes")
    }

    /// Leaves backtest-sample.html/.png in the temp directory to look at.
    @Test func screenshotsTheBacktestPage() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            Issue.record("chromium is not installed: run scripts/setup (Debian package 'chromium') to screenshot the HTML pages")
            return
        }
        let dir = FileManager.default.temporaryDirectory
        let html = dir.appendingPathComponent("backtest-sample.html")
        let png = dir.appendingPathComponent("backtest-sample.png")
        try BacktestPage.render(try Self.sample()).write(to: html, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: png)
        let shooter = ReportTests()
        guard try shooter.runChromium(chromium, ["--screenshot=\(png.path)", "--window-size=1200,2000", html.absoluteString]) != nil else { return }
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 40_000, "screenshot \(png.path) is only \(bytes.count) bytes")
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        guard let dom = try shooter.runChromium(chromium, ["--dump-dom", html.absoluteString]) else { return }
        for heading in ["Value", "Drawdown", "Weights", "Costs", "Figures"] {
            #expect(dom.contains("<h2>\(heading)</h2>"), "heading \(heading) missing from the DOM")
        }
        #expect(dom.contains("Synthetic data"))
        #expect(dom.components(separatedBy: "<path d=\"M").count - 1 >= 3 + 2 + 4 + 3, "one path per series")
    }
}
