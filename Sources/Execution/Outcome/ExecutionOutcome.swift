import EthCore
import EthRPC
import Market
import Routing

/// One route's predicted output against what the chain paid.
public struct RouteOutcome: Sendable, Codable, Hashable {
    public var sell: String
    public var buy: String
    public var amountIn: UInt256
    public var predictedOut: UInt256
    public var minOut: UInt256
    /// nil when no receipt carried it (not executed, or reverted).
    public var actualOut: UInt256?

    /// How much less than predicted the chain paid, in basis points (negative: more).
    public var slippageBps: Double? {
        guard let actual = actualOut, !predictedOut.isZero else { return nil }
        return (predictedOut.doubleValue - actual.doubleValue) / predictedOut.doubleValue * 10_000
    }
}

/// Reads actual outputs out of receipt logs, for the predicted-vs-actual report.
public enum ExecutionOutcome {
    /// `Swapped(address indexed pool, address indexed tokenIn, address indexed tokenOut, uint256 amountIn, uint256 amountOut)`.
    public static let swappedTopic = Keccak256.hash("Swapped(address,address,address,uint256,uint256)")
    /// ERC-20 `Transfer(address indexed from, address indexed to, uint256 value)`.
    public static let transferTopic = Keccak256.hash("Transfer(address,address,uint256)")

    public struct Step: Sendable, Equatable {
        public var pool: Address
        public var tokenIn: Address
        public var tokenOut: Address
        public var amountIn: UInt256
        public var amountOut: UInt256
    }

    /// The vault's `Swapped` events of one transaction, in order.
    public static func vaultSteps(_ logs: [Log], vault: Address) -> [Step] {
        logs.compactMap { log in
            guard log.address == vault, log.topics.count == 4, log.topics[0] == swappedTopic, log.data.count == 64,
                  let pool = Address(word: log.topics[1]), let tokenIn = Address(word: log.topics[2]),
                  let tokenOut = Address(word: log.topics[3]),
                  let amountIn = UInt256(bigEndian: log.data[0..<32]), let amountOut = UInt256(bigEndian: log.data[32..<64]) else { return nil }
            return Step(pool: pool, tokenIn: tokenIn, tokenOut: tokenOut, amountIn: amountIn, amountOut: amountOut)
        }
    }

    /// Vault mode: each route's actual output is the sum of its execution legs' last-hop `Swapped.amountOut` that buy its token.
    /// Steps appear in plan order (route by route, leg by leg, hop by hop), as the plan builder emits them.
    public static func vaultRoutes(plan: TradePlan, logs: [Log], vault: Address) -> [RouteOutcome] {
        let steps = vaultSteps(logs, vault: vault)
        var cursor = 0
        return plan.routes.map { route in
            var actual: UInt256? = .zero
            for leg in route.executionLegs {
                let hopCount = leg.hops.count
                guard cursor + hopCount <= steps.count else { actual = nil; cursor += hopCount; continue }
                let last = steps[cursor + hopCount - 1]
                // A step route's intermediate steps buy what later steps spend, not the route's output.
                if route.outputCounts(leg) { actual = actual.flatMap { $0.adding(last.amountOut) } }
                cursor += hopCount
            }
            return RouteOutcome(sell: route.sell, buy: route.buy, amountIn: route.amountIn, predictedOut: route.amountOut,
                                minOut: route.minOut, actualOut: actual)
        }
    }

    /// EOA mode: a route's actual output is what its transactions transferred of the bought token to
    /// the operator (ERC-20 `Transfer` logs of those receipts).
    public static func walletRoutes(plan: TradePlan, receiptsByRoute: [Int: [Log]], buyTokens: [String: Address],
                                    recipient: Address) -> [RouteOutcome] {
        plan.routes.enumerated().map { index, route in
            var actual: UInt256?
            if let logs = receiptsByRoute[index], let token = buyTokens[route.buy] {
                actual = logs.reduce(UInt256.zero) { sum, log in
                    guard log.address == token, log.topics.count == 3, log.topics[0] == transferTopic,
                          Address(word: log.topics[2]) == recipient, let v = UInt256(bigEndian: log.data) else { return sum }
                    return sum.adding(v) ?? sum
                }
            }
            return RouteOutcome(sell: route.sell, buy: route.buy, amountIn: route.amountIn, predictedOut: route.amountOut,
                                minOut: route.minOut, actualOut: actual)
        }
    }
}
