import EthCore
import Market

/// How the router searches and what it charges for gas.
public struct RouteOptions: Sendable, Equatable {
    /// Longest path, in hops.
    public var maxHops: Int
    /// Candidate paths kept after ranking by a quick single-path quote (bounds the work in dense graphs).
    public var maxCandidatePaths: Int
    /// Most parallel legs in one route.
    public var maxLegs: Int
    /// Slippage bound for `minOut`, in basis points of `amountOut`.
    public var slippageBps: UInt64
    /// Price of one unit of gas in wei (base fee plus priority fee). Zero makes gas free.
    public var gasPriceWei: UInt256
    /// Value of 1 wei of the native token in raw units of the output token (from the caller's prices).
    public var outputPerNativeWei: Double
    /// Gas a leg costs besides its hops (the call into the first pool, the input transfer).
    public var legOverheadGas: UInt64
    /// Gas a step of a step route costs besides its pool's hop: nothing in the vault (every hop is
    /// a vault step there anyway); in EOA mode a step is its own transaction, which this default
    /// does not price.
    public var stepOverheadGas: UInt64
    /// Whether to solve the flow over all candidate pools at once (step routes); off leaves only the
    /// split over pool-disjoint paths (for comparisons).
    public var flowNetwork: Bool
    /// EOA mode: the gas of one token approval, and the spender each pool's swaps go through (pool
    /// address → its DEX's router or the Balancer vault). A step route's steps each spend a fixed
    /// amount of a token earlier steps bought, so each distinct (bought token, spender) pair it
    /// spends through is one more approval than plain legs need (those approve the sell token only,
    /// as every route does); zero, the default, prices none (the vault holds its own allowances).
    public var approvalGas: UInt64 = 0
    public var spenders: [Address: Address] = [:]
    /// Whose gas figures price each hop: the vault's steps (the default) or, in EOA mode, the DEX
    /// routers' swaps (a V3 hop's base and per-tick cost differ between them).
    public var gasTable: GasTable = .vault

    public init(
        maxHops: Int = 3, maxCandidatePaths: Int = 64, maxLegs: Int = 64, slippageBps: UInt64 = 50,
        gasPriceWei: UInt256 = .zero, outputPerNativeWei: Double = 0, legOverheadGas: UInt64 = GasModel.legOverhead,
        stepOverheadGas: UInt64 = GasModel.legOverhead, flowNetwork: Bool = true
    ) {
        self.maxHops = maxHops
        self.maxCandidatePaths = maxCandidatePaths
        self.maxLegs = maxLegs
        self.slippageBps = slippageBps
        self.gasPriceWei = gasPriceWei
        self.outputPerNativeWei = outputPerNativeWei
        self.legOverheadGas = legOverheadGas
        self.stepOverheadGas = stepOverheadGas
        self.flowNetwork = flowNetwork
    }

    /// Rejects options the router cannot honour, naming the option.
    public func validated() throws(RoutingError) -> RouteOptions {
        guard maxHops >= 1 else { throw .invalidOption(name: "maxHops", reason: "must be at least 1, got \(maxHops)") }
        guard maxCandidatePaths >= 1 else {
            throw .invalidOption(name: "maxCandidatePaths", reason: "must be at least 1, got \(maxCandidatePaths)")
        }
        guard maxLegs >= 1 else { throw .invalidOption(name: "maxLegs", reason: "must be at least 1, got \(maxLegs)") }
        guard slippageBps <= 10_000 else {
            throw .invalidOption(name: "slippageBps", reason: "must be at most 10000, got \(slippageBps)")
        }
        guard outputPerNativeWei.isFinite, outputPerNativeWei >= 0 else {
            throw .invalidOption(name: "outputPerNativeWei", reason: "must be a finite non-negative number, got \(outputPerNativeWei)")
        }
        return self
    }

    /// The value of `gas` units, in raw units of the output token.
    public func gasValue(_ gas: UInt64) -> Double {
        Double(gas) * gasPriceWei.doubleValue * outputPerNativeWei
    }
}
