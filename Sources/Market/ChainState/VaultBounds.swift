import EthCore

/// What the rebalancing vault enforces on one `rebalance` call, read at the snapshot's block: its
/// owner-set limits, what the rolling day leaves, and the value it puts on each token (from its
/// owner-set price feeds, never a pool). Values are the feeds' unit (USD) with 18 decimals.
/// The planner keeps plans inside these bounds, so a plan the vault would refuse is not sent.
public struct VaultBounds: Sendable, Equatable, Codable {
    public var maxLossBps: UInt64
    public var maxCallPercent: UInt64
    public var maxDailyPercent: UInt64
    public var maxDailyLossBps: UInt64
    public var paused: Bool
    /// The value of the vault's allowlisted balances; nil when the vault cannot price a token.
    public var nav: UInt256?
    /// What one more call may give (the smaller of the per-call cap and the day's volume left).
    public var volumeLeft: UInt256?
    /// The day's loss budget left.
    public var lossLeft: UInt256?
    /// The vault's value of one whole token (10^decimals raw units), per symbol.
    public var unitValues: [String: UInt256]
    /// Why the vault cannot price its tokens (it refuses every rebalance until the feed is fresh).
    public var pricingProblem: String?

    public init(maxLossBps: UInt64, maxCallPercent: UInt64, maxDailyPercent: UInt64, maxDailyLossBps: UInt64, paused: Bool,
                nav: UInt256?, volumeLeft: UInt256?, lossLeft: UInt256?, unitValues: [String: UInt256], pricingProblem: String?) {
        self.maxLossBps = maxLossBps
        self.maxCallPercent = maxCallPercent
        self.maxDailyPercent = maxDailyPercent
        self.maxDailyLossBps = maxDailyLossBps
        self.paused = paused
        self.nav = nav
        self.volumeLeft = volumeLeft
        self.lossLeft = lossLeft
        self.unitValues = unitValues
        self.pricingProblem = pricingProblem
    }

    /// The vault's value of `amount` raw units of a token with `decimals`; nil without its price.
    public func value(of symbol: String, amount: UInt256, decimals: Int) -> UInt256? {
        guard let unit = unitValues[symbol], decimals >= 0, decimals <= 77 else { return nil }
        return UInt256.mulDiv(amount, unit, UInt256.tenTo(decimals))
    }

    /// The vault's rule applied to a plan's net token flows: what it gives and receives at the
    /// vault's prices, and every limit it would break (empty when the vault accepts it).
    public func check(given sold: [(symbol: String, amount: UInt256, decimals: Int)],
                      received bought: [(symbol: String, amount: UInt256, decimals: Int)]) -> VaultCheck {
        var problems: [String] = []
        if paused { problems.append("the vault is paused") }
        if let pricingProblem { problems.append("the vault cannot price its tokens: \(pricingProblem)") }
        func total(_ flows: [(symbol: String, amount: UInt256, decimals: Int)]) -> UInt256 {
            flows.reduce(UInt256.zero) { sum, f in
                guard let v = value(of: f.symbol, amount: f.amount, decimals: f.decimals) else {
                    if !problems.contains(where: { $0.hasPrefix("no vault price for \(f.symbol)") }) {
                        problems.append("no vault price for \(f.symbol)")
                    }
                    return sum
                }
                return sum.adding(v) ?? .max
            }
        }
        let given = total(sold), received = total(bought)
        let loss = given > received ? given - received : .zero
        // received × 10000 ≥ given × (10000 − maxLossBps), as the vault computes it.
        let lhs = received.multiplied(by: UInt256(10_000)) ?? .max
        let rhs = given.multiplied(by: UInt256(10_000 - min(maxLossBps, 10_000))) ?? .max
        if lhs < rhs {
            problems.append("loss bound: it would give \(Self.usd(given)) and receive \(Self.usd(received)) at the vault's prices, "
                            + "\(VaultCheck.bps(loss, of: given)) bps lost, more than its \(maxLossBps) bps")
        }
        if let volumeLeft, given > volumeLeft {
            problems.append("volume: it would give \(Self.usd(given)), more than the \(Self.usd(volumeLeft)) the vault allows now "
                            + "(\(maxCallPercent) % of NAV per call, \(maxDailyPercent) % per rolling day)")
        }
        if let lossLeft, loss > lossLeft {
            problems.append("daily loss: \(Self.usd(loss)) lost, more than the \(Self.usd(lossLeft)) left of today's budget "
                            + "(\(maxDailyLossBps) bps of NAV)")
        }
        return VaultCheck(given: given, received: received, problems: problems)
    }

    /// `$1,234.56` from an 18-decimal value.
    public static func usd(_ value: UInt256) -> String {
        let cents = value / UInt256.tenTo(16)
        let whole = (cents / UInt256(100)).description
        let fraction = (cents % UInt256(100)).description
        var grouped = ""
        for (i, c) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return "$" + String(grouped.reversed()) + "." + (fraction.count == 1 ? "0" + fraction : fraction)
    }
}

/// A plan measured by the vault's rule (see `VaultBounds.check`).
public struct VaultCheck: Sendable, Equatable, Codable {
    /// Value of what the plan sells, at the vault's prices (18 decimals).
    public var given: UInt256
    /// Value of what it buys.
    public var received: UInt256
    /// What the vault would refuse; empty when it accepts the plan.
    public var problems: [String]

    public var accepted: Bool { problems.isEmpty }

    /// `part / whole` in basis points, rounded to two decimals for display.
    static func bps(_ part: UInt256, of whole: UInt256) -> String {
        guard !whole.isZero, let scaled = UInt256.mulDiv(part, UInt256(1_000_000), whole) else { return "0" }
        let hundredths = scaled.description
        let padded = String(repeating: "0", count: max(0, 3 - hundredths.count)) + hundredths
        return String(padded.dropLast(2)) + "." + String(padded.suffix(2))
    }
}
