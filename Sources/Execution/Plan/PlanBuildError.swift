import Market
import EthCore

/// Why a trade plan cannot be turned into transactions. Each message is one line naming the
/// route, token, pool or portfolio field at fault.
public enum PlanBuildError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Vault mode without `vault` in the portfolio file.
    case missingVault
    /// A route names a token neither the snapshot nor the network file lists.
    case unknownToken(String, route: Int)
    /// A hop runs through a pool the snapshot does not hold.
    case unknownPool(Address, route: Int)
    /// A leg without its exact hops (a hand-written route may leave them out; the planner never does).
    case missingHops(route: Int, leg: Int)
    /// A leg whose hops do not chain (token or amount of one hop is not the previous hop's output).
    case brokenLeg(route: Int, leg: Int, reason: String)
    /// EOA mode: no router / Balancer vault for a pool's DEX in the network file.
    case noSpender(dex: String, pool: Address)
    /// The vault takes at most 32 steps and 16 minReceived entries per call.
    case tooManySteps(Int, limit: Int)
    case tooManyMinReceived(Int, limit: Int)
    /// Arithmetic that cannot happen for real token amounts (an overflow in a hostile snapshot).
    case amountOverflow(String)
    /// Calldata encoding failed (a bug: the signatures are constants).
    case encoding(String)

    public var description: String {
        switch self {
        case .missingVault:
            return "portfolio field `vault` is required in vault mode"
        case let .unknownToken(symbol, route):
            return "route \(route): unknown token \"\(symbol)\" (not in the snapshot or the network file)"
        case let .unknownPool(address, route):
            return "route \(route): pool \(address) is not in the snapshot"
        case let .missingHops(route, leg):
            return "route \(route) leg \(leg): no hops (exact per-hop amounts are required to build transactions)"
        case let .brokenLeg(route, leg, reason):
            return "route \(route) leg \(leg): \(reason)"
        case let .noSpender(dex, pool):
            return "pool \(pool): the network file names no router or vault for dex \"\(dex)\""
        case let .tooManySteps(n, limit):
            return "plan needs \(n) vault steps; the vault accepts at most \(limit) per call"
        case let .tooManyMinReceived(n, limit):
            return "plan buys \(n) tokens; the vault checks at most \(limit) minReceived entries per call"
        case let .amountOverflow(what):
            return "amount overflow in \(what)"
        case let .encoding(why):
            return "calldata encoding failed: \(why)"
        }
    }
}
