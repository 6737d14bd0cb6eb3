import ArgumentParser
import EthCore
import Foundation
import Market
import Routing
import Strategy

/// `rebalancer route`: the best route for one trade over a snapshot file (no node).
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route one trade over the pools of a snapshot file: legs, exact output, minOut, price impact, gas.",
        discussion: """
            Reads a ChainState snapshot (`rebalancer snapshot --out FILE`, or written by hand) and needs no node. \
            Routing is gas-aware at the snapshot's base fee plus priority fee, with gas priced through the \
            wrapped native token (--native). `--json` prints the route JSON of docs/ARCHITECTURE.md.
            """)

    @Option(help: ArgumentHelp("ChainState snapshot file.", valueName: "file"))
    var state: String

    @Option(help: ArgumentHelp("Token to sell (symbol in the snapshot).", valueName: "symbol"))
    var sell: String

    @Option(help: ArgumentHelp("Token to buy (symbol in the snapshot).", valueName: "symbol"))
    var buy: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Amount to sell in raw units (integer, e.g. 1000000000000000000 for 1 WETH).", valueName: "raw"),
            transform: OptionValue.rawAmount)
    var amount: String

    @Option(name: .customLong("max-hops"), parsing: .unconditional, help: ArgumentHelp("Longest path in hops (1-4).", valueName: "n"),
            transform: OptionValue.count)
    var maxHops: Int = 3

    @Option(name: .customLong("slippage-bps"), parsing: .unconditional,
            help: ArgumentHelp("minOut = amountOut less this many basis points (0-10000).", valueName: "bps"), transform: OptionValue.natural)
    var slippageBps: UInt64 = 50

    @Option(help: ArgumentHelp("Wrapped native token used to price gas in the bought token.", valueName: "symbol"))
    var native: String = "WETH"

    @Flag(help: "Print the route JSON instead of a table.")
    var json = false

    func validate() throws {
        guard (1...4).contains(maxHops) else { throw ValidationError("--max-hops must be between 1 and 4, got \(maxHops)") }
        guard slippageBps <= 10_000 else { throw ValidationError("--slippage-bps must be at most 10000, got \(slippageBps)") }
    }

    func run() throws {
        let snapshot = try SnapshotFile.load(state)
        let symbols = snapshot.tokens.map(\.symbol)
        guard snapshot.token(sell) != nil else {
            throw CLIError("--sell: unknown token \"\(sell)\" (the snapshot \(state) lists \(symbols.joined(separator: ", ")))")
        }
        guard snapshot.token(buy) != nil else {
            throw CLIError("--buy: unknown token \"\(buy)\" (the snapshot \(state) lists \(symbols.joined(separator: ", ")))")
        }
        guard let amountIn = UInt256(decimal: amount) else {
            throw CLIError("--amount: expected a raw integer amount (decimal digits), got \"\(amount)\"")
        }
        let gasPrice = snapshot.block.baseFeePerGas.adding(snapshot.priorityFeePerGas ?? .zero) ?? .max
        let options = RouteOptions(maxHops: maxHops, slippageBps: slippageBps, gasPriceWei: gasPrice,
                                   outputPerNativeWei: Self.outputPerNativeWei(buy: buy, native: native, state: snapshot))
        let route: Route
        do {
            route = try Router.route(sell: sell, buy: buy, amountIn: amountIn, pools: snapshot.poolModels, options: options)
        } catch {
            throw CLIError(Self.message(error))
        }
        if json {
            try JSONOutput.print(RouteOutput(route))
        } else {
            print(RouteText.render(route, state: snapshot, slippageBps: slippageBps))
        }
    }

    /// Router errors name the library's argument; the command line names its flag.
    static func message(_ error: RoutingError) -> String {
        switch error {
        case .unknownToken(let argument, let symbol):
            return "--\(argument): no pool in the snapshot holds \"\(symbol)\""
        case .sameToken(let s):
            return "--sell and --buy are both \"\(s)\""
        case .zeroAmount:
            return "--amount: must be greater than zero"
        case .noPath(let sell, let buy, let hops):
            return "--max-hops: no path from \(sell) to \(buy) within \(hops) hops"
        case .amountTooLarge, .amountTooSmall:
            return "--amount: " + error.description.replacingOccurrences(of: "routing: argument `amountIn` ", with: "")
        default:
            return error.description
        }
    }

    /// Raw units of `buy` per wei, from the snapshot's pools (0 when the native token has no path: gas then counts as free).
    static func outputPerNativeWei(buy: String, native: String, state: ChainState) -> Double {
        guard state.token(native) != nil, let buyToken = state.token(buy) else { return 0 }
        if buy == native { return 1 }
        let market = MarketView(tokens: state.tokens, balances: state.balances, pools: state.poolModels,
                                blockNumber: state.block.number, blockTimestamp: state.block.timestamp,
                                gasPriceWei: .zero, wrappedNative: native)
        guard let table = try? Valuation.prices(of: [native], quote: buy, market: market), let p = table.price(native) else { return 0 }
        return p * pow10(buyToken.decimals) / 1e18
    }
}

/// Reading a snapshot file, the error naming the file.
enum SnapshotFile {
    static func load(_ path: String) throws -> ChainState {
        do { return try ChainState.load(path: path) } catch { throw CLIError("--state \(path): \(error)") }
    }
}

/// The route JSON of docs/ARCHITECTURE.md, exactly: no per-hop detail in legs; `steps` only for a
/// route that executes as steps.
struct RouteOutput: Encodable {
    struct Leg: Encodable {
        var path: [String]
        var pools: [Address]
        var amountIn: UInt256
        var amountOut: UInt256
    }

    var sell: String
    var buy: String
    var amountIn: UInt256
    var amountOut: UInt256
    var minOut: UInt256
    var priceImpactBps: Double
    var gas: String
    var legs: [Leg]
    var steps: [RouteHop]?

    init(_ r: Route) {
        sell = r.sell
        buy = r.buy
        amountIn = r.amountIn
        amountOut = r.amountOut
        minOut = r.minOut
        priceImpactBps = (r.priceImpactBps * 10).rounded() / 10
        gas = String(r.gas)
        legs = r.legs.map { Leg(path: $0.path, pools: $0.pools, amountIn: $0.amountIn, amountOut: $0.amountOut) }
        steps = r.steps
    }
}

/// The human form of a route.
enum RouteText {
    static func amount(_ raw: UInt256, _ symbol: String, _ state: ChainState) -> String {
        guard let t = state.token(symbol) else { return "\(raw) \(symbol)" }
        return "\(Units.truncated(raw, decimals: t.decimals, places: 6)) \(symbol)"
    }

    static func render(_ r: Route, state: ChainState, slippageBps: UInt64?) -> String {
        var lines: [String] = []
        lines.append("route \(amount(r.amountIn, r.sell, state)) → \(r.buy)")
        lines.append("  amountOut  \(amount(r.amountOut, r.buy, state))  (raw \(r.amountOut))")
        let slip = slippageBps.map { ", slippage \($0) bps" } ?? ""
        lines.append("  minOut     \(amount(r.minOut, r.buy, state))  (raw \(r.minOut)\(slip))")
        lines.append("  impact     \(String(format: "%.1f", r.priceImpactBps)) bps")
        lines.append("  gas        \(r.gas)")
        var table = Table([("leg", .right), ("path", .left), ("pools", .left), ("amountIn", .right), ("amountOut", .right), ("share", .right)])
        for (i, leg) in r.legs.enumerated() {
            let share = r.amountIn.isZero ? 0 : leg.amountIn.doubleValue / r.amountIn.doubleValue * 100
            table.add(["\(i + 1)", leg.path.joined(separator: "→"), leg.pools.map { poolName($0, state) }.joined(separator: ", "),
                       amount(leg.amountIn, r.sell, state), amount(leg.amountOut, r.buy, state), String(format: "%.1f%%", share)])
        }
        lines.append(table.render().split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        if let steps = r.steps {
            lines.append("  executes as \(steps.count) steps (the legs share pools), in order:")
            var t = Table([("step", .right), ("swap", .left), ("pool", .left), ("amountIn", .right), ("amountOut", .right)])
            for (i, s) in steps.enumerated() {
                t.add(["\(i + 1)", "\(s.tokenIn)→\(s.tokenOut)", poolName(s.pool, state), amount(s.amountIn, s.tokenIn, state),
                       amount(s.amountOut, s.tokenOut, state)])
            }
            lines.append(t.render().split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    /// "uniswap-v2 0x3d08…936f": the DEX when the snapshot knows it, the address shortened.
    static func poolName(_ a: Address, _ state: ChainState) -> String {
        let text = a.checksummed
        let short = String(text.prefix(6)) + "…" + String(text.suffix(4))
        guard let dex = state.pools.first(where: { $0.address == a })?.dex else { return short }
        return "\(dex) \(short)"
    }
}
