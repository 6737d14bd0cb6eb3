import EthCore
import Market

/// One `Step` of `RebalancingVault.rebalance`, with what the plan expects of it.
public struct VaultStep: Sendable, Codable, Hashable {
    public var pool: Address
    public var tokenIn: Address
    public var tokenOut: Address
    /// Explicit input for a leg's first hop; 0 = "all of the previous step's output" for later hops.
    public var amountIn: UInt256
    public var minAmountOut: UInt256
    /// The exact quoted output (the pool's integer math at the plan's block, after earlier steps).
    public var quotedOut: UInt256
    /// The exact quoted input (equal to `amountIn` on a leg's first hop).
    public var quotedIn: UInt256
    /// Pairs and V3 pools revert "min out: step i" below `minAmountOut`; weighted pools "BAL#507".
    public var poolKind: PoolKind
    public var symbolIn: String
    public var symbolOut: String
    public var routeIndex: Int
    public var legIndex: Int
    public var hopIndex: Int

    /// The tuple the vault decodes: (pool, tokenIn, tokenOut, amountIn, minAmountOut).
    func abiValue(minAmountOut: UInt256) -> ABIValue {
        .tuple([.address(pool), .address(tokenIn), .address(tokenOut), .uint(amountIn), .uint(minAmountOut)])
    }
}

/// One `MinReceived` entry: the vault's balance of `token` must grow by at least `amount`.
public struct VaultMinReceived: Sendable, Codable, Hashable {
    public var token: Address
    public var symbol: String
    public var amount: UInt256
}

/// The single `rebalance(steps, minReceived, deadline)` call of a vault-mode plan, kept as data so
/// the simulator can re-encode it with other bounds (the per-step exactness probes).
public struct VaultRebalanceCall: Sendable, Codable, Hashable {
    public static let maxSteps = 32
    public static let maxMinReceived = 16

    public var vault: Address
    public var steps: [VaultStep]
    public var minReceived: [VaultMinReceived]
    public var deadline: UInt64

    /// The calldata as planned.
    public func calldata() throws(PlanBuildError) -> [UInt8] {
        try calldata(minAmountOuts: steps.map(\.minAmountOut), minReceived: minReceived)
    }

    /// The same call with other per-step bounds (one per step) and other post-conditions.
    public func calldata(minAmountOuts: [UInt256], minReceived: [VaultMinReceived]) throws(PlanBuildError) -> [UInt8] {
        guard minAmountOuts.count == steps.count else {
            throw .encoding("\(minAmountOuts.count) bounds for \(steps.count) steps")
        }
        let stepValues = zip(steps, minAmountOuts).map { $0.abiValue(minAmountOut: $1) }
        let received = minReceived.map { ABIValue.tuple([.address($0.token), .uint($0.amount)]) }
        return try ContractFunctions.encode(
            ContractFunctions.rebalanceSignature,
            [.array(stepValues), .array(received), .uint(UInt256(deadline))])
    }
}
