import EthCore
import Foundation
import Testing
@testable import Market

@Suite struct NetworkConfigTests {
    /// The repository root (this file is Tests/MarketTests/NetworkConfigTests.swift).
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func network(_ name: String) throws -> NetworkConfig {
        try NetworkConfig.load(path: Self.repoRoot.appendingPathComponent("networks/\(name).json").path)
    }

    @Test func mainnetFileIsValidAndSourced() throws {
        let n = try network("mainnet")
        #expect(n.chainId == 1 && n.mainnet && !n.isLocal)
        #expect(n.rpcUrlEnv == "MAINNET_RPC_URL" && n.defaultRpcUrl == nil)
        #expect(n.multicall3 == (try Address("0xcA11bde05977b3631167028862bE2a173976CA11")))
        #expect(n.tokens.map(\.symbol) == ["WETH", "USDC", "USDT", "DAI", "WBTC"])
        #expect(n.token("USDT")?.approvalResetRequired == true && n.token("USDT")?.returnsBool == false)
        #expect(n.token("USDC")?.decimals == 6 && n.token("WBTC")?.decimals == 8)
        #expect(n.dex(named: "uniswap-v2")?.router == (try Address("0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D")))
        #expect(n.dex(named: "sushiswap")?.factory == (try Address("0xC0AEe478e3658e2610c5F7A4A2E1777cE9e4f2Ac")))
        #expect(n.dex(named: "balancer-v2")?.vault == (try Address("0xBA12222222228d8Ba445958a75a0704d566BF2C8")))
        // Balancer's classic 2021 pools are listed (math version 1); the pairs are discovered
        let pools = try #require(n.pools)
        #expect(pools.count == 3 && pools.allSatisfy { $0.kind == .weighted && $0.mathVersion == .v1 && $0.dex == "balancer-v2" })
        #expect(pools.allSatisfy { $0.poolId.map { Array($0.prefix(20)) } == $0.address.bytes })
        #expect(pools.allSatisfy { n.sources[$0.address] != nil })
        #expect(Set(pools.map(\.tokens)) == [["WBTC", "WETH"], ["USDC", "WETH"], ["DAI", "WETH"]])
        #expect(n.confirmations == 2 && n.wrappedNative == "WETH")
        #expect(n.gas.maxPriorityFeePerGas <= n.gas.maxFeePerGas)
        #expect(n.sources.count == 24)
        // Uniswap V3: the published contracts; pools found through getPool for pairs and fee tiers
        let v3 = try #require(n.uniswapV3)
        #expect(v3.factory == (try Address("0x1F98431c8aD98523631AE4a59f267346ea31F984")))
        #expect(v3.quoterV2 == (try Address("0x61fFE014bA17989E743c5F6cB21bF9697530B21e")))
        #expect(v3.tickLens == (try Address("0xbfd8137f7d1516D3ea5cA83523914859ec47F573")))
        #expect(v3.swapRouter02 == (try Address("0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45")))
        #expect(v3.pools.isEmpty && v3.discover.contains { Set($0.tokens) == ["WETH", "USDC"] && $0.fees.contains(500) })
        #expect([v3.factory, v3.quoterV2, v3.swapRouter02, v3.positionManager].allSatisfy { n.sources[$0] != nil })
        #expect(n.token("WETH")?.priceFeed == .init(address: try Address("0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419"), heartbeat: 3600))
        #expect(n.tokens.allSatisfy { $0.priceFeed != nil })
    }

    @Test func sepoliaFileIsValidAndSourced() throws {
        let n = try network("sepolia")
        #expect(n.chainId == 11_155_111 && !n.mainnet && !n.isLocal)
        #expect(n.rpcUrlEnv == "SEPOLIA_RPC_URL" && n.confirmations == 1)
        #expect(n.tokens.map(\.symbol) == ["WETH", "USDC"])
        #expect(n.dexes.map(\.name) == ["uniswap-v2", "balancer-v2"])
        #expect(n.tokenList.map(\.address) == n.tokens.map(\.address))
        // Uniswap's Sepolia column lists no TickLens: the contracts are there, no pool is read.
        let v3 = try #require(n.uniswapV3)
        #expect(v3.factory == (try Address("0x0227628f3F023bb0B980b67D528571c95c6DaC1c")))
        #expect(v3.tickLens == nil && v3.pools.isEmpty && v3.discover.isEmpty)
        #expect([v3.factory, v3.quoterV2, v3.swapRouter02, v3.positionManager].allSatisfy { n.sources[$0]?.contains("docs.uniswap.org") == true })
    }

    @Test func devnetLikeFixture() throws {
        let n = try NetworkConfig.load(path: fixturePath("network_devnet_like.json"))
        #expect(n.isLocal && n.sources.isEmpty)  // local networks need no sources
        #expect(n.defaultRpcUrl == "http://127.0.0.1:8545")
        let pools = try #require(n.pools)
        #expect(pools.count == 2)
        #expect(pools[0].kind == .constantProduct && pools[0].feeBps == 30 && pools[0].tokens == ["WETH", "USDC"])
        #expect(pools[1].kind == .weighted && pools[1].poolId?.count == 32 && pools[1].tokens.count == 3)
        #expect(n.gas.maxFeePerGas == 300_000_000_000)
    }

    /// The devnet's Uniswap V3 section: fee tiers with their spacings; a wrong one names its field.
    @Test func uniswapV3Section() throws {
        let path = Self.repoRoot.appendingPathComponent("networks/devnet.json").path
        let v3 = try #require(try network("devnet").uniswapV3)
        #expect(v3.pools.count == 7)
        #expect(v3.pool("WETH", "USDC", fee: 500)?.tickSpacing == 10 && v3.pool("USDC", "USDT", fee: 100)?.tickSpacing == 1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func refusal(_ from: String, _ to: String) -> String {
            do {
                _ = try NetworkConfig.decode(Data(text.replacingOccurrences(of: from, with: to).utf8), file: "devnet.json")
                return "accepted"
            } catch { return error.description }
        }
        #expect(refusal("\"fee\": 500,", "\"fee\": 501,").hasPrefix("devnet.json: uniswapV3.pools[0].fee: 501 is not a fee tier"))
        #expect(refusal("\"tickSpacing\": 10", "\"tickSpacing\": 60").hasPrefix("devnet.json: uniswapV3.pools[0].tickSpacing: fee 500 has tick spacing 10"))
        #expect(refusal("\"quoterV2\"", "\"quoter\"") == "devnet.json: uniswapV3.quoter: unknown field \"quoter\"")
        // The window of bitmap words read either side of the price: 3 unless the file says otherwise.
        #expect(v3.windowWords == 3)
        let wider = try NetworkConfig.decode(Data(text.replacingOccurrences(of: "\"pools\": [\n      {\n        \"address\": \"0xB97c", with: "\"windowWords\": 5, \"pools\": [\n      {\n        \"address\": \"0xB97c").utf8), file: "devnet.json")
        #expect(wider.uniswapV3?.windowWords == 5)
        #expect(refusal("\"tickLens\":", "\"windowWords\": 17, \"tickLens\":") == "devnet.json: uniswapV3.windowWords: must be 0 to 16 bitmap words, got 17")
        #expect(refusal("\"tickLens\":", "\"windowWords\": -1, \"tickLens\":") == "devnet.json: uniswapV3.windowWords: must be 0 to 16 bitmap words, got -1")
        // Pairs and fee tiers to discover, each checked.
        func discovering(_ item: String) -> String { refusal("\"tickLens\":", "\"discover\": [\(item)], \"tickLens\":") }
        #expect(discovering("{\"tokens\": [\"WETH\", \"USDC\"], \"fees\": [500, 3000]}") == "accepted")
        #expect(discovering("{\"tokens\": [\"WETH\", \"USDC\"], \"fees\": [501]}") == "devnet.json: uniswapV3.discover[0].fees[0]: 501 is not a fee tier (100, 500, 3000, 10000)")
        #expect(discovering("{\"tokens\": [\"WETH\", \"USDC\"], \"fees\": [500, 500]}") == "devnet.json: uniswapV3.discover[0].fees[1]: fee 500 listed twice")
        #expect(discovering("{\"tokens\": [\"WETH\", \"USDC\"], \"fees\": []}").hasPrefix("devnet.json: uniswapV3.discover[0].fees: list at least one"))
        #expect(discovering("{\"tokens\": [\"WETH\", \"XYZ\"], \"fees\": [500]}") == "devnet.json: uniswapV3.discover[0].tokens: unknown token \"XYZ\"")
        #expect(discovering("{\"tokens\": [\"WETH\", \"WETH\"], \"fees\": [500]}") == "devnet.json: uniswapV3.discover[0].tokens: a Uniswap V3 pool has exactly 2 distinct tokens")
        #expect(discovering("{\"tokens\": [\"WETH\", \"USDC\"], \"fee\": [500]}") == "devnet.json: uniswapV3.discover[0].fee: unknown field \"fee\"")
        // Pools are read through TickLens: listing some without it is refused.
        let lens = "\"tickLens\": \"\(v3.tickLens?.checksummed ?? "")\","
        #expect(refusal(lens, "") == "devnet.json: uniswapV3.tickLens: missing: pools are read through TickLens (list none without it)")
    }

    @Test func loadByNameFindsTheRepositoryFiles() throws {
        // From the test binary inside .build, the package root is found by walking up.
        let n = try NetworkConfig.load(name: "sepolia")
        #expect(n.chainId == 11_155_111)
        let paths = NetworkConfig.candidatePaths(name: "x", currentDirectory: "/nowhere", executablePath: Self.repoRoot.appendingPathComponent(".build/debug/tool").path)
        #expect(paths == ["/nowhere/networks/x.json", Self.repoRoot.appendingPathComponent("networks/x.json").path])
        #expect(throws: NetworkConfigError.self) { try NetworkConfig.load(name: "../etc/passwd") }
        do { _ = try NetworkConfig.load(name: "no-such-network"); Issue.record("found a missing network") } catch {
            #expect(error.file == "networks/no-such-network.json" && error.message.hasPrefix("not found"))
        }
    }

    /// Breaks one field of the devnet-like fixture and returns the error text.
    func breaking(_ change: (inout [String: Any]) -> Void) throws -> String {
        var o = try #require(try JSONSerialization.jsonObject(with: fixtureData("network_devnet_like.json")) as? [String: Any])
        change(&o)
        let data = try JSONSerialization.data(withJSONObject: o)
        do { _ = try NetworkConfig.decode(data, file: "networks/x.json"); return "no error" } catch { return error.description }
    }

    func editing(_ key: String, _ index: Int, _ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { o in
            var list = o[key] as? [[String: Any]] ?? []
            change(&list[index])
            o[key] = list
        }
    }

    @Test func errorsNameFileAndField() throws {
        #expect(try breaking { $0["chainId"] = nil } == "networks/x.json: chainId: missing")
        #expect(try breaking(editing("tokens", 1) { $0["address"] = "0x9fe46736679d2D9a65F0992F2272dE9f3c7fa6e0" })
            .hasPrefix("networks/x.json: tokens[1].address: address 0x9fe46736679d2D9a65F0992F2272dE9f3c7fa6e0 has a wrong EIP-55 checksum"))
        #expect(try breaking(editing("tokens", 1) { $0["address"] = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0" })
            == "networks/x.json: tokens[1].address: address 0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0 is not in EIP-55 checksum form (expected 0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0)")
        #expect(try breaking { $0["multicall3"] = "0x1234" } == "networks/x.json: multicall3: an address has 20 bytes (40 hex digits), got 4 hex digits")
        #expect(try breaking(editing("pools", 0) { $0["tokens"] = ["WETH", "WETX"] }) == "networks/x.json: pools[0].tokens: unknown token \"WETX\"")
        #expect(try breaking(editing("tokens", 2) { $0["symbol"] = "WETH" }) == "networks/x.json: tokens[2].symbol: duplicate symbol \"WETH\"")
        #expect(try breaking { $0["gas"] = ["maxFeePerGas": "3e11", "maxPriorityFeePerGas": "1"] }
            == "networks/x.json: gas.maxFeePerGas: not a decimal integer: \"3e11\"")
        #expect(try breaking { $0["gas"] = ["maxFeePerGas": 1.5, "maxPriorityFeePerGas": "1"] }.hasPrefix("networks/x.json: gas.maxFeePerGas: "))
        #expect(try breaking { $0["gas"] = ["maxFeePerGas": "10", "maxPriorityFeePerGas": "11"] }
            == "networks/x.json: gas.maxPriorityFeePerGas: exceeds maxFeePerGas")
        #expect(try breaking(editing("pools", 1) { $0["dex"] = "curve" }) == "networks/x.json: pools[1].dex: unknown DEX \"curve\" (not in dexes)")
        #expect(try breaking(editing("pools", 1) { $0["kind"] = "constant-product" })
            == "networks/x.json: pools[1].kind: \"constant-product\" pool on DEX \"balancer-v2\" of kind \"weighted\"")
        #expect(try breaking(editing("pools", 0) { $0["tokens"] = ["WETH", "USDC", "WBTC"] })
            == "networks/x.json: pools[0].tokens: a constant-product pool has exactly 2 tokens, got 3")
        #expect(try breaking(editing("pools", 1) { $0["poolId"] = "0x12" }).hasPrefix("networks/x.json: pools[1].poolId: a pool id is 0x + 64 hex digits"))
        #expect(try breaking(editing("pools", 1) { $0["mathVersion"] = 3 })
            == "networks/x.json: pools[1].mathVersion: must be 1 (Balancer's 2021 factories) or 2, got 3")
        #expect(try breaking(editing("dexes", 0) { $0["router"] = nil }) == "networks/x.json: dexes[0].router: missing (a constant-product DEX needs its router)")
        #expect(try breaking { $0["wrappedNative"] = "WMATIC" } == "networks/x.json: wrappedNative: unknown token \"WMATIC\"")
        #expect(try breaking { $0["rpcUrlEnv"] = "rpc url" }.hasPrefix("networks/x.json: rpcUrlEnv: "))
        #expect(try breaking { $0["confirmations"] = -1 }.hasPrefix("networks/x.json: confirmations: "))
        #expect(try breaking { $0["chainId"] = 1 } == "networks/x.json: mainnet: chain id 1 is Ethereum mainnet: set \"mainnet\": true")
        #expect(try breaking { _ in } == "no error")
        // A token's price feed (read by the rebalancing vault): a checksummed address and a heartbeat it accepts.
        let feed = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed, "heartbeat": 3600] }) == "no error")
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed.lowercased(), "heartbeat": 3600] })
            .hasPrefix("networks/x.json: tokens[0].priceFeed.address: address \(feed.lowercased()) is not in EIP-55 checksum form"))
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed, "heartbeat": 0] })
            == "networks/x.json: tokens[0].priceFeed.heartbeat: must be 1 to 604800 seconds")
        #expect(try breaking(editing("tokens", 1) { $0["priceFeed"] = ["address": feed, "heartbeat": 604_801] })
            == "networks/x.json: tokens[1].priceFeed.heartbeat: must be 1 to 604800 seconds")
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed] }) == "networks/x.json: tokens[0].priceFeed.heartbeat: missing")
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed, "heartbeat": 3600, "heartbeats": 60] })
            == "networks/x.json: tokens[0].priceFeed.heartbeats: unknown field \"heartbeats\"")
        #expect(try breaking(editing("tokens", 0) { $0["priceFeed"] = ["address": feed, "heartbeat": "1h"] })
            .hasPrefix("networks/x.json: tokens[0].priceFeed.heartbeat: "))
        // A public network (no local default URL) must say where each address was published.
        #expect(try breaking { $0["defaultRpcUrl"] = nil }
            == "networks/x.json: sources: a public network needs a published source for multicall3 0x5FbDB2315678afecb367f032d93F642f64180aa3")
        #expect(try breaking { $0["defaultRpcUrl"] = "https://rpc.example.org" }.hasPrefix("networks/x.json: defaultRpcUrl: only local networks"))
        #expect(try breaking { $0["sources"] = ["0x5FbDB2315678afecb367f032d93F642f64180aa3": " "] }
            == "networks/x.json: sources.0x5FbDB2315678afecb367f032d93F642f64180aa3: an empty source")
        do { _ = try NetworkConfig.decode(Data("[1]".utf8), file: "networks/y.json"); Issue.record("accepted an array") } catch {
            #expect(error.file == "networks/y.json")
        }
    }

    /// Private submission by default on mainnet, public elsewhere; a network file may choose.
    @Test func sendViaDefaultsAndChecks() throws {
        #expect(try network("mainnet").defaultSendVia == "flashbots")
        #expect(try network("devnet").defaultSendVia == "public")
        #expect(try breaking { $0["sendVia"] = "flashbot" }.hasPrefix("networks/x.json: sendVia: \"flashbot\" is not public, flashbots, mevblocker"))
        #expect(try breaking { $0["sendVia"] = "flashbots,public" }.hasPrefix("networks/x.json: sendVia: \"public\""))
        #expect(try breaking { $0["sendVia"] = "mevblocker,https://relay.example" } == "no error")
    }

    @Test func everyMainnetAddressNeedsItsSource() throws {
        let url = Self.repoRoot.appendingPathComponent("networks/mainnet.json")
        var o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var sources = o["sources"] as? [String: String] ?? [:]
        sources["0xBA12222222228d8Ba445958a75a0704d566BF2C8"] = nil
        o["sources"] = sources
        let data = try JSONSerialization.data(withJSONObject: o)
        do { _ = try NetworkConfig.decode(data, file: "networks/mainnet.json"); Issue.record("accepted") } catch {
            #expect(error.description == "networks/mainnet.json: sources: a public network needs a published source for dexes[2].vault 0xBA12222222228d8Ba445958a75a0704d566BF2C8")
        }
    }
}
