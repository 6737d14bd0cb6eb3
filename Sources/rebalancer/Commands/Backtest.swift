import ArgumentParser
import Backtest
import Foundation
import Market
import Operations
import Strategy

/// `rebalancer backtest`: the portfolio's policy replayed over historical or synthetic candles.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the portfolio's policy over candles: rebalanced vs buy-and-hold vs calendar rebalancing.",
        discussion: """
            --candles DIR holds one <SYMBOL>.csv per token (timestamp_ms,open,high,low,close,volume in the quote token; \
            Binance kline CSVs too). The portfolio starts at its targets with --capital quote units. Every --every step \
            runs the same decision as `plan` and `run` (bands, dust, caps, moving-average guard, gas rule) and the same \
            router, through the pools of a --state snapshot moved to each candle's prices, or constant-product pools of --pool-depth quote units (half on each side) at --fee-bps, rebuilt \
            at each candle's price; gas is --gas-gwei × the plan's gas × the wrapped native token's price. \
            --sweep bands=2,5,10 every=1h,1d,7d prints the grid of drift bands (policy.driftBandPoints) by interval. \
            Instead of --candles, --from-block A --to-block B builds the candles from the chain: the configured Uniswap V2 \
            pairs' reserves at A and their Sync logs up to B (eth_getLogs in --chunk-blocks ranges), priced like a live run \
            values the portfolio; an interval without a log carries the last close forward and is counted.
            """)

    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @Option(help: ArgumentHelp("Directory of <SYMBOL>.csv candle files.", valueName: "dir"))
    var candles: String?
    @Option(name: .customLong("from-block"), help: ArgumentHelp("Build the candles from the chain, starting at this block's pool state.", valueName: "n"))
    var fromBlock: UInt64?
    @Option(name: .customLong("to-block"), help: ArgumentHelp("Last block whose Sync logs make the chain candles.", valueName: "n"))
    var toBlock: UInt64?
    @Option(name: .customLong("chunk-blocks"), help: ArgumentHelp("Blocks per eth_getLogs request (halved when a node refuses the range).", valueName: "n"))
    var chunkBlocks: UInt64 = 2000
    @Option(name: .customLong("candles-out"), help: ArgumentHelp("Also write the candles the backtest ran on as <SYMBOL>.csv files (readable with --candles).", valueName: "dir"))
    var candlesOut: String?
    @OptionGroup var rpc: RPCOptions
    @Option(help: "Start: a date (2025-01-01), a UTC time (2025-01-01T06:00:00Z) or Unix milliseconds (default: the candles' start).")
    var from: String?
    @Option(help: "End, same forms (default: the candles' end).")
    var to: String?
    @Option(help: "Time between two decisions (15m, 1h, 1d, 7d).")
    var every: String = "1h"
    @Option(parsing: .unconditional, help: "Starting value in quote units, split at the targets.")
    var capital: Double = 100_000
    @Option(help: ArgumentHelp("Trade through this ChainState snapshot's pools, moved to each candle's prices (instead of --fee-bps and --pool-depth).", valueName: "file"))
    var state: String?
    @Option(name: .customLong("fee-bps"), parsing: .unconditional, help: "Pool fee in basis points (default 30).")
    var feeBps: Double?
    @Option(name: .customLong("pool-depth"), parsing: .unconditional, help: "Value each pool holds, quote units, half on each side (default 10000000).")
    var poolDepth: Double?
    @Option(name: .customLong("gas-gwei"), parsing: .unconditional, help: "Gas price in gwei.")
    var gasGwei: Double = 20
    @Option(help: ArgumentHelp("Write a self-contained HTML page with the charts.", valueName: "file"))
    var html: String?
    @Option(parsing: .upToNextOption, help: ArgumentHelp("A grid instead of one run: bands=2,5,10 every=1h,1d,7d.", valueName: "axis"))
    var sweep: [String] = []
    @OptionGroup var output: JSONOption

    func validate() throws {
        switch (candles, fromBlock, toBlock) {
        case (nil, nil, nil): throw ValidationError("--candles: give a candle directory, or --from-block and --to-block to build candles from the chain")
        case (.some, nil, nil), (nil, .some, .some): break
        case (.some, _, _): throw ValidationError("--candles and --from-block/--to-block exclude each other: the candles come from files or from the chain")
        case (nil, nil, .some): throw ValidationError("--from-block: required with --to-block")
        case (nil, .some, nil): throw ValidationError("--to-block: required with --from-block")
        }
        if let fromBlock, let toBlock, fromBlock > toBlock { throw ValidationError("--from-block: \(fromBlock) is after --to-block \(toBlock)") }
        guard chunkBlocks > 0 else { throw ValidationError("--chunk-blocks: must be at least 1") }
        guard capital.isFinite, capital > 0 else { throw ValidationError("--capital: must be a positive number of quote units") }
        if let feeBps, !(feeBps.isFinite && feeBps >= 0 && feeBps < 10_000 && feeBps == feeBps.rounded()) {
            throw ValidationError("--fee-bps: must be a whole number from 0 to 9999")
        }
        if let poolDepth, !(poolDepth.isFinite && poolDepth > 0) {
            throw ValidationError("--pool-depth: must be a positive number of quote units")
        }
        if state != nil && (feeBps != nil || poolDepth != nil) {
            throw ValidationError("--state and --fee-bps/--pool-depth exclude each other: the snapshot's pools carry their own fees and depth")
        }
        guard gasGwei.isFinite, gasGwei >= 0, gasGwei <= 100_000 else { throw ValidationError("--gas-gwei: must be from 0 to 100000") }
        if html != nil && !sweep.isEmpty { throw ValidationError("--html and --sweep exclude each other: the page shows one backtest") }
    }

    func run() throws {
        let pools = try state.map { PoolCostModel(.snapshot(try SnapshotFile.load($0).poolModels)) }
            ?? PoolCostModel(.constantProduct(feeBps: UInt64(feeBps ?? 30), depth: poolDepth ?? 10_000_000))
        let source: BacktestInputs.Source
        if let fromBlock, let toBlock {
            source = .chain(fromBlock: fromBlock, toBlock: toBlock, chunk: chunkBlocks, rpc: rpc)
        } else {
            source = .files(candles ?? "")
        }
        let setup = try BacktestInputs.setup(
            portfolioPath: portfolioOption.portfolio, network: networkOption.network, source: source, from: from, to: to,
            every: every, capital: capital, pools: pools, gasGwei: gasGwei)
        let context = candles ?? "--from-block"
        if let candlesOut {
            // Synthetic data stays labelled synthetic when its candles are written again.
            try CandleFiles.write(setup.candles, directory: candlesOut, description: setup.candles.syntheticLabel, option: "--candles-out")
        }
        if !sweep.isEmpty {
            let grid = try SweepGrid.parse(sweep)
            let result = try reporting(context) { try grid.run(setup) }
            if output.json { try JSONOutput.print(result) } else { print(BacktestText.sweep(result)) }
            return
        }
        let result = try reporting(context) { try Backtester.run(setup) }
        if let html {
            do { try Data(BacktestPage.render(result).utf8).write(to: URL(fileURLWithPath: html)) } catch {
                throw CLIError("--html: cannot write \(html): \(error.localizedDescription)")
            }
        }
        if output.json { try JSONOutput.print(result) } else { print(BacktestText.render(result)) }
    }
}

/// The portfolio, network and candles a backtest runs on.
enum BacktestInputs {
    enum Source {
        case files(String)
        case chain(fromBlock: UInt64, toBlock: UInt64, chunk: UInt64, rpc: RPCOptions)
    }

    static func setup(portfolioPath: String, network name: String?, source: Source, from: String?, to: String?, every: String,
                      capital: Double, pools: PoolCostModel, gasGwei: Double) throws -> BacktestSetup {
        let portfolio = try ConfigLoading.portfolio(path: portfolioPath)
        let network = try ConfigLoading.network(named: name ?? portfolio.network)
        try ConfigLoading.validate(portfolio, file: portfolioPath, knownTokens: Set(network.tokens.map(\.symbol)))
        let step = try DurationArgument.parse(every, option: "--every")
        let start = try from.map { try TimeArgument.parse($0, option: "--from") }
        let end = try to.map { try TimeArgument.parse($0, option: "--to") }
        if let start, let end, start >= end { throw CLIError("--from: must be before --to") }
        var symbols = portfolio.targets.map(\.token).filter { $0 != portfolio.quoteToken }
        // Gas is priced through the wrapped native token: its candles are needed unless gas is free.
        let native = network.wrappedNative
        if gasGwei > 0, let native, native != portfolio.quoteToken, !symbols.contains(native) {
            if case .files(let candles) = source {
                let path = (candles as NSString).appendingPathComponent("\(native).csv")
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CLIError("--candles: no \(native).csv to price gas in \(portfolio.quoteToken) (add it or pass --gas-gwei 0)")
                }
            }
            symbols.append(native)
        }
        let set: CandleSet
        switch source {
        case .files(let candles):
            set = try CandleFiles.load(directory: candles, tokens: symbols)
        case .chain(let fromBlock, let toBlock, let chunk, let rpc):
            set = try chainCandles(network: network, quote: portfolio.quoteToken, symbols: symbols, fromBlock: fromBlock,
                                   toBlock: toBlock, chunk: chunk, every: step, rpc: rpc)
        }
        var tokens: [Token] = []
        for symbol in [portfolio.quoteToken] + symbols {
            guard let token = network.token(symbol) else { throw CLIError("\(portfolioPath): token \(symbol) is not in \(ConfigLoading.networkLabel(network.name))") }
            tokens.append(token.token)
        }
        return BacktestSetup(portfolio: portfolio, tokens: tokens, wrappedNative: gasGwei > 0 ? native : nil, candles: set,
                             from: start, to: end, every: step, capital: capital, pools: pools, gasGwei: gasGwei)
    }
}

extension BacktestInputs {
    /// Reads the range from the node and builds its candles; reports the carried-forward ones on stderr.
    static func chainCandles(network: NetworkConfig, quote: String, symbols: [String], fromBlock: UInt64, toBlock: UInt64,
                             chunk: UInt64, every: UInt64, rpc: RPCOptions) throws -> CandleSet {
        let session = try StateReading.session(network: network, rpc: rpc, deadline: rpc.commandDeadline)
        let head: UInt64
        do { head = try session.client.blockNumber() } catch { throw CLIError("--rpc-url: \(error)") }
        let reader = BacktestChainSource(client: session.client, network: network, fromBlock: fromBlock, toBlock: toBlock, chunk: chunk)
        try reader.checkRange(head: head)
        let input = try reader.input(quote: quote, symbols: symbols, every: every)
        var result: ChainCandles.Result
        do { result = try ChainCandles.build(input) } catch { throw CLIError("--from-block: \(error)") }
        let buckets = result.candles.series.values.map(\.count).max() ?? 0
        let carried = Set(result.carriedForward.values.flatMap { $0 }).count
        result.candles.sourceLabel = "chain blocks \(fromBlock)-\(toBlock), \(input.syncs.count) Sync logs, \(carried) of \(buckets) candles carried forward"
        note("chain candles: blocks \(fromBlock)-\(toBlock), \(input.syncs.count) Sync logs, \(buckets) candles of \(every) s; "
             + "carried forward (no log): \(carried)")
        return result.candles
    }
}
