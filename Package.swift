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
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
    ],
    targets: [
        // C modules
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1"),
        // .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),  // added with EthRPC

        // Pure Swift primitives: integers, hex, addresses, Keccak, RLP, ABI.
        .target(name: "EthCore"),

        // Tokens, pool models with exact on-chain integer math, the chain-state snapshot.
        .target(name: "Market", dependencies: ["EthCore"]),

        // Pool graph, path search, optimal split across paths, gas-aware route choice. Computing only.
        .target(name: "Routing", dependencies: ["Market", "EthCore"]),

        // The command line.
        .executableTarget(
            name: "rebalancer",
            dependencies: [
                "EthCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "MarketTests", dependencies: ["Market", "EthCore"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "Market", "EthCore"]),
        .testTarget(
            name: "EthCoreTests",
            dependencies: [
                "EthCore",
                // BigInt is a test oracle only: never a dependency of a product target.
                .product(name: "BigInt", package: "BigInt"),
            ]),
    ]
)
