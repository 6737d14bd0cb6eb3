import ArgumentParser
import Backtest
import Foundation

/// `rebalancer candles`: candle sets for backtests.
struct CandlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candles", abstract: "Candle sets for backtests.", subcommands: [Synth.self])

    /// `rebalancer candles synth`: a reproducible synthetic set.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Write a reproducible synthetic candle set (correlated random walks through bull, bear and crash regimes).",
            discussion: """
                Writes one <SYMBOL>.csv per token (timestamp_ms,open,high,low,close,volume, prices in the quote token) \
                and synthetic.txt, which labels every backtest of the set as synthetic. The same seed gives the same files.
                """)

        @Option(parsing: .unconditional, help: "Seed: one seed, one data set.", transform: OptionValue.natural)
        var seed: UInt64
        @Option(help: ArgumentHelp("Directory to write to (created if missing).", valueName: "dir"))
        var out: String
        @Option(parsing: .unconditional, help: "Length in days.", transform: OptionValue.days)
        var days: Double = 365
        @Option(help: "Candle interval (15m, 1h, 1d).")
        var interval: String = "1h"
        @Option(help: "First candle's time: a date (2025-01-01), a UTC time or Unix milliseconds.")
        var start: String = "2025-01-01"
        @Option(help: ArgumentHelp("Tokens and starting prices, e.g. WETH=3000,WBTC=60000,LINK=15.", valueName: "list"))
        var tokens: String?

        func run() throws {
            let step = try DurationArgument.parse(interval, option: "--interval")
            let first = try TimeArgument.parse(start, option: "--start")
            let specs = try tokens.map(Self.parseTokens) ?? SyntheticCandles.defaultTokens
            let count = Int(days * 86_400 / Double(step))
            guard count >= 2 else { throw CLIError("--days: \(days) days at --interval \(interval) is fewer than 2 candles") }
            let generator = SyntheticCandles(seed: seed, tokens: specs, start: first, interval: step, count: count)
            let (set, _) = generator.generate()
            let description = "\(generator.label): \(count) candles every \(DurationArgument.text(step)) from \(TimeArgument.text(first)), written by rebalancer candles synth"
            try CandleFiles.write(set, directory: out, description: "\(generator.label)\n\(description)")
            print("wrote \(specs.map { "\($0.symbol).csv" }.joined(separator: ", ")) to \(out): \(description)")
        }

        static func parseTokens(_ text: String) throws -> [SyntheticCandles.TokenSpec] {
            var specs: [SyntheticCandles.TokenSpec] = []
            let defaults = Dictionary(uniqueKeysWithValues: SyntheticCandles.defaultTokens.map { ($0.symbol, $0) })
            for item in text.split(separator: ",") {
                let parts = item.split(separator: "=")
                guard parts.count == 2, !parts[0].isEmpty, let price = Double(parts[1]), price > 0, price.isFinite else {
                    throw CLIError("--tokens: write SYMBOL=PRICE,… (e.g. WETH=3000,WBTC=60000), got \"\(item)\"")
                }
                let symbol = String(parts[0])
                if specs.contains(where: { $0.symbol == symbol }) { throw CLIError("--tokens: \(symbol) listed twice") }
                var spec = defaults[symbol] ?? SyntheticCandles.TokenSpec(symbol: symbol, startPrice: price)
                spec.startPrice = price
                specs.append(spec)
            }
            guard !specs.isEmpty else { throw CLIError("--tokens: list at least one token") }
            return specs
        }
    }
}
