import EthCore

/// Gas limits and what the gas costs. Pure arithmetic.
///
/// Limit = estimate + 20 %, rounded up. `eth_estimateGas` finds the least gas that succeeds in the
/// pinned state; the same transaction can need more when it lands: a storage slot written from
/// zero costs 20k instead of 2.9k when another transaction emptied it first (an allowance used up,
/// a pair's first swap in a block writing its price accumulators, ≈ 34k per fresh pair), and
/// EIP-150 holds back 1/64 of the gas at every nested call. 20 % covers a pair swap's worst case
/// on top of a ~150k estimate; unused gas is not charged, only reserved against the fee cap.
public enum GasBudget {
    public static let defaultMarginPercent: UInt64 = 20

    public static func limit(forEstimate estimate: UInt64, marginPercent: UInt64 = defaultMarginPercent) -> UInt64 {
        let (extra, overflow) = estimate.multipliedReportingOverflow(by: marginPercent)
        guard !overflow else { return .max }
        let margin = extra / 100 + (extra % 100 == 0 ? 0 : 1)
        let (sum, o2) = estimate.addingReportingOverflow(margin)
        return o2 ? .max : sum
    }

    /// `gas · pricePerGas` wei (nil on overflow, impossible for real gas and fees).
    public static func cost(gas: UInt64, pricePerGas: UInt256) -> UInt256? {
        UInt256(gas).multiplied(by: pricePerGas)
    }
}

/// A gas amount priced at one fee level.
public struct GasCost: Sendable, Codable, Hashable {
    /// Wei per gas.
    public var pricePerGas: UInt256
    /// Total wei.
    public var wei: UInt256
    /// Whole native tokens (ETH), for display.
    public var native: Double
    /// Whole quote tokens, when the native token has a price.
    public var quote: Double?

    public init(gas: UInt64, pricePerGas: UInt256, nativePriceInQuote: Double?) {
        self.pricePerGas = pricePerGas
        self.wei = GasBudget.cost(gas: gas, pricePerGas: pricePerGas) ?? .max
        self.native = wei.doubleValue / 1e18
        self.quote = nativePriceInQuote.map { native * $0 }
    }
}
