import EthCore

/// An ERC-20 token as the rest of the program knows it. Symbols are unique within a network file,
/// so the computing layers name tokens by symbol.
public struct Token: Sendable, Hashable, Codable {
    public var symbol: String
    public var address: Address
    public var decimals: Int

    public init(symbol: String, address: Address, decimals: Int) {
        self.symbol = symbol
        self.address = address
        self.decimals = decimals
    }

    /// 10^decimals, the raw units of one whole token.
    public var unit: UInt256 {
        var u = UInt256.one
        for _ in 0..<decimals { u = u &* 10 }
        return u
    }

    /// A raw amount as a Double in whole tokens, for display.
    public func displayAmount(_ raw: UInt256) -> Double {
        raw.doubleValue / pow10(decimals)
    }
}

/// 10^n as a Double (exact for the decimals tokens use).
@inlinable
public func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<max(0, n) { r *= 10 }
    return r
}
