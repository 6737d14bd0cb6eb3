/// Which generation of Balancer's weighted-pool math a pool runs. Pools made by Balancer's 2021
/// factories (mainnet's classic WBTC/WETH and USDC/WETH 50/50 pools) compute every power through
/// `LogExpMath`; pools from later factories take exact shortcuts for the exponents 1, 2 and 4.
/// The two disagree by up to ~1.4e7 wei on 18-decimal outputs, so a quote must know which it is.
public enum BalancerMathVersion: Int, Sendable, Hashable, CaseIterable {
    /// The 2021 factories (WeightedPoolFactory v1, WeightedPool2TokensFactory).
    case v1 = 1
    /// Later factories: the default.
    case v2 = 2

    /// Whether `pow` takes the exact shortcut for exponents 1, 2 and 4.
    var takesPowShortcuts: Bool { self != .v1 }
}
