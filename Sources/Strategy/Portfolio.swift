import EthCore
import Market

/// Where the portfolio sits and how trades are sent.
public enum CustodyMode: String, Sendable, Codable {
    /// The project's rebalancing vault holds the tokens; the operator may only call `rebalance`.
    case vault
    /// The operator wallet holds the tokens and trades through routers (testnet rehearsals).
    case eoa
}

extension CustodyMode {
    /// Whose gas figures price a hop in this mode: the vault's steps, or the DEX routers' swaps.
    public var gasTable: GasTable {
        switch self {
        case .vault: .vault
        case .eoa: .router
        }
    }
}

/// One target weight, in percent of the portfolio's value.
public struct TargetWeight: Sendable, Codable, Hashable {
    public var token: String
    public var percent: Double

    public init(token: String, percent: Double) {
        self.token = token
        self.percent = percent
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case token, percent }

    /// Unknown fields are refused here too: `{"token": "WETH", "precent": 40}` is a typo, not a target.
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        token = try c.decode(String.self, forKey: .token)
        percent = try c.decode(Double.self, forKey: .percent)
    }
}

/// When to rebalance and how carefully. Every field has a default an operator would pick for a
/// first run; the README documents each one.
public struct Policy: Sendable, Codable, Hashable {
    /// Rebalance when a token's weight is more than this many percentage points from its target.
    public var driftBandPoints: Double = 5
    /// … or more than this percent of its own target away (5 pp of a 10 % target is 50 %).
    public var driftBandRelativePercent: Double = 25
    /// Minimum output of every route is the quote less this (basis points).
    public var maxSlippageBps: Double = 50
    /// Trades worth less than this (in whole quote tokens) are dropped as dust.
    public var minTradeValue: Double = 50
    /// Skip when the expected gas costs more than this percent of the value traded.
    public var maxGasCostPercent: Double = 1
    /// Move at most this percent of the portfolio's value per run; larger trade sets are scaled
    /// down. `nil` means no cap (refused on mainnet).
    public var maxTradePercentPerRun: Double? = nil
    /// Skip when a token's price is more than this percent away from its moving average.
    public var maxPriceDeviationPercent: Double = 10
    /// How many recent observations the moving average uses.
    public var movingAverageWindow: Int = 24
    /// Skip when two pools of the same pair disagree on the price by more than this (basis points).
    public var maxPoolDisagreementBps: Double = 150
    /// Skip when the block read is older than this (seconds).
    public var maxBlockAgeSeconds: Double = 300
    /// Longest path the router considers.
    public var maxHops: Int = 3
    /// Skip when the last rebalance was less than this many minutes ago. `nil`: no timer.
    public var minIntervalMinutes: Double? = nil
    /// Rebalance, inside the bands too, when a target token's price moved this many percent since
    /// the last rebalance. `nil`: the drift bands alone decide.
    public var triggerPriceMovePercent: Double? = nil
    /// Mainnet's caution cap until paper runs have proved the policy (see `Graduation`).
    public var graduation = Graduation()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case driftBandPoints, driftBandRelativePercent, maxSlippageBps, minTradeValue, maxGasCostPercent,
             maxTradePercentPerRun, maxPriceDeviationPercent, movingAverageWindow, maxPoolDisagreementBps,
             maxBlockAgeSeconds, maxHops, minIntervalMinutes, triggerPriceMovePercent, graduation
    }

    /// Missing fields take their defaults; unknown fields are refused so a typo is not silently ignored.
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allNames), refusingNull: true)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policy()
        driftBandPoints = try c.decodeIfPresent(Double.self, forKey: .driftBandPoints) ?? d.driftBandPoints
        driftBandRelativePercent = try c.decodeIfPresent(Double.self, forKey: .driftBandRelativePercent) ?? d.driftBandRelativePercent
        maxSlippageBps = try c.decodeIfPresent(Double.self, forKey: .maxSlippageBps) ?? d.maxSlippageBps
        minTradeValue = try c.decodeIfPresent(Double.self, forKey: .minTradeValue) ?? d.minTradeValue
        maxGasCostPercent = try c.decodeIfPresent(Double.self, forKey: .maxGasCostPercent) ?? d.maxGasCostPercent
        maxTradePercentPerRun = try c.decodeIfPresent(Double.self, forKey: .maxTradePercentPerRun)
        maxPriceDeviationPercent = try c.decodeIfPresent(Double.self, forKey: .maxPriceDeviationPercent) ?? d.maxPriceDeviationPercent
        movingAverageWindow = try c.decodeIfPresent(Int.self, forKey: .movingAverageWindow) ?? d.movingAverageWindow
        maxPoolDisagreementBps = try c.decodeIfPresent(Double.self, forKey: .maxPoolDisagreementBps) ?? d.maxPoolDisagreementBps
        maxBlockAgeSeconds = try c.decodeIfPresent(Double.self, forKey: .maxBlockAgeSeconds) ?? d.maxBlockAgeSeconds
        maxHops = try c.decodeIfPresent(Int.self, forKey: .maxHops) ?? d.maxHops
        minIntervalMinutes = try c.decodeIfPresent(Double.self, forKey: .minIntervalMinutes)
        triggerPriceMovePercent = try c.decodeIfPresent(Double.self, forKey: .triggerPriceMovePercent)
        graduation = try c.decodeIfPresent(Graduation.self, forKey: .graduation) ?? d.graduation
    }

    /// Range checks; the error names the field.
    func validate() throws(PortfolioError) {
        func need(_ ok: Bool, _ field: String, _ rule: String) throws(PortfolioError) {
            if !ok { throw .invalidField("policy.\(field)", rule) }
        }
        try need(driftBandPoints > 0 && driftBandPoints < 100, "driftBandPoints", "must be between 0 and 100 percentage points")
        try need(driftBandRelativePercent > 0, "driftBandRelativePercent", "must be greater than 0")
        try need(maxSlippageBps >= 0 && maxSlippageBps < 10_000, "maxSlippageBps", "must be between 0 and 10000")
        try need(minTradeValue >= 0, "minTradeValue", "must not be negative")
        try need(maxGasCostPercent > 0 && maxGasCostPercent <= 100, "maxGasCostPercent", "must be between 0 and 100")
        if let cap = maxTradePercentPerRun {
            try need(cap > 0 && cap <= 100, "maxTradePercentPerRun", "must be between 0 and 100")
        }
        try need(maxPriceDeviationPercent > 0, "maxPriceDeviationPercent", "must be greater than 0")
        try need(movingAverageWindow >= 1, "movingAverageWindow", "must be at least 1")
        try need(maxPoolDisagreementBps > 0, "maxPoolDisagreementBps", "must be greater than 0")
        try need(maxBlockAgeSeconds > 0, "maxBlockAgeSeconds", "must be greater than 0")
        try need((1...4).contains(maxHops), "maxHops", "must be between 1 and 4")
        if let minutes = minIntervalMinutes {
            try need(minutes.isFinite && minutes >= 0 && minutes <= 525_960, "minIntervalMinutes", "must be between 0 and 525960 (a year)")
        }
        if let move = triggerPriceMovePercent {
            try need(move.isFinite && move > 0, "triggerPriceMovePercent", "must be greater than 0")
        }
        try need(graduation.maxTradePercent > 0 && graduation.maxTradePercent <= 100, "graduation.maxTradePercent",
                 "must be between 0 and 100")
        try need(graduation.days >= 0 && graduation.days <= 365, "graduation.days", "must be between 0 and 365")
    }
}

/// The operator's portfolio file: what to hold, where, and the policy.
public struct PortfolioConfig: Sendable, Codable, Hashable {
    public var network: String
    public var mode: CustodyMode
    /// The hot wallet that signs (and, in EOA mode, holds the tokens).
    public var `operator`: Address
    /// The rebalancing vault that holds the tokens (vault mode).
    public var vault: Address?
    /// Values and the dust threshold are in this token.
    public var quoteToken: String
    public var targets: [TargetWeight]
    public var policy: Policy

    public init(network: String, mode: CustodyMode, operator: Address, vault: Address? = nil, quoteToken: String,
                targets: [TargetWeight], policy: Policy = Policy()) {
        self.network = network
        self.mode = mode
        self.operator = `operator`
        self.vault = vault
        self.quoteToken = quoteToken
        self.targets = targets
        self.policy = policy
    }

    enum CodingKeys: String, CodingKey { case network, mode, `operator`, vault, quoteToken, targets, policy }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allNames))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        network = try c.decode(String.self, forKey: .network)
        mode = try c.decodeIfPresent(CustodyMode.self, forKey: .mode) ?? .vault
        `operator` = try c.decode(Address.self, forKey: .operator)
        vault = try c.decodeIfPresent(Address.self, forKey: .vault)
        quoteToken = try c.decode(String.self, forKey: .quoteToken)
        targets = try c.decode([TargetWeight].self, forKey: .targets)
        if c.contains(.policy), try c.decodeNil(forKey: .policy) {
            throw DecodingError.dataCorruptedError(forKey: .policy, in: c,
                                                   debugDescription: "null is not a policy (leave the field out for the defaults)")
        }
        policy = try c.decodeIfPresent(Policy.self, forKey: .policy) ?? Policy()
    }

    /// The address whose balances make up the portfolio.
    public var holder: Address { mode == .vault ? (vault ?? `operator`) : `operator` }

    /// Target weight of `symbol` in percent (0 for tokens without a target).
    public func target(_ symbol: String) -> Double { targets.first { $0.token == symbol }?.percent ?? 0 }

    /// Checks the file against the network's tokens. Errors name the field.
    public func validate(knownTokens: Set<String>) throws(PortfolioError) {
        if mode == .vault && vault == nil { throw .invalidField("vault", "is required in vault mode") }
        if !knownTokens.contains(quoteToken) { throw .invalidField("quoteToken", "unknown token \"\(quoteToken)\"") }
        if targets.isEmpty { throw .invalidField("targets", "must list at least one token") }
        var seen = Set<String>()
        for (i, t) in targets.enumerated() {
            if !knownTokens.contains(t.token) { throw .invalidField("targets[\(i)].token", "unknown token \"\(t.token)\"") }
            if !seen.insert(t.token).inserted { throw .invalidField("targets[\(i)].token", "duplicate entry for \(t.token)") }
            if !t.percent.isFinite || t.percent < 0 { throw .invalidField("targets[\(i)].percent", "must be a number ≥ 0, got \(t.percent)") }
        }
        let sum = targets.reduce(0) { $0 + $1.percent }
        if abs(sum - 100) > 0.01 { throw .invalidField("targets", "percentages sum to \(sum), not 100") }
        try policy.validate()
    }
}

public enum PortfolioError: Error, Equatable, CustomStringConvertible {
    case invalidField(String, String)
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidField(let field, let rule): return "\(field) \(rule)"
        case .malformed(let why): return why
        }
    }
}

extension CodingKey where Self: CaseIterable {
    static var allNames: [String] { allCases.map(\.stringValue) }
}
extension PortfolioConfig.CodingKeys: CaseIterable {}
extension Policy.CodingKeys: CaseIterable {}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A misspelt policy field must not silently fall back to its default.
/// With `refusingNull`, a field set to null is refused too: null would silently mean the default.
func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>, refusingNull: Bool = false) throws {
    let c = try decoder.container(keyedBy: AnyKey.self)
    for key in c.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
        if !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "unknown field \"\(key.stringValue)\"")
        }
        if refusingNull, try c.decodeNil(forKey: key) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                   debugDescription: "null is not a value here (leave the field out for its default)")
        }
    }
}
