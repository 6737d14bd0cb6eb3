import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import Testing

/// Dev accounts 3–5 of the devnet (anvil's public test mnemonic: public devnet keys, not secrets) and
/// the rebalancing vault deployed from Swift (the Swift signer over the Swift RPC client) for the dry-run tests.
enum DryRunDevnet {
    static func key(_ hex: String, _ name: String) throws -> PrivateKey { try PrivateKey(hex: hex, source: name) }

    /// Vault owner (public devnet key, not a secret).
    static func account3() throws -> PrivateKey {
        try key("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", "dev account 3")
    }
    /// Vault operator: only its address is used (public devnet key, not a secret).
    static func account4() throws -> PrivateKey {
        try key("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a", "dev account 4")
    }
    /// EOA-mode operator: holds the dev accounts' fixture tokens (public devnet key, not a secret).
    static func account5() throws -> PrivateKey {
        try key("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba", "dev account 5")
    }

    struct NoPool: Error, CustomStringConvertible {
        let tokens: [String]
        var description: String { "no weighted pool \(tokens.joined(separator: "/")) in the loaded state" }
    }

    static func call(_ signature: String, _ args: [ABIValue]) throws -> [UInt8] {
        try ABIFunction(signature: signature).encodeCall(args)
    }

    /// Deploys the vault owned by account 3 with `operator` (Execution's `VaultCalls`: the compiled
    /// bytecode and the owner's allowlisting calls), allowlists every token and pool of the network
    /// file, and returns its address.
    static func deployVault(_ client: EthClient, network: NetworkConfig, operator: Address) throws -> Address {
        let owner = try account3()
        let receipt = try Devnet.send(client, key: owner, to: nil, data: try VaultCalls.deployCode(
            owner: owner.address, operator: `operator`, balancerVault: VaultCalls.balancerVault(of: network)), gasLimit: 8_000_000)
        #expect(receipt.status)
        let vault = try #require(receipt.contractAddress)
        for (label, _, data) in VaultCalls.allowlist(network: network) {
            // allowPool on a weighted pool reads the Balancer vault: more than the default 500k gas.
            let r = try Devnet.send(client, key: owner, to: vault, data: data, gasLimit: 2_000_000)
            #expect(r.status, "\(label)")
        }
        // These tests check the dry run's exactness on a plan that trades half the vault in one
        // call, on pools the other suites move away from the devnet's fixed feed prices: the
        // vault's limits are opened (they are tested in devnet/tests/test_vault_bounds.py).
        let wide = VaultCalls.Limits(maxLossBps: 500, maxCallPercent: 100, maxDailyPercent: 100, maxDailyLossBps: 500)
        let limits = try Devnet.send(client, key: owner, to: vault, data: VaultCalls.setLimits(wide))
        #expect(limits.status)
        return vault
    }

    /// Wraps `whole` fresh ETH of account 3 and moves the WETH into `vault` (fresh ETH each time, so
    /// repeated runs do not drain the account's fixture WETH).
    static func fundWithWrappedEther(_ client: EthClient, network: NetworkConfig, vault: Address, whole: UInt256) throws {
        let owner = try account3()
        let weth = try #require(network.token("WETH"))
        let wrap = try Devnet.send(client, key: owner, to: weth.address, data: try call("deposit()", []), value: whole * weth.token.unit)
        #expect(wrap.status)
        try transfer(client, key: owner, token: weth.address, to: vault, amount: whole * weth.token.unit)
    }

    /// ERC-20 `transfer` from `key` (USDT returns nothing: only the receipt's status counts).
    static func transfer(_ client: EthClient, key: PrivateKey, token: Address, to: Address, amount: UInt256) throws {
        let r = try Devnet.send(client, key: key, to: token, data: try call("transfer(address,uint256)", [.address(to), .uint(amount)]))
        #expect(r.status)
    }

    static func approve(_ client: EthClient, key: PrivateKey, token: Address, spender: Address, amount: UInt256) throws {
        let r = try Devnet.send(client, key: key, to: token, data: try call("approve(address,uint256)", [.address(spender), .uint(amount)]))
        #expect(r.status)
    }

    static func balance(_ client: EthClient, token: Address, of owner: Address) throws -> UInt256 {
        let out = try client.call(to: token, data: try call("balanceOf(address)", [.address(owner)]), block: .latest)
        return UInt256(bigEndian: out.prefix(32)) ?? .zero
    }
}
