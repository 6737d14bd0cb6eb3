import EthCore

/// Which block a read refers to. State reads always name one, so that several reads can be pinned
/// to the same block number and agree with each other.
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    case latest, pending, earliest, safe, finalized
    case number(UInt64)

    var json: JSONValue {
        switch self {
        case .latest: return "latest"
        case .pending: return "pending"
        case .earliest: return "earliest"
        case .safe: return "safe"
        case .finalized: return "finalized"
        case .number(let n): return EthJSON.quantity(n)
        }
    }

    public var description: String {
        if case .number(let n) = self { return "block \(n)" }
        return json.stringValue ?? "?"
    }
}
