/// What each part of a rebalance costs in gas: the one table routing, the trade solver, the plan and
/// the dry run price gas from. Every figure was measured on the devnet against mainnet's own
/// bytecode (Uniswap V2 pair and Router02, Balancer V2's Vault with 2021 and v4 weighted pools) and
/// the project's rebalancing vault, on pairs that have traded before (as every mainnet pair has);
/// devnet/tests/test_gas_model.py measures them again and holds this table to within 5 %.
public enum GasModel {
    /// Every transaction's intrinsic cost.
    public static let transaction: UInt64 = 21_000

    // MARK: hops (a vault step; the router's V2 and Balancer hops cost 7,700 less, which `eoaCall`
    // nets out; V3 hops have a figure for each, see `GasTable`)

    /// A step through a Uniswap V2 pair: the input transferred into the pair, `swap`, the vault's
    /// balance checks (measured 62,110).
    public static let pairHop: UInt64 = 62_100
    /// A further step through a pair the same transaction already touched: its storage is warm
    /// (measured 24,038).
    public static let warmPairHop: UInt64 = 24_000
    /// A pair's first update in a later block than its creation writes its two price accumulators
    /// from zero (measured 34,200 more); mainnet's pairs have all traded, so plans do not add it.
    public static let firstTradeOfPair: UInt64 = 34_200
    /// A step through a Balancer weighted pool: the exact approval, the Balancer vault's `swap`
    /// (the pool's `onSwap` with its `pow`), the checks (measured 75,627; 64,551 for a second step).
    public static let weightedHop: UInt64 = 75_600
    /// A Uniswap V3 hop through SwapRouter02 (EOA mode) crossing no initialized tick, priced like the
    /// router's other hops: `exactInputSingle` is `transaction + eoaCall + concentratedLiquidityHop`
    /// (fitted 102,779 whole over the devnet's pools at fee tiers 100/500/3000/10000, on pools that
    /// have traded: a pool's first swap each way writes its fee accumulator from zero, ~17k more);
    /// a swap that steps over the edge of an empty bitmap word costs ~7,700 more, inside the 5 %.
    public static let concentratedLiquidityHop: UInt64 = 69_500
    /// Each initialized tick a router V3 swap crosses, on ticks crossed before as mainnet's are
    /// (fitted 25,003: the tick's storage, its outside values flipped, the liquidity updated). A
    /// tick's first crossing writes its accumulators from zero (~58k); the devnet warms its ticks.
    public static let tickCrossed: UInt64 = 25_000
    /// A vault step through a Uniswap V3 pool crossing no initialized tick: `swap` to the extreme
    /// price limit, the input paid in the pool's callback, the vault's balance checks (measured 71,477).
    public static let vaultConcentratedLiquidityHop: UInt64 = 71_500
    /// Each initialized tick a vault V3 step crosses, on ticks crossed before (measured 23,874 on
    /// average over 10; single crossings 19–30k).
    public static let vaultTickCrossed: UInt64 = 23_900

    /// One hop through a pool of `kind` crossing no V3 tick, by `table`'s figures.
    public static func hop(_ kind: PoolKind, _ table: GasTable) -> UInt64 {
        switch kind {
        case .constantProduct: pairHop
        case .weighted: weightedHop
        case .concentratedLiquidity: concentratedLiquiditySwap(ticksCrossed: 0, table)
        }
    }

    /// A V3 hop crossing `ticksCrossed` initialized ticks: the vault's step and SwapRouter02's swap
    /// each have their own base and per-tick figures.
    public static func concentratedLiquiditySwap(ticksCrossed: Int, _ table: GasTable) -> UInt64 {
        let crossings = UInt64(max(0, ticksCrossed))
        switch table {
        case .vault: return vaultConcentratedLiquidityHop + crossings * vaultTickCrossed
        case .router: return concentratedLiquidityHop + crossings * tickCrossed
        }
    }

    /// What a route's leg costs besides its hops: nothing in the vault (the input transfer is part
    /// of the first step); an EOA leg is its own transaction, which `eoaOverhead` prices.
    public static let legOverhead: UInt64 = 0

    // MARK: transactions

    /// The rebalancing vault's `rebalance` besides its steps and token pricing (measured 18,626).
    public static let vaultCall: UInt64 = 18_600
    /// The vault prices every allowlisted token on each call for its value bounds (measured 17,256
    /// per token).
    public static let vaultPricedToken: UInt64 = 17_300
    /// An ERC-20 `approve` from a zero allowance (measured 45,850).
    public static let approval: UInt64 = 45_900
    /// A router swap besides its hops, net of the vault step's dearer hop: Router02's call costs
    /// ~20,000 (measured 95,387 for one hop, 149,794 for two) and its pair hop 54,407, 7,700 below
    /// `pairHop`.
    public static let eoaCall: UInt64 = 12_300

    /// One vault `rebalance` call with `pricedTokens` allowlisted tokens, besides its hops.
    public static func vaultOverhead(pricedTokens: Int) -> UInt64 {
        transaction + vaultCall + UInt64(max(0, pricedTokens)) * vaultPricedToken
    }

    /// EOA transactions besides their hops: each approval (or USDT's reset), and each swap
    /// transaction (one per leg and venue).
    public static func eoaOverhead(approvals: Int, swaps: Int) -> UInt64 {
        UInt64(max(0, approvals)) * approval + UInt64(max(0, swaps)) * (transaction + eoaCall)
    }
}
