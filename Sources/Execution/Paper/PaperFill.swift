import EthCore
import Market
import Routing
import Strategy

/// Hypothetical fills: each route's exact quoted output credited, its input debited, as if the
/// plan had been sent and mined at the planned block. Computing only.
public enum PaperFill {
    public static func apply(_ plan: TradePlan, to balances: [String: UInt256]) -> [String: UInt256] {
        var out = balances
        for route in plan.routes {
            out[route.sell] = (out[route.sell] ?? .zero).subtracting(route.amountIn) ?? .zero
            out[route.buy] = (out[route.buy] ?? .zero).adding(route.amountOut) ?? .max
        }
        return out
    }

    /// Value of `balances` in quote units at `prices`.
    public static func value(_ balances: [String: UInt256], tokens: [Token], prices: PriceTable) -> Double {
        balances.reduce(0) { sum, entry in
            guard let token = tokens.first(where: { $0.symbol == entry.key }), let price = prices.price(entry.key) else { return sum }
            return sum + token.displayAmount(entry.value) * price
        }
    }

    /// What the fills cost against mid prices: value in less value out, plus gas.
    public static func cost(_ plan: TradePlan, tokens: [Token], prices: PriceTable, gasCost: Double?) -> Double {
        var sold: [String: UInt256] = [:], bought: [String: UInt256] = [:]
        for route in plan.routes {
            sold[route.sell] = (sold[route.sell] ?? .zero).adding(route.amountIn) ?? .max
            bought[route.buy] = (bought[route.buy] ?? .zero).adding(route.amountOut) ?? .max
        }
        return value(sold, tokens: tokens, prices: prices) - value(bought, tokens: tokens, prices: prices) + (gasCost ?? 0)
    }
}
