import EthCore
import Foundation
import Market
import Testing
@testable import Execution

@Suite struct VaultCallsTests {
    static let owner = try! Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    static let op = try! Address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")

    @Test func deployCodeCarriesTheConstructorArguments() throws {
        let code = VaultCalls.deployCode(owner: Self.owner, operator: Self.op)
        let initCode = try Hex.decode(RebalancingVaultBytecode.hex)
        #expect(initCode.count > 1000)
        #expect(Array(code.prefix(initCode.count)) == initCode)
        #expect(Array(code.suffix(64)) == Self.owner.word + Self.op.word)
    }

    @Test func selectorsMatchTheVaultInterface() {
        // Selectors published in the vault's interface notes (abi/RebalancingVault.json).
        #expect(Array(VaultCalls.setTokenAllowed(Self.owner, true).prefix(4)).hexString == "0x15f69012")
        #expect(Array(VaultCalls.allowPool(Self.owner, kind: .weighted, balancerVault: Self.op).prefix(4)).hexString == "0xa82f134f")
        #expect(Array(VaultCalls.withdraw(token: Self.owner, amount: 1, to: Self.op).prefix(4)).hexString == "0x69328dec")
        #expect(Array(VaultCalls.setOperator(Self.op).prefix(4)).hexString == "0xb3ab15fb")
    }

    @Test func allowlistCoversTheDevnetFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let network = try NetworkConfig.load(path: root.appendingPathComponent("networks/devnet.json").path)
        let calls = VaultCalls.allowlist(network: network)
        #expect(calls.count == network.tokens.count + (network.pools?.count ?? 0))
        let subset = VaultCalls.allowlist(network: network, tokens: ["WETH", "USDC"])
        #expect(subset.map(\.label).contains("allow token WETH"))
        #expect(subset.allSatisfy { !$0.label.contains("WBTC") })
    }
}
