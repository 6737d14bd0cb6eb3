/// A contract event: topic0 and log decoding. Indexed parameters live in topics (dynamic ones only
/// as the keccak256 hash of their encoding, so they decode to that 32-byte hash), the rest in data.
public struct ABIEvent: Sendable, Hashable {
    public let name: String
    public let inputs: [ABIParameter]
    /// Anonymous events have no topic0.
    public let anonymous: Bool
    public let signature: String
    /// keccak256 of the signature: the first topic of every non-anonymous log.
    public let topic0: [UInt8]

    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.anonymous = anonymous
        self.signature = name + inputs.canonicalList
        self.topic0 = Keccak256.hash(signature)
    }

    /// Parses `Transfer(address indexed from, address indexed to, uint256 value)`, optionally with the
    /// `event` keyword and a trailing `anonymous`.
    public init(signature text: String) throws(ABIError) {
        let p = try ParsedSignature(text, allowIndexed: true)
        if let k = p.keyword, k != "event" { throw .invalidSignature(text, reason: "\"\(k)\" declares no event") }
        guard p.outputs.isEmpty else { throw .invalidSignature(text, reason: "an event has no outputs") }
        self.init(name: p.name, inputs: p.inputs, anonymous: p.modifiers.contains("anonymous"))
    }

    /// Decodes a log into one value per input, in declaration order.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(ABIError) -> [ABIValue] {
        let indexed = inputs.filter(\.indexed)
        let expectedTopics = indexed.count + (anonymous ? 0 : 1)
        guard topics.count == expectedTopics else { throw .topicCountMismatch(expected: expectedTopics, got: topics.count) }
        var topicIndex = 0
        if !anonymous {
            guard topics[0] == topic0 else {
                throw .selectorMismatch(expected: "\(topic0.hexString) (\(signature))", got: topics[0].hexString)
            }
            topicIndex = 1
        }
        let unindexed = inputs.filter { !$0.indexed }
        var dataValues = try ABIDecoder.decode(unindexed.types, data)[...]
        var out: [ABIValue] = []
        out.reserveCapacity(inputs.count)
        for (i, p) in inputs.enumerated() {
            if p.indexed {
                let topic = topics[topicIndex]
                topicIndex += 1
                guard topic.count == 32 else {
                    throw ABIError.dataTooShort(needed: 32, available: topic.count).located(p.name.isEmpty ? "topic\(topicIndex - 1)" : p.name)
                }
                if p.type.isDynamic || p.type.depth > 0 {
                    out.append(.fixedBytes(topic))
                } else {
                    do { out.append(try ABIDecoder.decodeWord(p.type, topic)) } catch {
                        throw error.located(p.name.isEmpty ? "arg\(i)" : p.name)
                    }
                }
            } else if let v = dataValues.popFirst() {
                out.append(v)
            }
        }
        return out
    }

    /// The topic filtering on an indexed value (for `eth_getLogs`): the word for static types,
    /// keccak256 of the encoding for strings and bytes.
    public static func topic(for value: ABIValue, type: ABIType) throws(ABIError) -> [UInt8] {
        switch (type, value) {
        case (.string, .string(let s)): return Keccak256.hash(Array(s.utf8))
        case (.bytes, .bytes(let b)): return Keccak256.hash(b)
        default:
            guard !type.isDynamic, type.depth == 0 else {
                throw .typeMismatch(expected: "an elementary, string or bytes type for a topic", got: type.canonicalName)
            }
            return try ABIEncoder.encode([type], [value])
        }
    }
}

extension ABIEvent: CustomStringConvertible {
    public var description: String { signature }
}
