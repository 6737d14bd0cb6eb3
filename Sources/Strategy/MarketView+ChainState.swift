import EthCore
import Market

extension MarketView {
    /// The strategy's view of a snapshot (read from a node or from a file). The gas price is the
    /// block's base fee plus the snapshot's suggested priority fee (saturating: a hand-written
    /// snapshot may hold absurd values). Price history comes from `priceHistory` when given (e.g.
    /// from the journal), otherwise from the snapshot's own samples.
    public init(state: ChainState, wrappedNative: String?, priceHistory: [PriceObservation]? = nil) {
        let priority = state.priorityFeePerGas ?? .zero
        let gasPrice = state.block.baseFeePerGas.adding(priority) ?? .max
        let history = priceHistory ?? (state.priceHistory?.samples ?? []).map {
            PriceObservation(timestamp: $0.timestamp, prices: $0.prices)
        }
        self.init(tokens: state.tokens, balances: state.balances, pools: state.poolModels, blockNumber: state.block.number,
                  blockTimestamp: state.block.timestamp, gasPriceWei: gasPrice,
                  wrappedNative: wrappedNative.flatMap { state.token($0) == nil ? nil : $0 }, priceHistory: history)
        vault = state.vault
    }
}
