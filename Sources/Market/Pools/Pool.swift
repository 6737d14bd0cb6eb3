import EthCore

/// The kinds of pools the program can quote. A new kind (Uniswap V3, Curve) adds a case here and a
/// type conforming to `Pool`; the router only sees the protocol.
public enum PoolKind: String, Sendable, Codable, CaseIterable {
    case constantProduct = "constant-product"
    case weighted
    case concentratedLiquidity = "concentrated-liquidity"
}

/// The shape of one swap direction, for the router's search. Constant-product curves have a closed
/// form (and a multi-hop chain of them collapses into one); anything else is searched numerically.
public enum SwapCurve: Sendable, Equatable {
    /// out(x) = gamma·x·reserveOut / (reserveIn + gamma·x), in raw units.
    case constantProduct(reserveIn: Double, reserveOut: Double, gamma: Double)
    case general
}

/// A liquidity pool: exact integer quotes that equal the contract's to the wei, plus smooth float
/// views used only to search for splits. Tokens are addressed by index into `tokens`.
public protocol Pool: Sendable {
    var kind: PoolKind { get }
    /// The pool's address (for Balancer, the pool contract; swaps go through the vault).
    var address: Address { get }
    /// Token symbols in the pool's own order.
    var tokens: [String] { get }
    /// Gas one hop through this pool costs when `table`'s caller (the vault or a DEX router) swaps,
    /// roughly; refined by simulation later.
    func swapGas(_ table: GasTable) -> UInt64
    /// Whether a hop's gas depends on its amount (a V3 swap pays for every initialized tick it
    /// crosses); when false, `swapGas(amountIn:…)` is `swapGas(table)` and the router skips asking.
    var swapGasDependsOnAmount: Bool { get }
    /// Gas of exactly this swap: `swapGas(table)` plus what the amount adds.
    func swapGas(amountIn: UInt256, from i: Int, to j: Int, _ table: GasTable) -> UInt64
    /// The same for the search's float amount.
    func approximateSwapGas(_ amountIn: Double, from i: Int, to j: Int, _ table: GasTable) -> UInt64

    /// Output of selling exactly `amountIn` of `tokens[i]` for `tokens[j]`, as the contract computes
    /// it; `nil` when the pool refuses (no liquidity, ratio limits, overflow).
    func amountOut(_ amountIn: UInt256, from i: Int, to j: Int) -> UInt256?
    /// Smallest input that buys at least `amountOut` of `tokens[j]`; `nil` when impossible.
    func amountIn(forOut amountOut: UInt256, from i: Int, to j: Int) -> UInt256?
    /// The pool's state after such a swap, for routes that pass through it twice.
    func applyingSwap(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> Self?

    /// Float approximation of `amountOut`, raw units; monotone and concave in `amountIn`.
    func approximateOut(_ amountIn: Double, from i: Int, to j: Int) -> Double
    /// d(out)/d(in) at `amountIn`, raw units (the marginal price after fees).
    func marginalRate(at amountIn: Double, from i: Int, to j: Int) -> Double
    /// The input at which `marginalRate` falls to `rate`, in one pass, for a curve with no closed
    /// form (`nil`: the router searches with `marginalRate`).
    func input(atMarginal rate: Double, from i: Int, to j: Int) -> Double?
    /// Largest input the pool accepts in one swap (Balancer's 30 % ratio), raw units.
    func maxAmountIn(from i: Int, to j: Int) -> UInt256
    func curve(from i: Int, to j: Int) -> SwapCurve
    /// The fee-free marginal price: `tokens[j]` per `tokens[i]` for an infinitesimal trade, raw units.
    /// Valuation and the pools-disagree guard compare these across pools of different fees.
    func midRate(from i: Int, to j: Int) -> Double
    /// How much of `tokens[i]` the pool holds, raw units: the depth used to pick the deepest price path.
    func depth(of i: Int) -> Double
}

extension Pool {
    public var swapGasDependsOnAmount: Bool { false }
    public func input(atMarginal rate: Double, from i: Int, to j: Int) -> Double? { nil }
    public func swapGas(amountIn: UInt256, from i: Int, to j: Int, _ table: GasTable) -> UInt64 { swapGas(table) }
    public func approximateSwapGas(_ amountIn: Double, from i: Int, to j: Int, _ table: GasTable) -> UInt64 { swapGas(table) }

    public func midRate(from i: Int, to j: Int) -> Double { marginalRate(at: 0, from: i, to: j) }
    public func depth(of i: Int) -> Double { 0 }

    public func index(of symbol: String) -> Int? { tokens.firstIndex(of: symbol) }

    /// Spot price: `tokens[j]` received per `tokens[i]` for an infinitesimal trade, fees included, raw units.
    public func spotRate(from i: Int, to j: Int) -> Double { marginalRate(at: 0, from: i, to: j) }

    /// Price impact of a trade in basis points: how much worse the average rate is than the spot rate.
    public func priceImpactBps(amountIn: UInt256, amountOut: UInt256, from i: Int, to j: Int) -> Double {
        let spot = spotRate(from: i, to: j)
        guard spot > 0, !amountIn.isZero else { return 0 }
        let average = amountOut.doubleValue / amountIn.doubleValue
        return max(0, (1 - average / spot) * 10_000)
    }
}
