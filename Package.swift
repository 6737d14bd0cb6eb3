// swift-tools-version:6.1
import PackageDescription

// Layers point down only: rebalancer → Execution → Routing → Strategy → Market → EthRPC → EthSigning → EthCore.
let package = Package(
    name: "Rebalancer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rebalancer", targets: ["rebalancer"]),
        .library(name: "EthCore", targets: ["EthCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
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

        // Tokens, pool models with exact on-chain integer math, the chain-state snapshot.
        .target(name: "Market", dependencies: ["EthCore", "EthRPC"]),

        // Targets, policy, valuation, drift, guards, the netted trade set. Computes only.
        .target(name: "Strategy", dependencies: ["Market", "EthCore"]),

        // Pool graph, path search, optimal split across paths, gas-aware route choice; the planner
        // that turns a strategy outcome into routes. Computing only.
        .target(name: "Routing", dependencies: ["Strategy", "Market", "EthCore"]),

        // Plan builder, fees, simulation, signing and sending, the journal, alerts.
        .target(
            name: "Execution",
            dependencies: [
                "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // The command line.
        .executableTarget(
            name: "rebalancer",
            dependencies: [
                "Execution", "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmarks: `swift run -c release rebalancer-bench`.
        .executableTarget(name: "rebalancer-bench", dependencies: ["EthCore", "EthSigning", "CSecp256k1", "Market", "Strategy", "Routing"]),

        // Runs the built `rebalancer` binary the way a user does (shared by the CLI and devnet tests).
        .target(name: "TestSupport", dependencies: ["EthRPC"], path: "Tests/TestSupport"),
        .testTarget(name: "CLITests", dependencies: ["rebalancer", "Execution", "TestSupport"]),
        .testTarget(name: "QuoteIntegrationTests", dependencies: ["Market", "EthRPC", "EthCore"]),
        .testTarget(
            name: "ExecutionTests", dependencies: ["Execution", "Routing", "Strategy", "Market", "EthRPC", "EthSigning", "EthCore"],
            exclude: ["Fixtures"]),
        .testTarget(name: "StrategyTests", dependencies: ["Strategy", "Market", "EthCore"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "Market", "EthCore"]),
        .testTarget(name: "MarketTests", dependencies: ["Market", "EthRPC", "EthCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "EthCoreTests",
            dependencies: [
                "EthCore",
                // BigInt is a test oracle only: never a dependency of a product target.
                .product(name: "BigInt", package: "BigInt"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "EthSigningTests", dependencies: ["EthSigning", "EthCore"], resources: [.copy("Fixtures")]),

        .testTarget(name: "EthRPCTests", dependencies: ["EthRPC", "EthCore", "TestSupport"]),
        // Sending against the real devnet (DEVNET_RPC_URL): batches, replacement, crash recovery.
        .testTarget(
            name: "SendingIntegrationTests",
            dependencies: ["Execution", "Market", "EthRPC", "EthSigning", "EthCore", "TestSupport", "rebalancer"]),
        // Against a running devnet (DEVNET_RPC_URL): state loading, deployment through the Swift signer.
        .testTarget(name: "IntegrationTests", dependencies: ["Execution", "Routing", "Market", "Strategy", "EthRPC", "EthSigning", "EthCore", "TestSupport", "rebalancer"]),
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
