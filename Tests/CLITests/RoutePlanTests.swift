import Foundation
import TestSupport
import Testing

/// `rebalancer route` and `rebalancer plan` from a hand-written snapshot: no node.
@Suite struct RoutePlanTests {
    /// A what-if snapshot over the devnet's addresses: two WETH/USDC pairs (uniswap-v2, sushiswap) and
    /// a WETH/WBTC and a USDC/WBTC pair. The operator holds 100 WETH and 100,000 USDC.
    static let stateJSON = """
        {
          "chainId": 31337,
          "block": {"number": 1204, "timestamp": 1764000000, "baseFeePerGas": "875000000"},
          "owner": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
          "priorityFeePerGas": "1000000000",
          "tokens": [{"symbol": "WETH", "address": "0x6a924DB34661d3a3AD449C8C5eb4427906950513", "decimals": 18},
                     {"symbol": "USDC", "address": "0x5A42F032Bf0431ff012ff6e04C221f66Bebd2EEf", "decimals": 6},
                     {"symbol": "WBTC", "address": "0x8119BE89549C43E267190e5dE141BD16A8dA83B0", "decimals": 8}],
          "balances": {"WETH": "100000000000000000000", "USDC": "100000000000"},
          "pools": [
            {"kind": "constant-product", "dex": "uniswap-v2", "address": "0x3d0843C96C94004377E05C5EEC493AAc2B1E936f",
             "tokens": ["USDC", "WETH"], "reserves": ["3000000000000", "1000000000000000000000"], "feeBps": 30},
            {"kind": "constant-product", "dex": "sushiswap", "address": "0xC9e29e514B5E7dB67F390cAd5f123390eFFD311b",
             "tokens": ["USDC", "WETH"], "reserves": ["1500000000000", "500000000000000000000"], "feeBps": 30},
            {"kind": "constant-product", "dex": "uniswap-v2", "address": "0xD4eDCdB752b6C1f92A4aF1B4017942B2a633443F",
             "tokens": ["WETH", "WBTC"], "reserves": ["1000000000000000000000", "5000000000"], "feeBps": 30},
            {"kind": "constant-product", "dex": "uniswap-v2", "address": "0xb94d33CF811cB085CEb336cc5D180Dbb6B944bae",
             "tokens": ["USDC", "WBTC"], "reserves": ["3000000000000", "5000000000"], "feeBps": 30}
          ]
        }
        """

    static let portfolioJSON = """
        {"network": "devnet", "mode": "eoa", "operator": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
         "quoteToken": "USDC", "targets": [{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 50}],
         "policy": {"maxBlockAgeSeconds": 1000000000000, "maxTradePercentPerRun": 100}}
        """

    struct Files {
        let dir: URL
        var state: String { dir.appendingPathComponent("state.json").path }
        var portfolio: String { dir.appendingPathComponent("portfolio.json").path }
    }

    func files() throws -> Files {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("routeplan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let f = Files(dir: dir)
        try Self.stateJSON.write(toFile: f.state, atomically: true, encoding: .utf8)
        try Self.portfolioJSON.write(toFile: f.portfolio, atomically: true, encoding: .utf8)
        return f
    }

    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    func int(_ any: Any?) -> UInt64? { (any as? String).flatMap { UInt64($0) } }

    @Test func routeJSONHasExactlyTheDesignShapeAndSums() throws {
        let f = try files()
        let r = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "USDC",
                                   "--amount", "5000000000000000000", "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        let route = try json(r.stdout)
        #expect(Set(route.keys) == ["sell", "buy", "amountIn", "amountOut", "minOut", "priceImpactBps", "gas", "legs"])
        #expect(route["sell"] as? String == "WETH" && route["buy"] as? String == "USDC")
        #expect(route["amountIn"] as? String == "5000000000000000000")
        let legs = try #require(route["legs"] as? [[String: Any]])
        #expect(!legs.isEmpty)
        for leg in legs { #expect(Set(leg.keys) == ["path", "pools", "amountIn", "amountOut"]) }
        // Legs' outputs sum to amountOut (USDC raw amounts fit in 64 bits).
        let out = try #require(int(route["amountOut"]))
        #expect(legs.compactMap { int($0["amountOut"]) }.reduce(0, +) == out)
        // minOut = amountOut · 9950 / 10000 (the default 50 bps), rounded down.
        #expect(int(route["minOut"]) == out * 9950 / 10000)
        #expect(int(route["gas"]) != nil)
        #expect((route["priceImpactBps"] as? Double).map { $0 > 0 } == true)
        // 5 WETH through 1500 WETH of depth at 3000 USDC: a little under 15,000 USDC.
        #expect(out > 14_800_000_000 && out < 15_000_000_000)
    }

    @Test func routeWithOneHopAndAnExactSingleQuote() throws {
        // With only the direct pools allowed and a tiny trade, a single pair wins: its exact V2 quote.
        let f = try files()
        let r = try CLIRunner.run(["route", "--state", f.state, "--sell", "USDC", "--buy", "WETH", "--amount", "3000000",
                                   "--max-hops", "1", "--slippage-bps", "100", "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        let route = try json(r.stdout)
        let legs = try #require(route["legs"] as? [[String: Any]])
        #expect(legs.count == 1)
        // getAmountOut(3e6, 3e12, 1e21) = 3e6·997·1e21 / (3e12·1000 + 3e6·997) on the uniswap-v2 pair
        // (the deeper one; sushiswap's gives less): 996999005991991 wei.
        #expect(route["amountOut"] as? String == "996999005991991")
        #expect(route["minOut"] as? String == "987029015932071")
    }

    @Test func routeTableNamesLegsAndAmounts() throws {
        let f = try files()
        let r = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "WBTC", "--amount", "1000000000000000000"])
        #expect(r.status == 0, "\(r.errorLine)")
        #expect(r.stdout.contains("amountOut"))
        #expect(r.stdout.contains("minOut"))
        #expect(r.stdout.contains("WETH→"))
        #expect(r.stdout.contains("uniswap-v2 0x"))
    }

    @Test func routeRejectsBadInputWithOneLineNamingTheFlag() throws {
        let f = try files()
        let unknown = try CLIRunner.run(["route", "--state", f.state, "--sell", "XYZ", "--buy", "USDC", "--amount", "1"])
        #expect(unknown.status != 0)
        #expect(unknown.errorLine.contains("--sell"))
        #expect(unknown.errorLine.contains("XYZ"))
        #expect(!unknown.errorLine.contains("\n"))

        let buy = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "DOGE", "--amount", "1"])
        #expect(buy.status != 0 && buy.errorLine.contains("--buy") && !buy.errorLine.contains("\n"))

        let amount = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "USDC", "--amount", "1.5"])
        #expect(amount.status != 0 && amount.errorLine.contains("--amount") && !amount.errorLine.contains("\n"))

        let same = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "WETH", "--amount", "1"])
        #expect(same.status != 0 && same.errorLine.contains("--sell") && !same.errorLine.contains("\n"))

        let missing = try CLIRunner.run(["route", "--state", f.dir.appendingPathComponent("nope.json").path,
                                         "--sell", "WETH", "--buy", "USDC", "--amount", "1"])
        #expect(missing.status != 0 && missing.errorLine.contains("--state") && !missing.errorLine.contains("\n"))

        try "{\"chainId\": 1}".write(toFile: f.state, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["route", "--state", f.state, "--sell", "WETH", "--buy", "USDC", "--amount", "1"])
        #expect(bad.status != 0 && bad.errorLine.contains("--state") && !bad.errorLine.contains("\n"))
    }

    @Test func planJSONFromAStateFileHasDecisionRoutesAndTransactions() throws {
        let f = try files()
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state, "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        let plan = try json(r.stdout)
        let decision = try #require(plan["decision"] as? [String: Any])
        #expect(decision["action"] as? String == "rebalance")
        let drift = try #require(plan["drift"] as? [String: Any])
        #expect((drift["rows"] as? [Any])?.count == 2)
        let routes = try #require(plan["routes"] as? [[String: Any]])
        #expect(routes.count == 1)
        #expect(routes.first?["sell"] as? String == "WETH" && routes.first?["buy"] as? String == "USDC")
        let txs = try #require(plan["transactions"] as? [[String: Any]])
        let labels = txs.compactMap { $0["label"] as? String }
        #expect(labels.first == "approve WETH → uniswap-v2 router" || labels.first == "approve WETH → sushiswap router")
        #expect(labels.contains { $0.hasPrefix("swap 1: WETH→USDC via ") })
        let weights = try #require(plan["projectedWeights"] as? [String: Double])
        #expect(abs((weights["WETH"] ?? 0) - 50) < 1)
        #expect((plan["feesPaid"] as? Double).map { $0 > 0 } == true)
        #expect((plan["estimatedGas"] as? Int).map { $0 > 100_000 } == true)
        #expect(plan["mode"] as? String == "eoa")
    }

    @Test func planTableShowsDriftDecisionRoutesAndWeights() throws {
        let f = try files()
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state])
        #expect(r.status == 0, "\(r.errorLine)")
        for text in ["decision: rebalance", "drift pp", "route 1: WETH → USDC", "expected weights after the trades",
                     "pool fees", "transactions", "approve WETH"] {
            #expect(r.stdout.contains(text), "missing \(text)")
        }
    }

    @Test func planSkipIsNotAnError() throws {
        let f = try files()
        // Already at target: 100 WETH ≈ 300,000 USDC.
        let balanced = Self.stateJSON.replacingOccurrences(of: "\"USDC\": \"100000000000\"", with: "\"USDC\": \"300000000000\"")
        try balanced.write(toFile: f.state, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state, "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        let plan = try json(r.stdout)
        #expect((plan["decision"] as? [String: Any])?["action"] as? String == "skip")
        #expect((plan["transactions"] as? [Any])?.isEmpty == true)
    }

    @Test func planRejectsAPortfolioNamingAnUnknownToken() throws {
        let f = try files()
        try Self.portfolioJSON.replacingOccurrences(of: "\"token\": \"WETH\"", with: "\"token\": \"WETHX\"")
            .write(toFile: f.portfolio, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state])
        #expect(r.status != 0)
        #expect(r.errorLine.contains("targets[0].token") && r.errorLine.contains("WETHX"))
        #expect(!r.errorLine.contains("\n"))
    }

    @Test func dryRunWithAnUnreachableNodeFailsWithOneLine() throws {
        let f = try files()
        let r = try CLIRunner.run(["dry-run", "--portfolio", f.portfolio, "--rpc-url", "http://127.0.0.1:9"])
        #expect(r.status != 0)
        #expect(r.status != 3)                       // 3 means "simulation disagrees", not a node failure
        #expect(!r.errorLine.isEmpty && !r.errorLine.contains("\n"))
        #expect(r.stdout.isEmpty)
    }

    @Test func planInVaultModeWithoutAVaultNamesTheField() throws {
        let f = try files()
        try Self.portfolioJSON.replacingOccurrences(of: "\"mode\": \"eoa\"", with: "\"mode\": \"vault\"")
            .write(toFile: f.portfolio, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state])
        #expect(r.status != 0)
        #expect(r.errorLine.contains("vault") && !r.errorLine.contains("\n"))
    }

    @Test func planInVaultModeIsOneRebalanceCallToTheVault() throws {
        let f = try files()
        try Self.portfolioJSON.replacingOccurrences(
            of: "\"mode\": \"eoa\"", with: "\"mode\": \"vault\", \"vault\": \"0x1111111111111111111111111111111111111111\"")
            .write(toFile: f.portfolio, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["plan", "--portfolio", f.portfolio, "--state", f.state, "--json"])
        #expect(r.status == 0, "\(r.errorLine)")
        let plan = try json(r.stdout)
        let txs = try #require(plan["transactions"] as? [[String: Any]])
        #expect(txs.count == 1)
        #expect((txs.first?["label"] as? String)?.hasPrefix("rebalance: 1 route, ") == true)
        #expect(txs.first?["to"] as? String == "0x1111111111111111111111111111111111111111")
        #expect(txs.first?["from"] as? String == "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc")
        #expect((txs.first?["data"] as? String)?.hasPrefix("0x65bd92b4") == true)   // rebalance(...)
        #expect(plan["mode"] as? String == "vault")
    }
}
