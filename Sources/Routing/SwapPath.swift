import EthCore
import Market

/// A chain of hops from one token to another; pools are named by their index in a `PoolGraph`.
public struct SwapPath: Sendable, Hashable {
    public struct Hop: Sendable, Hashable {
        /// Index into `PoolGraph.pools`.
        public let pool: Int
        /// Indices into that pool's `tokens`.
        public let tokenIn: Int
        public let tokenOut: Int

        public init(pool: Int, tokenIn: Int, tokenOut: Int) {
            self.pool = pool
            self.tokenIn = tokenIn
            self.tokenOut = tokenOut
        }
    }

    public let hops: [Hop]
    /// Token symbols along the path, `hops.count + 1` of them, sell first.
    public let symbols: [String]

    public init(hops: [Hop], symbols: [String]) {
        self.hops = hops
        self.symbols = symbols
    }

    /// Pool indices in hop order.
    public var poolIndices: [Int] { hops.map(\.pool) }

    /// True when the two paths have no pool in common (they can then be split across independently).
    public func isPoolDisjoint(from other: SwapPath) -> Bool {
        for a in hops where other.hops.contains(where: { $0.pool == a.pool }) { return false }
        return true
    }
}
