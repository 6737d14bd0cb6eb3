/// A Solidity custom error (`error InsufficientBalance(uint256 available, uint256 required)`):
/// revert data is its 4-byte selector followed by the encoded arguments.
public struct ABICustomError: Sendable, Hashable {
    public let name: String
    public let inputs: [ABIParameter]
    public let signature: String
    public let selector: [UInt8]

    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
        self.signature = name + inputs.canonicalList
        self.selector = Array(Keccak256.hash(signature).prefix(4))
    }

    /// Parses `InsufficientBalance(uint256,uint256)`, optionally with the `error` keyword and names.
    public init(signature text: String) throws(ABIError) {
        let p = try ParsedSignature(text, allowIndexed: false)
        if let k = p.keyword, k != "error" { throw .invalidSignature(text, reason: "\"\(k)\" declares no error") }
        guard p.outputs.isEmpty else { throw .invalidSignature(text, reason: "an error has no outputs") }
        self.init(name: p.name, inputs: p.inputs)
    }

    /// Revert data for these arguments.
    public func encode(_ args: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABIEncoder.encode(inputs.types, args))
    }

    /// The arguments from revert data, checking the selector.
    public func decode(_ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        guard data.count >= 4 else { throw .dataTooShort(needed: 4, available: data.count) }
        let got = Array(data.prefix(4))
        guard got == selector else { throw .selectorMismatch(expected: "\(selector.hexString) (\(signature))", got: got.hexString) }
        return try ABIDecoder.decode(inputs.types, Array(data.dropFirst(4)))
    }
}

/// Custom errors known by selector, from ABI JSON or signatures, for decoding revert data.
public struct CustomErrorRegistry: Sendable {
    private var bySelector: [[UInt8]: ABICustomError] = [:]

    public init(_ errors: [ABICustomError] = []) {
        for e in errors { bySelector[e.selector] = e }
    }

    public init(signatures: [String]) throws(ABIError) {
        var errors: [ABICustomError] = []
        for s in signatures { errors.append(try ABICustomError(signature: s)) }
        self.init(errors)
    }

    public mutating func add(_ error: ABICustomError) { bySelector[error.selector] = error }

    public mutating func add(contentsOf other: CustomErrorRegistry) {
        bySelector.merge(other.bySelector) { a, _ in a }
    }

    public func error(selector: [UInt8]) -> ABICustomError? { bySelector[selector] }

    public var errors: [ABICustomError] { Array(bySelector.values) }
}
