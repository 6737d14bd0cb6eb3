/// Solidity ABI decoding (`abi.decode`) that treats the data as hostile: every offset and length is
/// bounds-checked before use, padding must be canonical, allocation is capped by the data size, and
/// overlapping offsets cannot make the output larger than the input could canonically hold.
public enum ABIDecoder {
    /// Decodes `data` as the tuple `types`. Trailing bytes after the encoding are ignored, as
    /// Solidity does.
    public static func decode(_ types: [ABIType], _ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        for (i, t) in types.enumerated() {
            do { try t.validate() } catch { throw error.located("arg\(i)") }
        }
        var reader = Reader(data: data)
        return try reader.decodeTuple(types, base: 0, component: { "arg\($0)" })
    }

    /// Decodes a single value encoded as a one-element tuple.
    public static func decode(_ type: ABIType, _ data: [UInt8]) throws(ABIError) -> ABIValue {
        let values = try decode([type], data)
        guard let v = values.first else { throw .dataTooShort(needed: 32, available: data.count) }
        return v
    }

    /// Decodes one 32-byte word (an indexed event topic) as a static elementary type.
    public static func decodeWord(_ type: ABIType, _ word: [UInt8]) throws(ABIError) -> ABIValue {
        try type.validate()
        guard word.count == 32 else { throw .dataTooShort(needed: 32, available: word.count) }
        var reader = Reader(data: word)
        switch type {
        case .uint, .int, .address, .bool, .fixedBytes: return try reader.decodeValue(type, at: 0)
        default: throw .typeMismatch(expected: "a static elementary type for a 32-byte word", got: type.canonicalName)
        }
    }
}

private struct Reader {
    let data: [UInt8]
    /// A canonical encoding gives every elementary value, length word and offset its own word, so a
    /// decode that produces more of them than the data has words must reuse data through
    /// overlapping offsets; those budgets stop it before it can blow up.
    var wordBudget: Int
    var byteBudget: Int

    init(data: [UInt8]) {
        self.data = data
        self.wordBudget = data.count / 32 + 1
        self.byteBudget = data.count
    }

    private mutating func spendWord() throws(ABIError) {
        wordBudget -= 1
        if wordBudget < 0 { throw .overlappingData(limit: data.count) }
    }

    private func word(at p: Int) throws(ABIError) -> ArraySlice<UInt8> {
        guard p >= 0, p <= data.count, data.count - p >= 32 else {
            throw .dataTooShort(needed: p.addingReportingOverflow(32).partialValue, available: data.count)
        }
        return data[p..<(p + 32)]
    }

    private func uintWord(at p: Int) throws(ABIError) -> UInt256 {
        // A 32-byte slice always converts.
        UInt256(bigEndian: try word(at: p)) ?? .zero
    }

    /// A word used as an offset or a length: it must fit in the data at all.
    private func smallWord(at p: Int, isOffset: Bool) throws(ABIError) -> Int {
        let v = try uintWord(at: p)
        guard let small = v.uint64Value, small <= UInt64(data.count) else {
            throw isOffset ? .offsetOutOfBounds(offset: v.description, dataSize: data.count)
                           : .lengthOutOfBounds(length: v.description, available: max(0, data.count - p - 32))
        }
        return Int(small)
    }

    mutating func decodeTuple<C: Collection<ABIType>>(
        _ types: C, base: Int, component: (Int) -> String
    ) throws(ABIError) -> [ABIValue] {
        var headSize = 0
        for t in types { headSize += t.headSize }  // validated: bounded by data checks below
        guard base <= data.count, data.count - base >= headSize else {
            throw .dataTooShort(needed: base + headSize, available: data.count)
        }
        var out: [ABIValue] = []
        out.reserveCapacity(types.count)
        var headPosition = base
        for (i, t) in types.enumerated() {
            do throws(ABIError) {
                if t.isDynamic {
                    try spendWord()
                    let offset = try smallWord(at: headPosition, isOffset: true)
                    guard offset >= headSize, offset < data.count - base else {
                        throw ABIError.offsetOutOfBounds(offset: String(offset), dataSize: data.count)
                    }
                    out.append(try decodeValue(t, at: base + offset))
                } else {
                    out.append(try decodeValue(t, at: headPosition))
                }
            } catch {
                throw error.located(component(i))
            }
            headPosition += t.headSize
        }
        return out
    }

    mutating func decodeValue(_ type: ABIType, at p: Int) throws(ABIError) -> ABIValue {
        func dirty(_ w: ArraySlice<UInt8>) -> ABIError { .nonCanonicalPadding(type: type.canonicalName, word: Hex.encode(w)) }
        switch type {
        case .uint(let bits):
            try spendWord()
            let v = try uintWord(at: p)
            guard bits == 256 || v < (UInt256.one << UInt256(UInt64(bits))) else { throw dirty(try word(at: p)) }
            return .uint(v)
        case .int(let bits):
            try spendWord()
            let v = Int256(bitPattern: try uintWord(at: p))
            guard v.fits(inBits: bits) else { throw dirty(try word(at: p)) }
            return .int(v)
        case .address:
            try spendWord()
            let w = try word(at: p)
            guard let a = Address(word: w) else { throw dirty(w) }
            return .address(a)
        case .bool:
            try spendWord()
            let v = try uintWord(at: p)
            guard v <= .one else { throw dirty(try word(at: p)) }
            return .bool(v == .one)
        case .fixedBytes(let n):
            try spendWord()
            let w = try word(at: p)
            guard w.dropFirst(n).allSatisfy({ $0 == 0 }) else { throw dirty(w) }
            return .fixedBytes(Array(w.prefix(n)))
        case .bytes:
            return .bytes(try readBytes(at: p))
        case .string:
            let raw = try readBytes(at: p)
            // Invalid UTF-8 decodes with replacement characters, so it does not survive the round trip.
            let s = String(decoding: raw, as: UTF8.self)
            guard s.utf8.elementsEqual(raw) else { throw .invalidUTF8 }
            return .string(s)
        case .array(let t):
            try spendWord()
            let count = try smallWord(at: p, isOffset: false)
            let start = p + 32
            let available = data.count - start
            // Every element needs at least its head in the data: caps the allocation by the data size.
            guard count <= available / t.headSize else {
                throw .lengthOutOfBounds(length: String(count), available: available)
            }
            return .array(try decodeTuple(repeatElement(t, count: count), base: start, component: { "[\($0)]" }))
        case .fixedArray(let t, let k):
            return .array(try decodeTuple(repeatElement(t, count: k), base: p, component: { "[\($0)]" }))
        case .tuple(let ts):
            return .tuple(try decodeTuple(ts, base: p, component: { ".\($0)" }))
        }
    }

    /// A length word followed by that many bytes (the zero padding after them is not required).
    private mutating func readBytes(at p: Int) throws(ABIError) -> [UInt8] {
        try spendWord()
        let length = try smallWord(at: p, isOffset: false)
        let start = p + 32
        guard length <= data.count - start else {
            throw .lengthOutOfBounds(length: String(length), available: data.count - start)
        }
        byteBudget -= length
        if byteBudget < 0 { throw .overlappingData(limit: data.count) }
        return Array(data[start..<(start + length)])
    }
}
