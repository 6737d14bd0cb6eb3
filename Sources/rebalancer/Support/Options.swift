import ArgumentParser
import EthRPC
import Foundation

/// `--rpc-url`, repeatable: with several nodes the freshest is used and nodes behind are refused.
struct RPCOptions: ParsableArguments {
    @Option(name: .customLong("rpc-url"),
            help: ArgumentHelp("JSON-RPC URL; repeat for several nodes (the one with the highest head is used, nodes behind are refused). Default: the network's rpcUrlEnv variable, then ETH_RPC_URL, then the network's defaultRpcUrl.",
                               valueName: "url"))
    var urls: [String] = []

    @Option(name: .customLong("rpc-timeout"), parsing: .unconditional,
            help: ArgumentHelp("Total seconds the command may wait for nodes, retries included (reads are retried on timeouts, 429/5xx and garbled replies).",
                               valueName: "seconds"),
            transform: OptionValue.seconds)
    var rpcTimeout: Double = 30

    /// The command's one deadline for talking to nodes, started by the first request.
    var commandDeadline: RPCDeadline { CommandDeadline.start(seconds: rpcTimeout) }
}

/// One deadline per process (a process runs one command): every client of a read-only command
/// shares it, so a node that never answers costs the deadline once, not per request.
enum CommandDeadline {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: RPCDeadline?

    static func start(seconds: Double) -> RPCDeadline {
        lock.withLock {
            if let started { return started }
            let deadline = RPCDeadline(seconds: seconds)
            started = deadline
            return deadline
        }
    }
}

/// `--network NAME`: networks/NAME.json. Optional where the portfolio file names its network.
struct NetworkOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Network name: reads networks/<name>.json (default: the portfolio's \"network\").", valueName: "name"),
            transform: OptionValue.networkName)
    var network: String?
}

/// `--portfolio FILE`: the operator's portfolio file.
struct PortfolioOption: ParsableArguments {
    @Option(help: ArgumentHelp("Portfolio file (JSON: network, mode, operator, vault, quoteToken, targets, policy).", valueName: "file"))
    var portfolio: String
}

/// `--portfolio FILE` of the commands that run the cycle; the daemon also takes `--portfolios DIR`
/// (several portfolios, one state read per tick). Exactly one of the two.
struct CyclePortfolioOption: ParsableArguments {
    @Option(name: .customLong("portfolio"),
            help: ArgumentHelp("Portfolio file (JSON: network, mode, operator, vault, quoteToken, targets, policy).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("daemon only, instead of --portfolio: every *.json portfolio in this directory, each with its own journal and lock (<data dir>/portfolios/<name>), one state read per network per tick.",
                               valueName: "dir"))
    var portfolios: String?

    /// The portfolio file (empty only with --portfolios, which only the daemon accepts).
    var portfolio: String { file ?? "" }

    func validate() throws {
        switch (file, portfolios) {
        case (nil, nil): throw ValidationError("missing --portfolio <file>")
        case (.some, .some): throw ValidationError("give either --portfolio or --portfolios, not both")
        default: break
        }
    }

    /// For the commands that run one portfolio.
    func requireOne() throws {
        if portfolios != nil { throw CLIError("--portfolios: only `daemon` runs several portfolios; give --portfolio FILE") }
    }
}

/// `--json`: machine-readable output instead of a table.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}

/// `--block N`: read state at a block number instead of the latest block.
struct BlockOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Block number to read the state at (default: the latest block, pinned by number).", valueName: "number"),
            transform: OptionValue.blockNumber)
    var block: UInt64?
}
