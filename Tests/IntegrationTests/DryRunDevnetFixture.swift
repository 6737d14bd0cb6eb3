import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import Testing

/// Dev accounts 3–6 of the devnet (anvil's public test mnemonic: public devnet keys, not secrets) and
/// the rebalancing vault deployed from Swift for the dry-run tests.
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

    struct Missing: Error, CustomStringConvertible { let description: String }

    /// The vault's deploy bytecode as `python -m devnet` compiled it: `.build-devnet/artifacts-<key>.json`
    /// (the devnet compiles every contract in abi/contracts on start and caches the artifacts there).
    /// Reading the compiler's output keeps the test on the contract's current source without a
    /// committed copy of the bytecode that could go stale.
    static func vaultBytecode() throws -> [UInt8] {
        let dir = Devnet.repositoryRoot.appendingPathComponent(".build-devnet")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in files.sorted() where name.hasPrefix("artifacts-") && name.hasSuffix(".json") {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            guard let all = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let vault = all["RebalancingVault"] as? [String: Any], let hex = vault["bytecode"] as? String else { continue }
            return try Hex.decode(hex)
        }
        throw Missing(description: "no RebalancingVault bytecode under \(dir.path): start the devnet from this checkout (scripts/devnet-start) so it compiles abi/contracts")
    }

    static func word(_ a: Address) -> ABIValue { .address(a) }

    static func call(_ signature: String, _ args: [ABIValue]) throws -> [UInt8] {
        try ABIFunction(signature: signature).encodeCall(args)
    }

    /// Deploys the vault owned by account 3 with `operator`, allowlists every token and pool of the
    /// network file, and returns its address.
    static func deployVault(_ client: EthClient, network: NetworkConfig, operator: Address) throws -> Address {
        let owner = try account3()
        let args = try ABIEncoder.encode([.address, .address], [.address(owner.address), .address(`operator`)])
        let receipt = try Devnet.send(client, key: owner, to: nil, data: try vaultBytecode() + args, gasLimit: 8_000_000)
        #expect(receipt.status)
        let vault = try #require(receipt.contractAddress)
        for t in network.tokens {
            let r = try Devnet.send(client, key: owner, to: vault,
                                    data: try call("setTokenAllowed(address,bool)", [.address(t.address), .bool(true)]))
            #expect(r.status, "setTokenAllowed \(t.symbol)")
        }
        for p in network.pools ?? [] {
            let balancer = p.kind == .weighted ? (network.dex(named: p.dex)?.vault ?? .zero) : .zero
            let kind = UInt256(p.kind == .weighted ? 1 : 0)
            let r = try Devnet.send(client, key: owner, to: vault,
                                    data: try call("allowPool(address,uint8,address)", [.address(p.address), .uint(kind), .address(balancer)]),
                                    gasLimit: 2_000_000)
            #expect(r.status, "allowPool \(p.address)")
        }
        return vault
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
