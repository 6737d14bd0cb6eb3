import EthCore
import EthRPC
import Market

/// EIP-1559 fees for one transaction, wei.
public struct FeeQuote: Sendable, Equatable, CustomStringConvertible {
    public var maxFeePerGas: UInt256
    public var maxPriorityFeePerGas: UInt256
    /// The base fee of the next block the quote was computed from (0 when unknown, e.g. a bump).
    public var nextBaseFee: UInt256

    public init(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256, nextBaseFee: UInt256 = .zero) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.nextBaseFee = nextBaseFee
    }

    public var description: String {
        "maxFeePerGas \(Gwei.format(maxFeePerGas)), maxPriorityFeePerGas \(Gwei.format(maxPriorityFeePerGas))"
    }
}

public enum FeeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node's fee history has no base fee (a pre-London chain): EIP-1559 fees cannot be priced.
    case noBaseFee
    /// Even the least fee that gets into the next block (next base fee + priority fee) is above
    /// the network's cap: refuse to send rather than overpay.
    case aboveCap(required: UInt256, cap: UInt256, nextBaseFee: UInt256, priorityFee: UInt256, network: String)
    /// A fee computation overflowed 256 bits (a hostile or broken node's numbers).
    case overflow(String)

    public var description: String {
        switch self {
        case .noBaseFee:
            return "fee history: the node reports no base fee (not an EIP-1559 chain?); refusing to price fees"
        case .aboveCap(let required, let cap, let base, let priority, let network):
            return "fees above the cap: the next block needs maxFeePerGas ≥ \(Gwei.format(required)) "
                + "(base fee \(Gwei.format(base)) + priority \(Gwei.format(priority))) but networks/\(network).json "
                + "gas.maxFeePerGas is \(Gwei.format(cap)); nothing sent"
        case .overflow(let what):
            return "fee computation overflows 256 bits: \(what)"
        }
    }
}

/// Turns eth_feeHistory into EIP-1559 fees (pure, no I/O):
/// - priority fee: the median over the recent blocks of their `rewardPercentile` reward (blocks
///   without transactions report 0 and say nothing about tips, so they are left out), never below
///   `minimumPriorityFee`, never above the network's priority cap;
/// - max fee: the next block's base fee grown by 12.5 % per block of `headroomBlocks` (the most the
///   base fee can rise per block), plus the priority fee; clipped to the network's cap as long as the
///   cap still pays the next block's base fee plus the priority fee, otherwise `FeeError.aboveCap`.
public struct FeeEstimator: Sendable, Equatable {
    /// The percentile asked from eth_feeHistory (one column).
    public var rewardPercentile: Double
    /// Blocks of history to look at.
    public var historyBlocks: UInt64
    /// Full blocks the transaction may wait through before its max fee stops covering the base fee.
    public var headroomBlocks: Int
    public var minimumPriorityFee: UInt256

    public init(rewardPercentile: Double = 50, historyBlocks: UInt64 = 10, headroomBlocks: Int = 3,
                minimumPriorityFee: UInt256 = UInt256(10_000_000)) {
        self.rewardPercentile = rewardPercentile
        self.historyBlocks = historyBlocks
        self.headroomBlocks = max(0, min(headroomBlocks, 64))
        self.minimumPriorityFee = minimumPriorityFee
    }

    public func estimate(_ history: FeeHistory, caps: NetworkConfig.GasCaps, network: String) throws(FeeError) -> FeeQuote {
        guard let nextBase = history.nextBaseFee else { throw .noBaseFee }
        var priority = Self.median(history.reward.compactMap { $0.first }.filter { !$0.isZero }) ?? .zero
        if priority < minimumPriorityFee { priority = minimumPriorityFee }
        if priority > caps.maxPriorityFeePerGas { priority = caps.maxPriorityFeePerGas }

        let required = try Self.add(nextBase, priority, "base fee + priority fee")
        guard required <= caps.maxFeePerGas else {
            throw .aboveCap(required: required, cap: caps.maxFeePerGas, nextBaseFee: nextBase, priorityFee: priority,
                            network: network)
        }
        var grown = nextBase
        for _ in 0..<headroomBlocks { grown = try Self.add(grown, Self.eighthRoundedUp(grown), "base fee headroom") }
        let wanted = try Self.add(grown, priority, "max fee")
        return FeeQuote(maxFeePerGas: min(wanted, caps.maxFeePerGas), maxPriorityFeePerGas: priority, nextBaseFee: nextBase)
    }

    // MARK: replacement

    /// What a replacement (same nonce) may pay.
    public enum Replacement: Sendable, Equatable {
        case fees(FeeQuote)
        /// A ≥ 10 % bump on both fees would pass a cap: keep waiting with the current transaction.
        case atCap(wantedMaxFee: UInt256, wantedPriorityFee: UInt256, caps: NetworkConfig.GasCaps)
    }

    /// `fee` + 12.5 %, rounded up: above the 10 % nodes require of a replacement (geth's price bump).
    public static func bumped(_ fee: UInt256) -> UInt256 {
        let (sum, overflow) = fee.addingReportingOverflow(eighthRoundedUp(fee))
        return overflow ? UInt256.max : sum
    }

    /// The least fee a node accepts for a replacement of `fee`: ceil(fee × 110 / 100).
    public static func minimumReplacement(_ fee: UInt256) -> UInt256 {
        UInt256.mulDivRoundingUp(fee, UInt256(110), UInt256(100)) ?? UInt256.max
    }

    /// Fees for replacing a pending transaction: each fee the larger of its 12.5 % bump and today's
    /// estimate (`fresh`, when the node could price one), then clipped to the caps; `.atCap` when the
    /// clipped fees no longer make a 10 % bump on both.
    public static func replacement(previousMaxFee: UInt256, previousPriorityFee: UInt256, fresh: FeeQuote?,
                                   caps: NetworkConfig.GasCaps) -> Replacement {
        var priority = bumped(previousPriorityFee)
        var maxFee = bumped(previousMaxFee)
        if let fresh {
            priority = max(priority, fresh.maxPriorityFeePerGas)
            maxFee = max(maxFee, fresh.maxFeePerGas)
        }
        maxFee = max(maxFee, priority)
        let cappedPriority = min(priority, caps.maxPriorityFeePerGas)
        let cappedMax = min(maxFee, caps.maxFeePerGas)
        guard cappedPriority >= minimumReplacement(previousPriorityFee), cappedMax >= minimumReplacement(previousMaxFee),
              cappedMax >= cappedPriority
        else {
            return .atCap(wantedMaxFee: maxFee, wantedPriorityFee: priority, caps: caps)
        }
        return .fees(FeeQuote(maxFeePerGas: cappedMax, maxPriorityFeePerGas: cappedPriority, nextBaseFee: fresh?.nextBaseFee ?? .zero))
    }

    // MARK: arithmetic

    static func eighthRoundedUp(_ x: UInt256) -> UInt256 {
        let (q, r) = x.quotientAndRemainder(dividingBy: UInt256(8))
        return r.isZero ? q : q + 1
    }

    static func add(_ a: UInt256, _ b: UInt256, _ what: String) throws(FeeError) -> UInt256 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw .overflow(what) }
        return sum
    }

    /// The middle value; for an even count the mean of the two middle values, rounded up.
    static func median(_ values: [UInt256]) -> UInt256? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[mid] }
        let (lo, hi) = (sorted[mid - 1], sorted[mid])
        // lo + ceil((hi - lo) / 2) never overflows.
        let diff = hi - lo
        let (half, odd) = diff.quotientAndRemainder(dividingBy: UInt256(2))
        return lo + half + (odd.isZero ? .zero : UInt256(1))
    }
}

/// Exact wei → gwei text for messages ("12.5 gwei", "0.000006298 gwei").
public enum Gwei {
    public static func format(_ wei: UInt256) -> String {
        let (whole, frac) = wei.quotientAndRemainder(dividingBy: UInt256(1_000_000_000))
        if frac.isZero { return "\(whole) gwei" }
        var digits = frac.description
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits) gwei"
    }
}
