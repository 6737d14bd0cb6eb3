/// The float view of a constant-product swap, out(x) = γ·x·R_out / (R_in + γ·x), in raw units.
///
/// A chain of such swaps is again one: feeding out₁(x) into (a₂, b₂, γ₂) gives
///   γ₂·b₂·out₁ / (a₂ + γ₂·out₁) = γ₁·x·γ₂·b₁·b₂ / (a₁·a₂ + γ₁·x·(a₂ + γ₂·b₁)),
/// and dividing through by (a₂ + γ₂·b₁) leaves the same shape with
///   R_in = a₁·a₂ / (a₂ + γ₂·b₁),  R_out = γ₂·b₁·b₂ / (a₂ + γ₂·b₁),  γ = γ₁.
/// Folding hop by hop collapses any constant-product path, so the split search treats it as one pool.
public struct ConstantProductCurve: Sendable, Equatable {
    public var reserveIn: Double
    public var reserveOut: Double
    public var gamma: Double

    public init(reserveIn: Double, reserveOut: Double, gamma: Double) {
        self.reserveIn = reserveIn
        self.reserveOut = reserveOut
        self.gamma = gamma
    }

    /// This swap followed by `next`, as one equivalent curve (see the type's comment).
    public func followed(by next: ConstantProductCurve) -> ConstantProductCurve {
        let d = next.reserveIn + next.gamma * reserveOut
        return ConstantProductCurve(
            reserveIn: reserveIn * next.reserveIn / d,
            reserveOut: next.gamma * reserveOut * next.reserveOut / d,
            gamma: gamma)
    }

    public func out(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let g = gamma * x
        return g * reserveOut / (reserveIn + g)
    }

    /// d(out)/dx = γ·R_in·R_out / (R_in + γ·x)².
    public func marginal(at x: Double) -> Double {
        let d = reserveIn + gamma * max(0, x)
        guard d > 0 else { return 0 }
        return gamma * reserveIn / d * reserveOut / d
    }

    public var spotRate: Double { reserveIn > 0 ? gamma * reserveOut / reserveIn : 0 }

    /// The input at which the marginal rate has fallen to `rate`: x = (sqrt(γ·R_in·R_out/λ) − R_in)/γ,
    /// written as R_in/γ · (s−λ)/λ / (sqrt(s/λ) + 1) with s the spot rate, which does not cancel
    /// when λ is close to s. Zero when the spot rate is already below `rate`.
    public func input(atMarginal rate: Double) -> Double {
        let s = spotRate
        guard rate < s, gamma > 0 else { return 0 }
        guard rate > 0 else { return .infinity }
        return reserveIn / gamma * ((s - rate) / rate) / ((s / rate).squareRoot() + 1)
    }
}
