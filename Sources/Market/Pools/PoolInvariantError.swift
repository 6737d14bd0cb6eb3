/// Fields that cannot describe a real pool, found when the pool value is made: a snapshot, a
/// node read and a test all get the same checks. `field` and `index` locate the culprit inside the
/// pool (`weights`, 2), so a snapshot reports `pools[3].weights[2]`.
public struct PoolInvariantError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let index: Int?
    public let message: String

    public init(_ field: String, index: Int? = nil, _ message: String) {
        self.field = field
        self.index = index
        self.message = message
    }

    public var description: String { field + (index.map { "[\($0)]" } ?? "") + ": " + message }

    /// Two or more distinct symbols, as many as `count` allows.
    static func checkTokens(_ tokens: [String], count: ClosedRange<Int>, kind: String) throws(PoolInvariantError) {
        guard count.contains(tokens.count) else {
            let expected = count.count == 1 ? "exactly \(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            throw PoolInvariantError("tokens", "a \(kind) pool has \(expected) tokens, got \(tokens.count)")
        }
        var seen: Set<String> = []
        for (k, symbol) in tokens.enumerated() where !seen.insert(symbol).inserted {
            throw PoolInvariantError("tokens", index: k, "\"\(symbol)\" appears twice in one pool")
        }
    }
}
