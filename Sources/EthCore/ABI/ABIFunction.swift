/// A contract function: its canonical signature, 4-byte selector, call encoding and output decoding.
public struct ABIFunction: Sendable, Hashable {
    public let name: String
    public let inputs: [ABIParameter]
    public let outputs: [ABIParameter]
    /// `pure`, `view`, `nonpayable` or `payable` when known.
    public let stateMutability: String?
    /// `name(type1,type2)`, the text hashed for the selector.
    public let signature: String
    /// The first 4 bytes of keccak256(signature).
    public let selector: [UInt8]

    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [], stateMutability: String? = nil) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
        self.signature = name + inputs.canonicalList
        self.selector = Array(Keccak256.hash(signature).prefix(4))
    }

    /// Parses a human-readable signature: `swap(uint256,uint256,address,bytes)`,
    /// `getReserves()(uint112,uint112,uint32)` (outputs in a second parenthesis, as cast writes them),
    /// `function balanceOf(address owner) external view returns (uint256)`.
    public init(signature text: String) throws(ABIError) {
        let p = try ParsedSignature(text, allowIndexed: false)
        if let k = p.keyword, k != "function" {
            throw .invalidSignature(text, reason: "\"\(k)\" declares no function")
        }
        let mutability = p.modifiers.last { ["pure", "view", "nonpayable", "payable"].contains($0) }
        self.init(name: p.name, inputs: p.inputs, outputs: p.outputs, stateMutability: mutability)
    }

    /// The selector as `0x` hex.
    public var selectorHex: String { selector.hexString }

    /// Signature with outputs, as cast prints it: `getReserves()(uint112,uint112,uint32)`.
    public var fullSignature: String { outputs.isEmpty ? signature : signature + outputs.canonicalList }

    /// Calldata: the selector followed by the encoded arguments.
    public func encodeCall(_ args: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABIEncoder.encode(inputs.types, args))
    }

    /// Decodes calldata for this function, checking the selector first.
    public func decodeInput(_ calldata: [UInt8]) throws(ABIError) -> [ABIValue] {
        guard calldata.count >= 4 else { throw .dataTooShort(needed: 4, available: calldata.count) }
        let got = Array(calldata.prefix(4))
        guard got == selector else { throw .selectorMismatch(expected: "\(selectorHex) (\(signature))", got: got.hexString) }
        return try ABIDecoder.decode(inputs.types, Array(calldata.dropFirst(4)))
    }

    /// Decodes the data an `eth_call` of this function returned.
    public func decodeOutput(_ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABIDecoder.decode(outputs.types, data)
    }

    /// Encodes return values (for tests and mocks of a contract).
    public func encodeOutput(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABIEncoder.encode(outputs.types, values)
    }
}

extension ABIFunction: CustomStringConvertible {
    public var description: String { fullSignature }
}
