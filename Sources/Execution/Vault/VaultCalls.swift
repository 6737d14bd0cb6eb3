import EthCore
import Market

/// Calldata for the rebalancing vault's owner functions and its deployment (see
/// abi/contracts/RebalancingVault.vy). Pure: the sender signs and sends what this builds.
public enum VaultCalls {
    public enum PoolKind: UInt8, Sendable {
        case constantProduct = 0
        case weighted = 1
    }

    // Constant signatures: a typo here fails every test that touches the vault, never a user.
    static let setTokenAllowedFn = try! ABIFunction(signature: "setTokenAllowed(address,bool)")
    static let allowPoolFn = try! ABIFunction(signature: "allowPool(address,uint8,address)")
    static let withdrawFn = try! ABIFunction(signature: "withdraw(address,uint256,address)")
    static let setOperatorFn = try! ABIFunction(signature: "setOperator(address)")
    static let ownerFn = try! ABIFunction(signature: "owner()(address)")
    static let operatorFn = try! ABIFunction(signature: "operator()(address)")

    /// Init code followed by the ABI-encoded constructor arguments `(owner, operator)`.
    public static func deployCode(owner: Address, operator: Address) -> [UInt8] {
        // The generated constant is hex the build checks (devnet/tests/test_vault_artifacts.py).
        let code = (try? Hex.decode(RebalancingVaultBytecode.hex)) ?? []
        return code + owner.word + `operator`.word
    }

    public static func setTokenAllowed(_ token: Address, _ allowed: Bool) -> [UInt8] {
        (try? setTokenAllowedFn.encodeCall([.address(token), .bool(allowed)])) ?? []
    }

    public static func allowPool(_ pool: Address, kind: PoolKind, balancerVault: Address?) -> [UInt8] {
        (try? allowPoolFn.encodeCall([.address(pool), .uint(UInt256(UInt64(kind.rawValue))), .address(balancerVault ?? .zero)])) ?? []
    }

    public static func withdraw(token: Address, amount: UInt256, to: Address) -> [UInt8] {
        (try? withdrawFn.encodeCall([.address(token), .uint(amount), .address(to)])) ?? []
    }

    public static func setOperator(_ operator: Address) -> [UInt8] {
        (try? setOperatorFn.encodeCall([.address(`operator`)])) ?? []
    }

    public static var ownerCall: [UInt8] { (try? ownerFn.encodeCall([])) ?? [] }
    public static var operatorCall: [UInt8] { (try? operatorFn.encodeCall([])) ?? [] }

    /// The owner's allowlisting calls for every token and pool of a network file, labelled.
    public static func allowlist(network: NetworkConfig, tokens symbols: Set<String>? = nil) -> [(label: String, data: [UInt8])] {
        var calls: [(String, [UInt8])] = []
        for token in network.tokens where symbols?.contains(token.symbol) ?? true {
            calls.append(("allow token \(token.symbol)", setTokenAllowed(token.address, true)))
        }
        for pool in network.pools ?? [] {
            if let symbols, !pool.tokens.allSatisfy(symbols.contains) { continue }
            let pair = pool.tokens.joined(separator: "/")
            switch pool.kind {
            case .constantProduct:
                calls.append(("allow \(pool.dex) pool \(pair)", allowPool(pool.address, kind: .constantProduct, balancerVault: nil)))
            case .weighted:
                guard let vault = network.dex(named: pool.dex)?.vault else { continue }
                calls.append(("allow \(pool.dex) pool \(pair)", allowPool(pool.address, kind: .weighted, balancerVault: vault)))
            }
        }
        return calls
    }
}
