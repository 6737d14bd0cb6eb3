import EthCore
import Market

extension MarketView {
    /// The strategy's view of a snapshot (read from a node or from a file). The one gas-price rule:
    /// the block's base fee plus the snapshot's suggested priority fee (else `gas`'s priority cap),
    /// never above `gas`'s max fee (saturating: a hand-written snapshot may hold absurd values).
    /// Price history comes from `priceHistory` when given (e.g. from the journal), otherwise from
    /// the snapshot's own samples.
    public init(state: ChainState, wrappedNative: String?, gas: NetworkConfig.GasCaps? = nil,
                priceHistory: [PriceHistory.Sample]? = nil) {
        let priority = state.priorityFeePerGas ?? gas?.maxPriorityFeePerGas ?? .zero
        let gasPrice = min(state.block.baseFeePerGas.adding(priority) ?? .max, gas?.maxFeePerGas ?? .max)
        let history = priceHistory ?? state.priceHistory?.samples ?? []
        self.init(tokens: state.tokens, balances: state.balances, pools: state.poolModels, blockNumber: state.block.number,
                  blockTimestamp: state.block.timestamp, gasPriceWei: gasPrice,
                  wrappedNative: wrappedNative.flatMap { state.token($0) == nil ? nil : $0 }, priceHistory: history)
        vault = state.vault
    }
}
