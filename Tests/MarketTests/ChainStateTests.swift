import EthCore
import Foundation
import Testing
@testable import Market

@Suite struct ChainStateTests {
    func example() throws -> ChainState { try ChainState.load(path: fixturePath("chainstate_example.json")) }

    /// The example fixture as a mutable JSON object, to break one field at a time.
    func exampleObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: fixtureData("chainstate_example.json")) as? [String: Any])
    }

    func decodeError(_ object: [String: Any]) throws -> ChainStateError? {
        let data = try JSONSerialization.data(withJSONObject: object)
        do { _ = try ChainState.decode(data); return nil } catch { return error }
    }

    func pools(_ o: [String: Any]) -> [[String: Any]] { o["pools"] as? [[String: Any]] ?? [] }

    @Test func handWrittenExampleDecodes() throws {
        let s = try example()
        #expect(s.chainId == 31337)
        #expect(s.block.number == 1204 && s.block.timestamp == 1_764_000_000 && s.block.baseFeePerGas == 875_000_000)
        #expect(s.tokens.map(\.symbol) == ["WETH", "USDC", "WBTC"])
        #expect(s.token("USDC")?.decimals == 6)
        #expect(s.balance(of: "WETH") == .dec("12500000000000000000"))
        #expect(s.balance(of: "DAI") == .zero)
        let router = try Address("0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D")
        #expect(s.allowance(of: "USDC", spender: router) == .max)
        #expect(s.allowance(of: "WETH", spender: router) == .zero)
        #expect(s.owner == (try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")))
        #expect(s.priorityFeePerGas == 1_500_000_000 && s.nativeBalance == .dec("2000000000000000000"))
        #expect(s.pools.count == 2 && s.poolModels.count == 2)
        guard case .weighted(let w) = s.pools[1] else { Issue.record("pool 1 is not weighted"); return }
        #expect(w.decimals == [18, 8, 6])            // taken from the token list
        #expect(w.poolId.count == 32 && w.dex == "balancer-v2")
        #expect(s.pools(containing: "WBTC").count == 1)
        #expect(s.pools(between: "WETH", and: "USDC").count == 2)
        #expect(s.pools(between: "USDC", and: "WETH").map(\.address) == s.pools.map(\.address))
        #expect(s.pools(between: "WETH", and: "WETH").isEmpty)
        #expect(s.priceHistory?.quote == "USDC")
        #expect(s.priceHistory?.movingAverage(of: "WETH") == (2990.5 + 3001.25) / 2)
        // The models quote: 1 WETH through the Uniswap pair (token order USDC, WETH).
        let pair = try #require(s.pools(between: "WETH", and: "USDC").first)
        let i = try #require(pair.index(of: "WETH")), j = try #require(pair.index(of: "USDC"))
        #expect(pair.amountOut(.ten(18), from: i, to: j) == 2_988_020_943)
    }

    @Test func roundTripsThroughJSON() throws {
        let s = try example()
        let again = try ChainState.decode(s.jsonData())
        #expect(again == s)
        // Integers are decimal strings in the output, the small counters plain numbers.
        let text = try #require(String(data: s.jsonData(), encoding: .utf8))
        #expect(text.contains("\"baseFeePerGas\" : \"875000000\""))
        #expect(text.contains("\"chainId\" : 31337"))
        #expect(text.contains("\"kind\" : \"weighted\""))
        #expect(!text.contains("e+"))
        try s.validate()
        // A version-1 weighted pool keeps its math version; version 2, the default, is not written.
        var v1 = s
        for (k, pool) in v1.pools.enumerated() {
            if case .weighted(let w) = pool {
                v1.pools[k] = .weighted(try WeightedPool(address: w.address, poolId: w.poolId, tokens: w.tokens, decimals: w.decimals,
                                                         balances: w.balances, weights: w.weights, swapFee: w.swapFee, dex: w.dex,
                                                         mathVersion: .v1))
            }
        }
        let decodedV1 = try ChainState.decode(v1.jsonData())
        #expect(v1 != s && decodedV1 == v1)
        #expect((String(data: try v1.jsonData(), encoding: .utf8) ?? "").contains("\"mathVersion\" : 1"))
        #expect(!text.contains("mathVersion"))
        // A minimal snapshot (no optional fields) round-trips too, and omits them.
        let minimal = ChainState(chainId: 1, block: .init(number: 5, timestamp: 6, baseFeePerGas: 7), tokens: [], balances: [:], pools: [])
        #expect(try ChainState.decode(minimal.jsonData()) == minimal)
        #expect(!(String(data: try minimal.jsonData(), encoding: .utf8) ?? "").contains("allowances"))
    }

    @Test func writesAndLoadsAFile() throws {
        let s = try example()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chainstate-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try s.write(to: path)
        #expect(try ChainState.load(path: path) == s)
        #expect(throws: ChainStateError.self) { try ChainState.load(path: path + ".missing") }
    }

    @Test func errorsNameTheField() throws {
        func mutate(_ change: (inout [String: Any]) -> Void) throws -> String {
            var o = try exampleObject()
            change(&o)
            return try decodeError(o)?.description ?? "no error"
        }
        func mutatePool(_ k: Int, _ change: @escaping (inout [String: Any]) -> Void) throws -> String {
            try mutate { o in
                var ps = pools(o)
                change(&ps[k])
                o["pools"] = ps
            }
        }
        #expect(try mutatePool(0) { $0["reserves"] = ["1", "12x"] } == "pools[0].reserves[1]: not a decimal integer: \"12x\"")
        #expect(try mutatePool(1) { $0["tokens"] = ["WETX", "WBTC", "USDC"] } == "pools[1].tokens: unknown token \"WETX\"")
        #expect(try mutatePool(1) { $0["weights"] = ["400000000000000000", "300000000000000000", "300000000000000001"] }
            == "pools[1].weights: normalized weights sum to 1000000000000000001, not 1000000000000000000")
        #expect(try mutatePool(1) { $0["weights"] = ["990000000000000000", "5000000000000000", "5000000000000000"] }
            .hasPrefix("pools[1].weights[1]: 5000000000000000 is below the 1 % minimum"))
        #expect(try mutatePool(0) { $0["tokens"] = ["USDC", "WETH", "WBTC"] }
            == "pools[0].tokens: a constant-product pool has exactly 2 tokens, got 3")
        #expect(try mutatePool(0) { $0["reserves"] = ["1"] } == "pools[0].reserves: a constant-product pool has exactly 2 reserves, got 1")
        #expect(try mutatePool(0) { $0["kind"] = "stable" }.hasPrefix("pools[0].kind: unknown pool kind \"stable\""))
        #expect(try mutatePool(0) { $0["feeBps"] = nil } == "pools[0].feeBps: missing")
        #expect(try mutatePool(1) { $0["poolId"] = "0x1234" }.hasPrefix("pools[1].poolId: a pool id is 0x + 64 hex digits"))
        #expect(try mutatePool(1) { $0["balances"] = ["1", "2"] } == "pools[1].balances: 2 balances for 3 tokens")
        #expect(try mutatePool(1) { $0["swapFee"] = "1000000000000000000" } == "pools[1].swapFee: must be below 1e18 (100 %)")
        #expect(try mutatePool(1) { $0["mathVersion"] = 0 } == "pools[1].mathVersion: must be 1 (Balancer's 2021 factories) or 2, got 0")
        #expect(try mutatePool(1) { $0["tokens"] = ["WETH", "WETH", "USDC"] } == "pools[1].tokens[1]: \"WETH\" appears twice in one pool")
        #expect(try mutatePool(1) { $0["address"] = "0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc" }
            == "pools[1].address: duplicate pool address 0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc")
        #expect(try mutatePool(0) { $0["address"] = "0xb4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc" }.hasPrefix("pools[0].address: address 0xb4e16d"))
        #expect(try mutate { o in
            var ts = o["tokens"] as? [[String: Any]] ?? []
            ts[2]["symbol"] = "WETH"
            o["tokens"] = ts
        } == "tokens[2].symbol: duplicate symbol \"WETH\"")
        #expect(try mutate { o in
            var ts = o["tokens"] as? [[String: Any]] ?? []
            ts[1]["decimals"] = "six"
            o["tokens"] = ts
        }.hasPrefix("tokens[1].decimals: "))
        #expect(try mutate { o in
            var ts = o["tokens"] as? [[String: Any]] ?? []
            ts[2]["decimals"] = 24
            o["tokens"] = ts
        } == "pools[1].tokens[1]: \"WBTC\" has 24 decimals; Balancer pools support at most 18")
        #expect(try mutatePool(1) { $0["tokens"] = ["WETH"]; $0["balances"] = ["1"]; $0["weights"] = ["1000000000000000000"] }
            == "pools[1].tokens: a weighted pool has 2 to 8 tokens, got 1")
        #expect(try mutate { $0["balances"] = ["DAI": "1"] } == "balances.DAI: unknown token \"DAI\"")
        #expect(try mutate { $0["balances"] = ["WETH": "-1"] } == "balances.WETH: not a decimal integer: \"-1\"")
        #expect(try mutate { $0["balances"] = ["WETH": 1.5] }.hasPrefix("balances.WETH: "))
        #expect(try mutate { $0["chainId"] = nil } == "chainId: missing")
        #expect(try mutate { $0["block"] = ["number": 1, "timestamp": 2] } == "block.baseFeePerGas: missing")
        #expect(try mutate { $0["owner"] = "0x1234" }.hasPrefix("owner: an address has 20 bytes"))
        #expect(try mutate { $0["allowances"] = ["USDC": ["not-an-address": "1"]] }.hasPrefix("allowances.USDC.not-an-address: "))
        #expect(try mutate { $0["priceHistory"] = ["quote": "EUR", "samples": []] } == "priceHistory.quote: unknown token \"EUR\"")
        #expect(try mutate { $0["priceHistory"] = ["quote": "USDC", "samples": [["timestamp": 5, "prices": ["WETH": -1.0]]]] }
            == "priceHistory.samples[0].prices.WETH: a price must be a positive finite number")
        #expect(try decodeError(["chainId": 1]) != nil)
        do { _ = try ChainState.decode(Data("{not json".utf8)); Issue.record("accepted bad JSON") } catch {
            #expect(error.description == "not valid JSON (invalid JSON at byte 1: expected an object key)")
        }
        // A number beyond a Double can make Foundation refuse the whole document; the explanation names its field.
        #expect(InvalidJSON.describe(Data(#"{"a": {"b": [1, 1e999]}}"#.utf8)) == "a.b[1]: the number 1e999 is out of range")
        #expect(InvalidJSON.describe(Data()) == "the file is empty")
        // A file error names the file.
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: bad) }
        var o = try exampleObject()
        o["balances"] = ["WETX": "1"]
        try JSONSerialization.data(withJSONObject: o).write(to: URL(fileURLWithPath: bad))
        do { _ = try ChainState.load(path: bad); Issue.record("accepted a bad file") } catch {
            #expect(error.description == "\(bad): balances.WETX: unknown token \"WETX\"")
        }
    }

    @Test func validateChecksValuesBuiltInCode() throws {
        var s = try example()
        s.pools.append(.constantProduct(try ConstantProductPool(address: .zero, tokens: ["WETH", "DAI"], reserves: [1, 2])))
        #expect(throws: ChainStateError(field: "pools[2].tokens", message: "unknown token \"DAI\"")) { try s.validate() }
    }
}
