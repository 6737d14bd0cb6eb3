import EthCore

/// Everything the computing stages need about the chain at one pinned block: the portfolio's
/// balances, the pools' reserves/balances, weights and fees, and the fee market. Built by the
/// state loader from a node, or decoded from a snapshot file (`rebalancer snapshot`, or written by
/// hand for what-if planning); both give the same plan. Decoding validates (see
/// `ChainStateCoding.swift`); `validate()` checks a value built in code the same way.
public struct ChainState: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        public var number: UInt64
        public var timestamp: UInt64
        public var baseFeePerGas: UInt256

        public init(number: UInt64, timestamp: UInt64, baseFeePerGas: UInt256) {
            self.number = number
            self.timestamp = timestamp
            self.baseFeePerGas = baseFeePerGas
        }
    }

    public var chainId: UInt64
    public var block: Block
    public var tokens: [Token]
    /// Raw balances of `owner` by token symbol; a missing symbol means zero.
    public var balances: [String: UInt256]
    public var pools: [PoolState]
    /// The address whose balances and allowances these are (the operator wallet or the vault).
    public var owner: Address?
    /// The owner's native (ETH) balance in wei.
    public var nativeBalance: UInt256?
    /// Raw ERC-20 allowances: token symbol → spender → amount.
    public var allowances: [String: [Address: UInt256]]
    /// A suggested priority fee (e.g. from `eth_feeHistory`), wei.
    public var priorityFeePerGas: UInt256?
    public var priceHistory: PriceHistory?
    /// Pools the owner cannot trade through (in vault mode: not on the vault's allowlist). Prices
    /// still come from them; routes avoid them.
    public var excludedPools: [Address]
    /// In vault mode: the limits and prices the rebalancing vault applies to a call (nil for a
    /// wallet, or a vault from before the bounds).
    public var vault: VaultBounds?

    public init(chainId: UInt64, block: Block, tokens: [Token], balances: [String: UInt256], pools: [PoolState],
                owner: Address? = nil, nativeBalance: UInt256? = nil, allowances: [String: [Address: UInt256]] = [:],
                priorityFeePerGas: UInt256? = nil, priceHistory: PriceHistory? = nil, excludedPools: [Address] = [],
                vault: VaultBounds? = nil) {
        self.excludedPools = excludedPools
        self.vault = vault
        self.chainId = chainId
        self.block = block
        self.tokens = tokens
        self.balances = balances
        self.pools = pools
        self.owner = owner
        self.nativeBalance = nativeBalance
        self.allowances = allowances
        self.priorityFeePerGas = priorityFeePerGas
        self.priceHistory = priceHistory
    }

    public func token(_ symbol: String) -> Token? { tokens.first { $0.symbol == symbol } }

    public func token(at address: Address) -> Token? { tokens.first { $0.address == address } }

    public func balance(of symbol: String) -> UInt256 { balances[symbol] ?? .zero }

    public func allowance(of symbol: String, spender: Address) -> UInt256 { allowances[symbol]?[spender] ?? .zero }

    /// Every pool as the router's `Pool` model, in snapshot order.
    public var poolModels: [any Pool] { pools.map(\.model) }

    /// Pools that hold `symbol`.
    public func pools(containing symbol: String) -> [any Pool] {
        pools.filter { $0.tokens.contains(symbol) }.map(\.model)
    }

    /// Pools that can swap `a` for `b` directly.
    public func pools(between a: String, and b: String) -> [any Pool] {
        guard a != b else { return [] }
        return pools.filter { $0.tokens.contains(a) && $0.tokens.contains(b) }.map(\.model)
    }
}

/// One pool of a snapshot: the concrete model behind the `kind` tag.
public enum PoolState: Sendable, Equatable {
    case constantProduct(ConstantProductPool)
    case weighted(WeightedPool)
    case concentratedLiquidity(ConcentratedLiquidityPool)

    public var model: any Pool {
        switch self {
        case .constantProduct(let p): p
        case .weighted(let p): p
        case .concentratedLiquidity(let p): p
        }
    }

    public var kind: PoolKind { model.kind }
    public var address: Address { model.address }
    public var tokens: [String] { model.tokens }

    public var dex: String? {
        switch self {
        case .constantProduct(let p): p.dex
        case .weighted(let p): p.dex
        case .concentratedLiquidity(let p): p.dex
        }
    }
}
