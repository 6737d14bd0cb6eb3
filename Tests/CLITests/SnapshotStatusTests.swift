import Foundation
import TestSupport
import Testing

/// `snapshot` and `status` through the real binary. The devnet tests need a running devnet at
/// DEVNET_RPC_URL (scripts/test) and FAIL without it; the `--state` tests need no node.
@Suite("snapshot and status (CLI)", .serialized)
struct SnapshotStatusTests {
    static let devnetURL = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"
    /// Dev account 0 (anvil's first account; public devnet account, not a secret).
    static let dev0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A fresh directory with the given files, removed by the caller.
    static func directory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-status-\(UUID().uuidString)")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    static func portfolio(network: String = "devnet", targets: String = #"[{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 30}, {"token": "WBTC", "percent": 20}]"#) -> String {
        """
        {"network": "\(network)", "mode": "eoa", "operator": "\(dev0)", "quoteToken": "USDC", "targets": \(targets)}
        """
    }

    static func json(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "expected a JSON object, got: \(text.prefix(200))")
    }

    // MARK: against the devnet

    @Test func snapshotPrintsTheChainStateJSON() throws {
        let dir = try Self.directory(["portfolio.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("portfolio.json").path
        let r = try CLIRunner.run(["snapshot", "--network", "devnet", "--portfolio", p, "--rpc-url", Self.devnetURL])
        #expect(r.status == 0, "snapshot failed (is the devnet running at \(Self.devnetURL)?): \(r.errorLine)")
        let snap = try Self.json(r.out)
        #expect(snap["chainId"] as? Int == 31337)
        let block = try #require(snap["block"] as? [String: Any])
        let number = try #require(block["number"] as? Int)
        #expect(number > 0)
        #expect((block["baseFeePerGas"] as? String).flatMap { UInt64($0) } != nil, "integers are decimal strings")
        #expect((snap["tokens"] as? [Any])?.count == 6)
        let pools = try #require(snap["pools"] as? [[String: Any]])
        #expect(pools.count == 24, "17 listed pools and the 7 Uniswap V3 pools")
        // The V3 pools in DESIGN.md's concentrated-liquidity shape.
        let v3 = pools.filter { $0["kind"] as? String == "concentrated-liquidity" }
        #expect(v3.count == 7)
        for pool in v3 {
            #expect(pool["dex"] as? String == "uniswap-v3")
            #expect(pool["fee"] is Int && pool["tickSpacing"] is Int && pool["tick"] is Int)
            #expect(pool["sqrtPriceX96"] is String && pool["liquidity"] is String)
            #expect(((pool["ticks"] as? [[String: Any]]) ?? []).allSatisfy { $0["index"] is Int && $0["liquidityNet"] is String })
            #expect((pool["window"] as? [String: Any])?["lowerTick"] is Int)
        }
        let weighted = pools.filter { $0["kind"] as? String == "weighted" }
        #expect(weighted.count == 5)
        // the 2021 factories' pools say so; the later ones' default (2) is not written
        #expect(weighted.filter { $0["mathVersion"] as? Int == 1 }.count == 3)
        #expect(weighted.filter { $0["mathVersion"] == nil }.count == 2)
        for pool in pools where pool["kind"] as? String == "constant-product" {
            #expect((pool["reserves"] as? [String])?.count == 2)
        }
        for pool in pools where pool["kind"] as? String == "weighted" {
            let weights = (pool["weights"] as? [String] ?? []).compactMap { UInt64($0) }
            #expect(weights.reduce(0, +) == 1_000_000_000_000_000_000)
            #expect(pool["swapFee"] is String)
        }
        #expect(snap["owner"] as? String == Self.dev0)
        let balances = try #require(snap["balances"] as? [String: String])
        #expect(Set(balances.keys) == ["WETH", "USDC", "USDT", "WBTC", "DAI", "LINK"])
        #expect(snap["nativeBalance"] is String)
        #expect(snap["priorityFeePerGas"] is String)
        let allowances = try #require(snap["allowances"] as? [String: [String: String]])
        #expect(allowances["WETH"]?.count == 4, "two routers, the Balancer vault and SwapRouter02")

        // At a fixed block the output is deterministic; --out writes the same bytes.
        let out = dir.appendingPathComponent("snap.json").path
        let pinned = try CLIRunner.run(["snapshot", "--portfolio", p, "--rpc-url", Self.devnetURL, "--block", "\(number)"])
        #expect(pinned.status == 0, "\(pinned.errorLine)")
        let written = try CLIRunner.run(["snapshot", "--portfolio", p, "--rpc-url", Self.devnetURL, "--block", "\(number)", "--out", out])
        #expect(written.status == 0, "\(written.errorLine)")
        #expect(written.out.isEmpty)
        #expect(written.stderr.contains("wrote \(out)"))
        #expect(try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == pinned.out)

        // status from the node at that block and from the file agree.
        let fromNode = try CLIRunner.run(["status", "--portfolio", p, "--rpc-url", Self.devnetURL, "--block", "\(number)", "--json"])
        #expect(fromNode.status == 0, "\(fromNode.errorLine)")
        let fromFile = try CLIRunner.run(["status", "--portfolio", p, "--state", out, "--json"])
        #expect(fromFile.status == 0, "\(fromFile.errorLine)")
        let a = try Self.json(fromNode.out), b = try Self.json(fromFile.out)
        #expect((a["block"] as? [String: Any])?["number"] as? Int == number)
        #expect((b["block"] as? [String: Any])?["number"] as? Int == number)
        #expect(a["totalValue"] as? Double == b["totalValue"] as? Double)
        let rowsA = try #require(a["tokens"] as? [[String: Any]]), rowsB = try #require(b["tokens"] as? [[String: Any]])
        #expect(rowsA.map { $0["token"] as? String } == rowsB.map { $0["token"] as? String })
        #expect(rowsA.map { $0["balance"] as? String } == rowsB.map { $0["balance"] as? String })
        #expect(rowsA.map { $0["price"] as? Double } == rowsB.map { $0["price"] as? Double })
        #expect(rowsA.prefix(3).map { $0["token"] as? String } == ["WETH", "USDC", "WBTC"])
        for row in rowsA where row["token"] as? String == "WETH" {
            #expect(row["balance"] as? String == balances["WETH"])
        }
        #expect((a["source"] as? [String: Any])?["kind"] as? String == "node")
        #expect((b["source"] as? [String: Any])?["kind"] as? String == "file")
    }

    @Test func statusTableFromTheNodeUsesThePortfoliosNetwork() throws {
        let dir = try Self.directory(["portfolio.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("portfolio.json").path
        let r = try CLIRunner.run(["status", "--portfolio", p, "--rpc-url", Self.devnetURL])
        #expect(r.status == 0, "\(r.errorLine)")
        let lines = r.out.components(separatedBy: "\n")
        #expect(lines.first?.contains("on devnet, chain 31337") == true)
        let header = try #require(lines.first { $0.hasPrefix("TOKEN") })
        for title in ["BALANCE", "PRICE", "VALUE (USDC)", "WEIGHT", "TARGET", "DRIFT", "DRIFT REL", "BAND"] {
            #expect(header.contains(title))
        }
        #expect(lines.contains { $0.hasPrefix("WETH ") && $0.contains("50.00 %") })
        #expect(lines.contains { $0.hasPrefix("TOTAL") && $0.contains("100.00 %") })
        #expect(lines.contains { $0.hasPrefix("block") })
    }

    @Test func rpcURLFromTheNetworksVariableThenETHRPCURL() throws {
        let dir = try Self.directory(["portfolio.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("portfolio.json").path
        for env in [["DEVNET_RPC_URL": Self.devnetURL], ["DEVNET_RPC_URL": "", "ETH_RPC_URL": Self.devnetURL]] {
            let r = try CLIRunner.run(["status", "--portfolio", p, "--json"], environment: env)
            #expect(r.status == 0, "\(env): \(r.errorLine)")
            let source = try Self.json(r.out)["source"] as? [String: Any]
            #expect(source?["location"] as? String == Self.devnetURL, "\(env)")
        }
        // --rpc-url wins over the variables.
        let r = try CLIRunner.run(["status", "--portfolio", p, "--rpc-url", "http://127.0.0.1:1"],
                                  environment: ["DEVNET_RPC_URL": Self.devnetURL])
        #expect(r.status != 0)
        #expect(r.errorLine.contains("http://127.0.0.1:1"))
    }

    @Test func severalNodesTheDeadOneIsRefusedAndNamed() throws {
        let dir = try Self.directory(["portfolio.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("portfolio.json").path
        let r = try CLIRunner.run(["status", "--portfolio", p, "--rpc-url", "http://127.0.0.1:1", "--rpc-url", Self.devnetURL, "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        #expect(r.stderr.contains("http://127.0.0.1:1: unreachable"))
        #expect(try Self.json(r.out)["chainId"] as? Int == 31337)
    }

    @Test func chainIdMismatchNamesTheNodeAndTheFile() throws {
        var network = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("networks/devnet.json"), encoding: .utf8)
        network = network.replacingOccurrences(of: "\"chainId\": 31337", with: "\"chainId\": 5")
            .replacingOccurrences(of: "\"name\": \"devnet\"", with: "\"name\": \"othernet\"")
        let dir = try Self.directory(["networks/othernet.json": network, "portfolio.json": Self.portfolio(network: "othernet")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner.run(["snapshot", "--portfolio", "portfolio.json", "--rpc-url", Self.devnetURL], directory: dir)
        #expect(r.status != 0)
        #expect(r.errorLine == "Error: node at \(Self.devnetURL) is chain 31337, networks/othernet.json says 5")
    }

    // MARK: bad input, no node needed

    @Test func unreachableNodeIsOneLineWithTheMaskedURL() throws {
        let dir = try Self.directory(["portfolio.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("portfolio.json").path
        let r = try CLIRunner.run(["snapshot", "--portfolio", p, "--rpc-url", "http://127.0.0.1:1/v3/secretkey123"])
        #expect(r.status != 0)
        #expect(r.errorLine.hasPrefix("Error: "))
        #expect(r.errorLine.contains("connection refused"))
        #expect(r.errorLine.contains("127.0.0.1:1"))
        #expect(!r.stderr.contains("secretkey123"), "the URL is masked")
        #expect(!r.errorLine.contains("\n"))
    }

    @Test func unknownNetworkAndBadPortfolioFieldsAreNamed() throws {
        let dir = try Self.directory([
            "portfolio.json": Self.portfolio(),
            "nosuch.json": Self.portfolio(network: "nosuch"),
            "sum90.json": Self.portfolio(targets: #"[{"token": "WETH", "percent": 60}, {"token": "USDC", "percent": 30}]"#),
            "unknown-token.json": Self.portfolio(targets: #"[{"token": "WETH", "percent": 50}, {"token": "DOGE", "percent": 50}]"#),
            "typo.json": #"{"network": "devnet", "mode": "eoa", "operator": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "quoteToken": "USDC", "targets": [{"token": "WETH", "percent": 100}], "policy": {"driftBand": 3}}"#,
            "missing.json": #"{"network": "devnet", "mode": "eoa", "quoteToken": "USDC", "targets": []}"#,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let cases: [([String], String)] = [
            (["snapshot", "--portfolio", path("nosuch.json")], "Error: networks/nosuch.json: not found"),
            (["status", "--portfolio", path("portfolio.json"), "--network", "nosuch"], "Error: networks/nosuch.json: not found"),
            (["status", "--portfolio", path("sum90.json"), "--network", "devnet"], "Error: \(path("sum90.json")): targets percentages sum to 90"),
            (["snapshot", "--portfolio", path("unknown-token.json")], "Error: \(path("unknown-token.json")): targets[1].token unknown token \"DOGE\""),
            (["status", "--portfolio", path("typo.json")], "Error: \(path("typo.json")): policy.driftBand"),
            (["status", "--portfolio", path("missing.json")], "Error: \(path("missing.json")): operator: missing"),
            (["status", "--portfolio", path("absent.json")], "Error: \(path("absent.json")): cannot read the file"),
            (["status", "--portfolio", path("portfolio.json"), "--state", path("absent.json")], "Error: \(path("absent.json")): cannot read the file"),
        ]
        for (args, prefix) in cases {
            let r = try CLIRunner.run(args, environment: ["DEVNET_RPC_URL": "http://127.0.0.1:1"])
            #expect(r.status != 0, "\(args)")
            #expect(r.errorLine.hasPrefix(prefix), "\(args): \(r.errorLine)")
            #expect(!r.errorLine.contains("\n"), "one line: \(r.errorLine)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }

    // MARK: status from a hand-written snapshot (no node)

    static let handWritten = """
        {
          "chainId": 31337,
          "block": {"number": 1204, "timestamp": 1764000000, "baseFeePerGas": "875000000"},
          "tokens": [{"symbol": "WETH", "address": "0x6a924DB34661d3a3AD449C8C5eb4427906950513", "decimals": 18},
                     {"symbol": "USDC", "address": "0x5A42F032Bf0431ff012ff6e04C221f66Bebd2EEf", "decimals": 6}],
          "balances": {"WETH": "10000000000000000000", "USDC": "20000000000"},
          "owner": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
          "pools": [
            {"kind": "constant-product", "address": "0x3d0843C96C94004377E05C5EEC493AAc2B1E936f", "tokens": ["USDC", "WETH"],
             "reserves": ["3000000000000", "1000000000000000000000"], "feeBps": 30}
          ]
        }
        """

    @Test func statusFromAHandWrittenSnapshot() throws {
        let dir = try Self.directory([
            "state.json": Self.handWritten,
            "portfolio.json": Self.portfolio(targets: #"[{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 50}]"#),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.json").path
        let p = dir.appendingPathComponent("portfolio.json").path
        // No node anywhere: an RPC URL that cannot answer proves none is used.
        let env = ["DEVNET_RPC_URL": "http://127.0.0.1:1", "ETH_RPC_URL": "http://127.0.0.1:1"]
        let r = try CLIRunner.run(["status", "--portfolio", p, "--state", state, "--json"], environment: env)
        #expect(r.status == 0, "\(r.errorLine)")
        let report = try Self.json(r.out)
        #expect(report["chainId"] as? Int == 31337)
        #expect((report["block"] as? [String: Any])?["number"] as? Int == 1204)
        #expect(report["stale"] is String, "a block from 2025 is older than the policy allows")
        #expect(report["needsRebalance"] as? Bool == true)
        let total = try #require(report["totalValue"] as? Double)
        #expect(abs(total - 50_000) < 1e-6)
        let rows = try #require(report["tokens"] as? [[String: Any]])
        #expect(rows.count == 2)
        let weth = try #require(rows.first { $0["token"] as? String == "WETH" })
        let usdc = try #require(rows.first { $0["token"] as? String == "USDC" })
        #expect(weth["balance"] as? String == "10000000000000000000")
        #expect(weth["balanceUnits"] as? String == "10")
        #expect(abs((weth["price"] as? Double ?? 0) - 3000) < 1e-9)
        #expect(abs((weth["value"] as? Double ?? 0) - 30_000) < 1e-6)
        #expect(abs((weth["weightPercent"] as? Double ?? 0) - 60) < 1e-9)
        #expect(weth["targetPercent"] as? Double == 50)
        #expect(abs((weth["driftPoints"] as? Double ?? 0) - 10) < 1e-9)
        #expect(abs((weth["driftRelativePercent"] as? Double ?? 0) - 20) < 1e-9)
        #expect(weth["band"] as? String == "outside")
        #expect(usdc["balanceUnits"] as? String == "20000")
        #expect(usdc["price"] as? Double == 1)
        #expect(abs((usdc["driftPoints"] as? Double ?? 0) + 10) < 1e-9)
        #expect(usdc["band"] as? String == "outside")

        let table = try CLIRunner.run(["status", "--portfolio", p, "--state", state], environment: env)
        #expect(table.status == 0, "\(table.errorLine)")
        let lines = table.out.components(separatedBy: "\n")
        let wethLine = try #require(lines.first { $0.hasPrefix("WETH") })
        for cell in ["10", "3,000.00", "30,000.00", "60.00 %", "50.00 %", "+10.00 pp", "+20.00 %", "outside"] {
            #expect(wethLine.contains(cell), "\(cell) in \(wethLine)")
        }
        #expect(lines.contains { $0.hasPrefix("TOTAL") && $0.contains("50,000.00") })
        #expect(lines.contains { $0.contains("block") && $0.contains("1204") })
        #expect(lines.contains { $0.hasPrefix("rebalance needed: WETH, USDC") })

        // The network named explicitly must be the snapshot's chain.
        var other = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("networks/devnet.json"), encoding: .utf8)
        other = other.replacingOccurrences(of: "\"chainId\": 31337", with: "\"chainId\": 5")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("networks"), withIntermediateDirectories: true)
        try Data(other.utf8).write(to: dir.appendingPathComponent("networks/five.json"))
        let mismatch = try CLIRunner.run(["status", "--portfolio", p, "--state", state, "--network", "five"], environment: env, directory: dir)
        #expect(mismatch.status != 0)
        #expect(mismatch.errorLine == "Error: \(state) is chain 31337, networks/five.json says 5")

        // A broken snapshot names its field.
        let broken = Self.handWritten.replacingOccurrences(of: "\"3000000000000\"", with: "\"3e12\"")
        try Data(broken.utf8).write(to: dir.appendingPathComponent("broken.json"))
        let bad = try CLIRunner.run(["status", "--portfolio", p, "--state", dir.appendingPathComponent("broken.json").path], environment: env)
        #expect(bad.status != 0)
        #expect(bad.errorLine.contains("broken.json: pools[0].reserves[0]: not a decimal integer"))
    }
}
