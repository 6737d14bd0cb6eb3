/// Whose figures price a hop: the rebalancing vault's own step, or a DEX router's swap sent from the
/// operator's account (EOA mode). V2 and Balancer hops cost the same either way up to what
/// `GasModel.eoaCall` nets out per transaction; a Uniswap V3 hop differs in its base and in each
/// tick it crosses (SwapRouter02's callback and path decoding against the vault's direct `swap`).
public enum GasTable: String, Sendable, Equatable {
    case vault
    case router
}
