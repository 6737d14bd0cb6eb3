import EthCore

/// The functions the plan builder calls, from their published human-readable signatures
/// (ERC-20, Uniswap V2 Router02, Balancer V2 Vault, the project's RebalancingVault).
enum ContractFunctions {
    static let approveSignature = "approve(address,uint256)"
    static let swapExactTokensForTokensSignature =
        "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)(uint256[])"
    /// `swap(SingleSwap, FundManagement, limit, deadline) returns (amountCalculated)`.
    static let balancerSwapSignature =
        "swap((bytes32,uint8,address,address,uint256,bytes),(address,bool,address,bool),uint256,uint256)(uint256)"
    /// `batchSwap(kind, BatchSwapStep[], assets, FundManagement, limits, deadline) returns (assetDeltas)`.
    static let balancerBatchSwapSignature =
        "batchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool),int256[],uint256)(int256[])"
    /// `rebalance(Step[] steps, MinReceived[] minReceived, uint256 deadline)`, docs/VAULT.md.
    static let rebalanceSignature = "rebalance((address,address,address,uint256,uint256)[],(address,uint256)[],uint256)"

    static func function(_ signature: String) throws(PlanBuildError) -> ABIFunction {
        do {
            return try ABIFunction(signature: signature)
        } catch {
            throw .encoding("\(signature): \(error)")
        }
    }

    static func encode(_ signature: String, _ args: [ABIValue]) throws(PlanBuildError) -> [UInt8] {
        let f = try function(signature)
        do {
            return try f.encodeCall(args)
        } catch {
            throw .encoding("\(f.signature): \(error)")
        }
    }

    /// Balancer's SwapKind.GIVEN_IN.
    static let givenIn = UInt256.zero

    /// FundManagement(sender, fromInternalBalance = false, recipient, toInternalBalance = false).
    static func funds(_ account: Address) -> ABIValue {
        .tuple([.address(account), .bool(false), .address(account), .bool(false)])
    }
}
