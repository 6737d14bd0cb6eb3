// swift-tools-version:6.1
import PackageDescription

// Layers point down only (docs/ARCHITECTURE.md):
//   rebalancer (CLI) → Cycle → Execution → Routing, Strategy → Market → EthCore
//   Operations (reports, alerts) → Execution; Cycle also uses MarketLoading (→ Market, EthRPC);
//   Execution uses EthRPC and EthSigning; EthRPC → EthCore;
//   EthSigning → EthCore. Market, Strategy and Routing compute only: no RPC, no I/O.
let package = Package(
    name: "Rebalancer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rebalancer", targets: ["rebalancer"]),
        .library(name: "EthCore", targets: ["EthCore"]),
    ],
    // Exact versions: Package.resolved is not committed on these machines, and this binary moves money.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/attaswift/BigInt", exact: "6.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        // C modules
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1"),
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),

        // Pure Swift primitives: integers, hex, addresses, Keccak, RLP, ABI.
        .target(name: "EthCore"),

        // secp256k1 keys and signatures, transactions (legacy, EIP-2930, EIP-1559), keystore v3.
        .target(
            name: "EthSigning",
            dependencies: [
                "EthCore", "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),

        // JSON-RPC over libcurl: batches, retries, rate limit, typed eth_ API, Multicall3.
        .target(name: "EthRPC", dependencies: ["EthCore", "CCurl"]),

        // Tokens, pool models with exact on-chain integer math, the chain-state snapshot, network
        // files. Computing only: no RPC.
        .target(name: "Market", dependencies: ["EthCore"]),

        // Loading a ChainState from a node: one Multicall3 round trip at a pinned block, pair
        // discovery through factories, node selection.
        .target(name: "MarketLoading", dependencies: ["Market", "EthRPC", "EthCore"]),

        // Targets, policy, valuation, drift, guards, the netted trade set. Computes only.
        .target(name: "Strategy", dependencies: ["Market", "EthCore"]),

        // Pool graph, path search, optimal split across paths, gas-aware route choice. Computing only;
        // it knows pools and amounts, not strategies.
        .target(name: "Routing", dependencies: ["Market", "EthCore"]),

        // Planning pipeline, plan builder, the vault's calls, simulation, fees, signing and sending,
        // confirmation and reconciliation, the journal, outcomes and the run report's data.
        .target(
            name: "Execution",
            dependencies: [
                "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // What an operator sees and is told: the HTML report of a run, alerts by webhook and e-mail.
        .target(
            name: "Operations",
            dependencies: ["Backtest", "Execution", "Routing", "Strategy", "Market", "EthCore", "CCurl"]),

        // One rebalance over one node session: reconcile, read, decide, plan, dry run, send, confirm,
        // report. `run`, `daemon` and `rehearse` drive it.
        .target(
            name: "Cycle",
            dependencies: [
                "Execution", "Routing", "Strategy", "Market", "MarketLoading", "EthRPC", "EthSigning", "EthCore",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Backtests: candles (files, synthetic), the pool cost model, the replay through the same
        // Strategist and planner as a live run, metrics. Computing only: callers read the files.
        .target(name: "Backtest", dependencies: ["Execution", "Routing", "Strategy", "Market", "EthCore"]),

        // The command line.
        .executableTarget(
            name: "rebalancer",
            dependencies: [
                "Backtest", "Cycle", "Operations", "Execution", "MarketLoading", "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Benchmarks: `swift run -c release rebalancer-bench`.
        .executableTarget(
            name: "rebalancer-bench",
            dependencies: ["Backtest", "EthCore", "EthRPC", "EthSigning", "CSecp256k1", "Market", "MarketLoading", "Strategy", "Routing", "Execution", "Cycle", "TestOracles"]),

        // Runs the built `rebalancer` binary the way a user does (shared by the CLI and devnet tests).
        .target(name: "TestSupport", dependencies: ["EthRPC", "EthCore"], path: "Tests/TestSupport"),
        // The suite's one seeded generator and oracles that share no code with what they check
        // (the bench measures against them too).
        .target(name: "TestOracles", dependencies: ["EthCore"], path: "Tests/TestOracles"),
        .testTarget(name: "CLITests", dependencies: ["rebalancer", "Execution", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "QuoteIntegrationTests", dependencies: ["Market", "MarketLoading", "EthRPC", "EthSigning", "EthCore", "TestOracles"]),
        .testTarget(
            name: "ExecutionTests", dependencies: ["Execution", "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore", "TestSupport"]),
        .testTarget(
            name: "OperationsTests", dependencies: ["Operations", "Backtest", "Execution", "Routing", "Strategy", "Market", "EthCore"],
            exclude: ["Fixtures"]),
        // The rebalance cycle against a scripted node (its control flow; the devnet tests run it whole).
        .testTarget(name: "CycleTests", dependencies: ["Cycle", "Execution", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore", "TestSupport"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Strategy", "Market", "EthCore"]),
        .testTarget(name: "StrategyTests", dependencies: ["Strategy", "Market", "EthCore", "TestOracles"]),
        .testTarget(
            name: "RoutingTests",
            dependencies: ["Routing", "Market", "EthCore", "TestOracles", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "MarketTests", dependencies: ["Market", "MarketLoading", "EthRPC", "EthCore", "TestOracles"], exclude: ["Fixtures"]),
        .testTarget(
            name: "EthCoreTests",
            dependencies: [
                "EthCore", "TestOracles",
                // BigInt is a test oracle only: never a dependency of a product target.
                .product(name: "BigInt", package: "BigInt"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "EthSigningTests", dependencies: ["EthSigning", "EthCore"], resources: [.copy("Fixtures")]),

        .testTarget(name: "EthRPCTests", dependencies: ["EthRPC", "EthCore", "CCurl", "TestSupport"]),
        // Sending against the real devnet (DEVNET_RPC_URL): batches, replacement, crash recovery.
        .testTarget(
            name: "SendingIntegrationTests",
            dependencies: ["Execution", "Market", "EthRPC", "EthSigning", "EthCore", "TestSupport", "rebalancer"]),
        // Against a running devnet (DEVNET_RPC_URL): state loading, deployment through the Swift signer.
        .testTarget(name: "IntegrationTests", dependencies: ["Execution", "MarketLoading", "Routing", "Market", "Strategy", "EthRPC", "EthSigning", "EthCore", "TestSupport", "rebalancer"]),
    ]
)

// libFuzzer targets (Fuzz/README.md). Declared only when REBALANCER_FUZZ is set, so the ordinary
// build never compiles them; scripts/fuzz sets it and builds with -sanitize=fuzzer into .build-fuzz.
if Context.environment["REBALANCER_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("abi-decoding", ["EthCore"]),
        ("rlp", ["EthCore"]),
        ("transaction", ["EthSigning", "EthCore"]),
        ("jsonrpc-reply", ["EthRPC", "EthCore"]),
        ("chain-state", ["Market", "EthCore"]),
        ("portfolio", ["Strategy", "EthCore"]),
        ("network", ["Market", "EthCore"]),
        ("snapshot-plan", ["Execution", "Strategy", "Market", "EthCore"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: "fuzz-\(target.name)", dependencies: target.dependencies, path: "Fuzz/Targets/\(target.name)",
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
