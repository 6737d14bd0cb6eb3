import EthCore
import Foundation
import Market
import Testing
@testable import Execution

@Suite struct VaultCallsTests {
    static let owner = try! Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    static let op = try! Address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")

    @Test func deployCodeCarriesTheConstructorArguments() throws {
        let balancer = try Address("0x90F79bf6EB2c4f870365E785982E1f101E93b906")
        let code = try VaultCalls.deployCode(owner: Self.owner, operator: Self.op, balancerVault: balancer)
        let initCode = try Hex.decode(RebalancingVaultBytecode.hex)
        #expect(initCode.count > 1000)
        #expect(Array(code.prefix(initCode.count)) == initCode)
        #expect(Array(code.suffix(96)) == Self.owner.word + Self.op.word + balancer.word)
        let none = try VaultCalls.deployCode(owner: Self.owner, operator: Self.op, balancerVault: nil)
        #expect(Array(none.suffix(32)) == Address.zero.word)
    }

    @Test func selectorsMatchTheVaultInterface() {
        // Selectors published in the vault's interface notes (abi/RebalancingVault.json).
        #expect(Array(VaultCalls.setTokenAllowed(Self.owner, true).prefix(4)).hexString == "0x15f69012")
        #expect(Array(VaultCalls.allowPool(Self.owner, kind: .weighted, factory: nil).prefix(4)).hexString == "0xa82f134f")
        #expect(Array(VaultCalls.withdraw(token: Self.owner, amount: 1, to: Self.op).prefix(4)).hexString == "0x69328dec")
        #expect(Array(VaultCalls.setOperator(Self.op).prefix(4)).hexString == "0xb3ab15fb")
        // keccak256 of each signature, checked against abi/RebalancingVault.json by the names below
        let expected: [(String, [UInt8])] = [
            ("setFactoryAllowed(address,bool)", VaultCalls.setFactoryAllowed(Self.op, true)),
            ("setPriceFeed(address,address,uint256)", VaultCalls.setPriceFeed(token: Self.owner, feed: Self.op, heartbeat: 3600)),
            ("setLimits(uint256,uint256,uint256,uint256)", VaultCalls.setLimits(.defaults)),
            ("setGuardian(address)", VaultCalls.setGuardian(Self.op)),
            ("pause()", VaultCalls.pause),
            ("unpause()", VaultCalls.unpause),
            ("sweepETH(address)", VaultCalls.sweepETH(to: Self.op)),
        ]
        for (signature, data) in expected {
            #expect(Array(data.prefix(4)) == Array(Keccak256.hash(Array(signature.utf8)).prefix(4)), "\(signature)")
        }
        #expect(Array(VaultCalls.setLimits(.defaults).dropFirst(4)) == [100, 10, 30, 30].flatMap { UInt256(UInt64($0)).bigEndianBytes })
    }

    @Test func theSelectorsAreFunctionsOfTheCommittedABI() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let abi = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("abi/RebalancingVault.json"))) as? [[String: Any]])
        let names = Set(abi.compactMap { $0["type"] as? String == "function" ? $0["name"] as? String : nil })
        for name in ["setFactoryAllowed", "setPriceFeed", "setLimits", "setGuardian", "pause", "unpause", "sweepETH", "allowPool",
                     "nav", "budget", "valueOf", "priceFeed", "allowedTokens", "allowedTokenCount", "balancerVault"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test func allowlistCoversTheDevnetFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let network = try NetworkConfig.load(path: root.appendingPathComponent("networks/devnet.json").path)
        let calls = VaultCalls.allowlist(network: network)
        let v3 = try #require(network.uniswapV3)
        let factories = network.dexes.filter { $0.kind == .constantProduct }.count + 1
        #expect(network.tokens.allSatisfy { $0.priceFeed != nil })
        #expect(calls.count == factories + 2 * network.tokens.count + (network.pools?.count ?? 0) + v3.pools.count)
        // in sending order: factories, feeds, tokens, pools
        #expect(calls.map(\.stage) == calls.map(\.stage).sorted())
        let subset = VaultCalls.allowlist(network: network, tokens: ["WETH", "USDC"])
        #expect(subset.map(\.label).contains("allow token WETH"))
        #expect(subset.map(\.label).contains("set WETH price feed"))
        #expect(subset.allSatisfy { !$0.label.contains("WBTC") })
        // a pair names its own DEX's factory
        let sushi = try #require(network.dex(named: "sushiswap")?.factory)
        let sushiPair = try #require(network.pools?.first { $0.dex == "sushiswap" })
        let call = try #require(calls.first { $0.stage == .pool && $0.data == VaultCalls.allowPool(sushiPair.address, kind: .constantProduct, factory: sushi) })
        #expect(call.label.hasPrefix("allow sushiswap pool"))
        // V3 pools are kind 2 against the V3 factory, which is allowed among the factories
        #expect(calls.contains { $0.stage == .factory && $0.data == VaultCalls.setFactoryAllowed(v3.factory, true) })
        let v3Pool = try #require(v3.pool("WETH", "USDC", fee: 3000))
        let v3Call = try #require(calls.first { $0.data == VaultCalls.allowPool(v3Pool.address, kind: .concentratedLiquidity, factory: v3.factory) })
        #expect(v3Call.stage == .pool && v3Call.label == "allow uniswap-v3 pool USDC/WETH fee 3000")
        #expect(Array(v3Call.data.dropFirst(4 + 32).prefix(32)) == UInt256(2).bigEndianBytes)
        #expect(subset.filter { $0.label.hasPrefix("allow uniswap-v3 pool") }.count == v3.pools.filter { Set($0.tokens) == ["WETH", "USDC"] }.count)
        // labels are unique (the sender refuses duplicates): the devnet's two USDC/WETH/WBTC Balancer
        // pools (2021 and v4 factories) are told apart by address
        #expect(Set(calls.map(\.label)).count == calls.count)
        let sameTokens = calls.filter { $0.label.hasPrefix("allow balancer-v2 pool USDC/WETH/WBTC") }
        #expect(sameTokens.count == 2 && sameTokens.allSatisfy { $0.label.contains("0x") })
    }
}
