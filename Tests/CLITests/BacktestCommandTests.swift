import Foundation
import TestSupport
import Testing

/// `rebalancer candles synth` and `rebalancer backtest` as a user runs them: files in, text, JSON
/// and HTML out, bad files refused in one line.
@Suite struct BacktestCommandTests {
    static let portfolioJSON = """
        {"network": "devnet", "mode": "vault", "operator": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
         "vault": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "quoteToken": "USDC",
         "targets": [{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}]}
        """

    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.portfolioJSON.write(to: dir.appendingPathComponent("portfolio.json"), atomically: true, encoding: .utf8)
        return dir
    }

    func synth(_ dir: URL, seed: Int = 7, days: Int = 60) throws -> URL {
        let candles = dir.appendingPathComponent("candles")
        let r = try CLIRunner.run(["candles", "synth", "--seed", "\(seed)", "--days", "\(days)", "--out", candles.path])
        #expect(r.status == 0, "\(r.stderr)")
        return candles
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func synthIsReproducibleAndLabelled() throws {
        let dir = try workspace()
        let a = try synth(dir.appendingPathComponent("a")), b = try synth(dir.appendingPathComponent("b"))
        for file in ["WETH.csv", "WBTC.csv", "LINK.csv", "synthetic.txt"] {
            #expect(FileManager.default.contents(atPath: a.appendingPathComponent(file).path)
                    == FileManager.default.contents(atPath: b.appendingPathComponent(file).path), "\(file) differs between two runs of one seed")
        }
        let weth = try String(contentsOf: a.appendingPathComponent("WETH.csv"), encoding: .utf8)
        #expect(weth.hasPrefix("timestamp_ms,open,high,low,close,volume\n1735689600000,3000,"))
        #expect(weth.split(separator: "\n").count == 60 * 24 + 1)
    }

    @Test func backtestPrintsTheThreeStrategiesAndTheJSONFields() throws {
        let dir = try workspace()
        let candles = try synth(dir)
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        let text = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", candles.path, "--every", "4h"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("backtest [SYNTHETIC, SEED 7]"))
        for line in ["rebalanced (policy)", "buy and hold", "calendar (no bands)", "max drawdown", "Sharpe", "price impact"] {
            #expect(text.stdout.contains(line), "missing \(line)")
        }
        let r = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", candles.path, "--every", "4h", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try json(r.stdout)
        for strategy in ["rebalanced", "hold", "calendar"] {
            let run = try #require(object[strategy] as? [String: Any])
            #expect((run["finalValue"] as? Double).map { $0 > 10_000 } == true, "\(strategy).finalValue")
        }
        #expect(object["rebalanceCount"] is Int)
        let costs = try #require(object["costs"] as? [String: Any])
        for field in ["fees", "priceImpact", "gas"] { #expect(costs[field] is Double, "costs.\(field)") }
        #expect(object["data"] as? String == "synthetic, seed 7")
    }

    @Test func sweepPrintsTheGridAndTheBest() throws {
        let dir = try workspace()
        let candles = try synth(dir)
        let r = try CLIRunner.run(["backtest", "--portfolio", dir.appendingPathComponent("portfolio.json").path, "--candles", candles.path,
                                   "--sweep", "bands=2,5,10", "every=1h,1d,7d"])
        #expect(r.status == 0, "\(r.stderr)")
        for text in ["every 1h", "every 1d", "every 7d", "2 pp", "5 pp", "10 pp", "calendar", "buy and hold", "* best: band"] {
            #expect(r.stdout.contains(text), "missing \(text)\n\(r.stdout)")
        }
    }

    @Test func snapshotPoolsCostTheTrades() throws {
        let dir = try workspace()
        let candles = try synth(dir, days: 30)
        let state = dir.appendingPathComponent("state.json")
        try RoutePlanTests.stateJSON.write(to: state, atomically: true, encoding: .utf8)
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        let r = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", candles.path, "--state", state.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try json(r.stdout)
        #expect(object["poolModel"] as? String == "the snapshot's 4 pool(s), moved to each candle's prices")
        let both = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", candles.path, "--state", state.path, "--fee-bps", "5"])
        #expect(both.status != 0 && both.errorLine.contains("--state and --fee-bps/--pool-depth exclude each other"), "\(both.stderr)")
    }

    @Test func htmlPageIsWritten() throws {
        let dir = try workspace()
        let candles = try synth(dir, days: 30)
        let page = dir.appendingPathComponent("bt.html")
        let r = try CLIRunner.run(["backtest", "--portfolio", dir.appendingPathComponent("portfolio.json").path, "--candles", candles.path,
                                   "--html", page.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<h2>Weights</h2>") && html.contains("Synthetic data"))
    }

    /// Each bad input: exit code non-zero, one line naming the file and row or the argument.
    @Test func badInputIsOneLine() throws {
        let dir = try workspace()
        let candles = try synth(dir, days: 10)
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        func refused(_ arguments: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let r = try CLIRunner.run(arguments)
            #expect(r.status != 0, sourceLocation: sourceLocation)
            #expect(r.errorLine.contains(expected), "\(r.errorLine)", sourceLocation: sourceLocation)
            #expect(!r.errorLine.contains("\n"), "more than one line: \(r.errorLine)", sourceLocation: sourceLocation)
            #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
        }
        let wbtc = candles.appendingPathComponent("WBTC.csv")
        var lines = try String(contentsOf: wbtc, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.remove(at: 5)
        try (lines.joined(separator: "\n") + "\n").write(to: wbtc, atomically: true, encoding: .utf8)
        try refused(["backtest", "--portfolio", portfolio, "--candles", candles.path], "WBTC.csv: row 6: gap in the candles")
        try FileManager.default.removeItem(at: wbtc)
        try refused(["backtest", "--portfolio", portfolio, "--candles", candles.path], "no WBTC.csv for the portfolio's token WBTC")
        try refused(["backtest", "--portfolio", portfolio, "--candles", dir.appendingPathComponent("nope").path], "--candles:")
        let other = try synth(dir.appendingPathComponent("x"), days: 10)
        try refused(["backtest", "--portfolio", portfolio, "--candles", other.path, "--every", "soon"], "--every")
        try refused(["backtest", "--portfolio", portfolio, "--candles", other.path, "--from", "2030-01-01"], "at least 2")
        try refused(["backtest", "--portfolio", portfolio, "--candles", other.path, "--sweep", "bands=2"], "--sweep: give both axes")
        try refused(["backtest", "--portfolio", portfolio, "--candles", other.path, "--capital", "-5"], "--capital")
        try refused(["candles", "synth", "--seed", "1", "--out", dir.path, "--tokens", "WETH"], "--tokens")
        // The source is files or the chain, never neither or both; the block range is checked before any node is asked.
        try refused(["backtest", "--portfolio", portfolio], "--candles: give a candle directory")
        try refused(["backtest", "--portfolio", portfolio, "--candles", other.path, "--from-block", "1", "--to-block", "2"], "exclude each other")
        try refused(["backtest", "--portfolio", portfolio, "--from-block", "9", "--to-block", "2"], "--from-block: 9 is after --to-block 2")
        try refused(["backtest", "--portfolio", portfolio, "--from-block", "9"], "--to-block: required")
        try refused(["backtest", "--portfolio", portfolio, "--from-block", "1", "--to-block", "2", "--chunk-blocks", "0"], "--chunk-blocks")
    }

    @Test func candlesOutWritesWhatTheBacktestRanOnAndKeepsTheSyntheticLabel() throws {
        let dir = try workspace()
        let candles = try synth(dir, days: 10)
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        let copy = dir.appendingPathComponent("copy")
        let first = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", candles.path, "--candles-out", copy.path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.contents(atPath: copy.appendingPathComponent("WETH.csv").path)
                == FileManager.default.contents(atPath: candles.appendingPathComponent("WETH.csv").path))
        let again = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--candles", copy.path, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try json(again.stdout)["data"] as? String == "synthetic, seed 7")
        func finalValue(_ text: String) throws -> Double? { (try json(text)["rebalanced"] as? [String: Any])?["finalValue"] as? Double }
        #expect(try finalValue(again.stdout) != nil)
        #expect(try finalValue(again.stdout) == (try finalValue(first.stdout)))
    }
}
