/// Solidity ABI encoding (`abi.encode`): a tuple of values, heads first, dynamic tails after,
/// offsets counted from the start of the enclosing tuple, everything padded to 32-byte words.
public enum ABIEncoder {
    /// Encodes `values` as the tuple `types`. Each value must match its type exactly; errors say
    /// which argument (`arg1[2].0`) is wrong and why.
    public static func encode(_ types: [ABIType], _ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        guard types.count == values.count else { throw .wrongArgumentCount(expected: types.count, got: values.count) }
        for (i, t) in types.enumerated() {
            do { try t.validate() } catch { throw error.located("arg\(i)") }
        }
        var out: [UInt8] = []
        try encodeTuple(types, values, into: &out, component: { "arg\($0)" })
        return out
    }

    /// Encodes a single value of `type` as `abi.encode` would encode a one-element tuple.
    public static func encode(_ type: ABIType, _ value: ABIValue) throws(ABIError) -> [UInt8] {
        try encode([type], [value])
    }

    private static func encodeTuple(
        _ types: [ABIType], _ values: [ABIValue], into out: inout [UInt8], component: (Int) -> String
    ) throws(ABIError) {
        let start = out.count
        var headSize = 0
        for t in types { headSize += t.headSize }  // validated types: no overflow
        out.reserveCapacity(start + headSize)
        out.append(contentsOf: repeatElement(0, count: headSize))
        var headPosition = start
        for (i, (t, v)) in zip(types, values).enumerated() {
            do throws(ABIError) {
                if t.isDynamic {
                    let offset = UInt256(UInt64(out.count - start))
                    write(offset.bigEndianBytes, into: &out, at: headPosition)
                    try encodeValue(t, v, into: &out)
                } else {
                    var head: [UInt8] = []
                    try encodeValue(t, v, into: &head)
                    write(head, into: &out, at: headPosition)
                }
            } catch {
                throw error.located(component(i))
            }
            headPosition += t.headSize
        }
    }

    private static func write(_ bytes: [UInt8], into out: inout [UInt8], at position: Int) {
        out.replaceSubrange(position..<(position + bytes.count), with: bytes)
    }

    private static func appendPadded(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: bytes)
        let rem = bytes.count % 32
        if rem != 0 { out.append(contentsOf: repeatElement(0, count: 32 - rem)) }
    }

    private static func encodeValue(_ type: ABIType, _ value: ABIValue, into out: inout [UInt8]) throws(ABIError) {
        func mismatch() -> ABIError { .typeMismatch(expected: type.canonicalName, got: value.kindName) }
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            guard bits == 256 || v < (UInt256.one << UInt256(UInt64(bits))) else {
                throw .outOfRange(value: v.description, type: type.canonicalName)
            }
            out.append(contentsOf: v.bigEndianBytes)
        case (.int(let bits), .int(let v)):
            guard v.fits(inBits: bits) else { throw .outOfRange(value: v.description, type: type.canonicalName) }
            out.append(contentsOf: v.bitPattern.bigEndianBytes)
        case (.address, .address(let a)):
            out.append(contentsOf: a.word)
        case (.bool, .bool(let b)):
            out.append(contentsOf: repeatElement(0, count: 31))
            out.append(b ? 1 : 0)
        case (.fixedBytes(let n), .fixedBytes(let b)):
            guard b.count == n else { throw .wrongByteCount(type: type.canonicalName, expected: n, got: b.count) }
            appendPadded(b, into: &out)
        case (.bytes, .bytes(let b)):
            out.append(contentsOf: UInt256(UInt64(b.count)).bigEndianBytes)
            appendPadded(b, into: &out)
        case (.string, .string(let s)):
            let b = Array(s.utf8)
            out.append(contentsOf: UInt256(UInt64(b.count)).bigEndianBytes)
            appendPadded(b, into: &out)
        case (.array(let t), .array(let elements)):
            out.append(contentsOf: UInt256(UInt64(elements.count)).bigEndianBytes)
            try encodeTuple(Array(repeating: t, count: elements.count), elements, into: &out, component: { "[\($0)]" })
        case (.fixedArray(let t, let k), .array(let elements)):
            guard elements.count == k else {
                throw .wrongArrayLength(type: type.canonicalName, expected: k, got: elements.count)
            }
            try encodeTuple(Array(repeating: t, count: k), elements, into: &out, component: { "[\($0)]" })
        case (.tuple(let ts), .tuple(let elements)):
            guard elements.count == ts.count else {
                throw .wrongArrayLength(type: type.canonicalName, expected: ts.count, got: elements.count)
            }
            try encodeTuple(ts, elements, into: &out, component: { ".\($0)" })
        default:
            throw mismatch()
        }
    }
}
