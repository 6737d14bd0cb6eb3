/// A named, typed slot of a function, event or error (the name may be empty).
public struct ABIParameter: Sendable, Hashable {
    public var name: String
    public var type: ABIType
    /// Event parameters only: the value goes into a topic instead of the data.
    public var indexed: Bool

    public init(name: String = "", type: ABIType, indexed: Bool = false) {
        self.name = name
        self.type = type
        self.indexed = indexed
    }
}

extension Array where Element == ABIParameter {
    /// `(uint256,address)`: the list as it appears in a canonical signature.
    var canonicalList: String { "(" + map(\.type.canonicalName).joined(separator: ",") + ")" }
    var types: [ABIType] { map(\.type) }
}
