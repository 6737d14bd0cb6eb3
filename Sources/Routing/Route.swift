import EthCore

/// One hop of a leg, with its exact amounts (an extra field in the route JSON); also one step of a
/// route that lists `steps`.
public struct RouteHop: Sendable, Hashable, Codable {
    public var pool: Address
    public var tokenIn: String
    public var tokenOut: String
    public var amountIn: UInt256
    public var amountOut: UInt256

    public init(pool: Address, tokenIn: String, tokenOut: String, amountIn: UInt256, amountOut: UInt256) {
        self.pool = pool
        self.tokenIn = tokenIn
        self.tokenOut = tokenOut
        self.amountIn = amountIn
        self.amountOut = amountOut
    }
}

/// One of a route's parallel paths.
public struct RouteLeg: Sendable, Hashable, Codable {
    /// Token symbols, sell first.
    public var path: [String]
    public var pools: [Address]
    public var amountIn: UInt256
    public var amountOut: UInt256
    public var hops: [RouteHop]

    public init(path: [String], pools: [Address], amountIn: UInt256, amountOut: UInt256, hops: [RouteHop]) {
        self.path = path
        self.pools = pools
        self.amountIn = amountIn
        self.amountOut = amountOut
        self.hops = hops
    }

    enum CodingKeys: String, CodingKey {
        case path, pools, amountIn, amountOut, hops
    }

    /// `hops` is this program's extra detail; a hand-written route may leave it out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode([String].self, forKey: .path)
        pools = try c.decode([Address].self, forKey: .pools)
        amountIn = try c.decode(UInt256.self, forKey: .amountIn)
        amountOut = try c.decode(UInt256.self, forKey: .amountOut)
        hops = try c.decodeIfPresent([RouteHop].self, forKey: .hops) ?? []
    }
}

/// How to sell `amountIn` of `sell` for `buy`: parallel legs whose inputs sum exactly to `amountIn`
/// and whose exact outputs sum to `amountOut`. Encodes to the route JSON of docs/ARCHITECTURE.md
/// (integers, including `gas`, as decimal strings; `priceImpactBps` a number).
public struct Route: Sendable, Hashable, Codable {
    public var sell: String
    public var buy: String
    public var amountIn: UInt256
    public var amountOut: UInt256
    /// `amountOut · (10000 − slippageBps) / 10000`, rounded down.
    public var minOut: UInt256
    /// How much worse the average rate is than the best spot rate of the legs' paths.
    public var priceImpactBps: Double
    /// Gas of all hops plus a per-leg overhead (per-step for a route with `steps`).
    public var gas: UInt64
    public var legs: [RouteLeg]
    /// For a route that is not a set of pool-disjoint paths (a hub's output split over several
    /// pools, several paths through one pool): the exact swaps in execution order, each quoted on
    /// the pool state the steps before it leave. Then the steps execute and `legs` only display them.
    public var steps: [RouteHop]?

    public init(
        sell: String, buy: String, amountIn: UInt256, amountOut: UInt256, minOut: UInt256,
        priceImpactBps: Double, gas: UInt64, legs: [RouteLeg], steps: [RouteHop]? = nil
    ) {
        self.sell = sell
        self.buy = buy
        self.amountIn = amountIn
        self.amountOut = amountOut
        self.minOut = minOut
        self.priceImpactBps = priceImpactBps
        self.gas = gas
        self.legs = legs
        self.steps = steps
    }

    /// Every swap in execution order: the steps, or each leg's hops leg by leg.
    public var swaps: [RouteHop] { steps ?? legs.flatMap(\.hops) }

    /// What executes, as legs: the legs themselves, or for a route with steps each step as a
    /// one-hop leg with its fixed input (spent from what the steps before it bought).
    public var executionLegs: [RouteLeg] {
        guard let steps else { return legs }
        return steps.map {
            RouteLeg(path: [$0.tokenIn, $0.tokenOut], pools: [$0.pool], amountIn: $0.amountIn, amountOut: $0.amountOut, hops: [$0])
        }
    }

    /// Whether an execution leg's output is part of `amountOut`: every leg of a plain route, the
    /// steps into `buy` of a step route (the others buy what later steps spend).
    public func outputCounts(_ leg: RouteLeg) -> Bool {
        steps == nil || leg.hops.last?.tokenOut == buy
    }

    enum CodingKeys: String, CodingKey {
        case sell, buy, amountIn, amountOut, minOut, priceImpactBps, gas, legs, steps
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sell = try c.decode(String.self, forKey: .sell)
        buy = try c.decode(String.self, forKey: .buy)
        amountIn = try c.decode(UInt256.self, forKey: .amountIn)
        amountOut = try c.decode(UInt256.self, forKey: .amountOut)
        minOut = try c.decode(UInt256.self, forKey: .minOut)
        priceImpactBps = try c.decode(Double.self, forKey: .priceImpactBps)
        let gasText = try c.decode(String.self, forKey: .gas)
        guard let g = UInt64(gasText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .gas, in: c, debugDescription: "route field `gas`: expected a decimal string, got \"\(gasText)\"")
        }
        gas = g
        legs = try c.decode([RouteLeg].self, forKey: .legs)
        steps = try c.decodeIfPresent([RouteHop].self, forKey: .steps)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sell, forKey: .sell)
        try c.encode(buy, forKey: .buy)
        try c.encode(amountIn, forKey: .amountIn)
        try c.encode(amountOut, forKey: .amountOut)
        try c.encode(minOut, forKey: .minOut)
        try c.encode(priceImpactBps, forKey: .priceImpactBps)
        try c.encode(String(gas), forKey: .gas)
        try c.encode(legs, forKey: .legs)
        try c.encodeIfPresent(steps, forKey: .steps)
    }
}
