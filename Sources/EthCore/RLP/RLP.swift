/// Recursive Length Prefix: the yellow paper's serialisation of nested byte strings.
public indirect enum RLPItem: Sendable, Hashable {
    case bytes([UInt8])
    case list([RLPItem])

    /// An unsigned integer as RLP wants it: big-endian, no leading zeros, zero as the empty string.
    public static func uint(_ value: UInt256) -> RLPItem { .bytes(value.minimalBigEndianBytes) }
    public static func uint(_ value: UInt64) -> RLPItem { .uint(UInt256(value)) }
}

public enum RLPError: Error, Equatable, CustomStringConvertible {
    case empty
    case truncated(needed: Int, available: Int)
    case trailingBytes(Int)
    case nonCanonicalSingleByte
    case nonCanonicalLength
    case lengthTooLarge
    case tooDeep
    case expectedBytes
    case expectedList
    case integerWithLeadingZero
    case integerTooLarge

    public var description: String {
        switch self {
        case .empty: return "RLP input is empty"
        case .truncated(let needed, let available): return "RLP is truncated: needs \(needed) bytes, has \(available)"
        case .trailingBytes(let n): return "RLP has \(n) bytes after the item"
        case .nonCanonicalSingleByte: return "RLP is not canonical: a single byte below 0x80 is wrapped in a string header"
        case .nonCanonicalLength: return "RLP is not canonical: a long-form length that fits the short form, or a length with leading zeros"
        case .lengthTooLarge: return "RLP length does not fit in memory"
        case .tooDeep: return "RLP nesting is deeper than 64 levels"
        case .expectedBytes: return "RLP: expected a byte string, found a list"
        case .expectedList: return "RLP: expected a list, found a byte string"
        case .integerWithLeadingZero: return "RLP integer has a leading zero byte"
        case .integerTooLarge: return "RLP integer is longer than 32 bytes"
        }
    }
}

public enum RLP {
    public static func encode(_ item: RLPItem) -> [UInt8] {
        var out = [UInt8]()
        append(item, to: &out)
        return out
    }

    static func append(_ item: RLPItem, to out: inout [UInt8]) {
        switch item {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                appendHeader(length: b.count, shortBase: 0x80, to: &out)
                out.append(contentsOf: b)
            }
        case .list(let items):
            var body = [UInt8]()
            for i in items { append(i, to: &body) }
            appendHeader(length: body.count, shortBase: 0xc0, to: &out)
            out.append(contentsOf: body)
        }
    }

    private static func appendHeader(length: Int, shortBase: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(shortBase + UInt8(length))
        } else {
            let lenBytes = UInt256(UInt64(length)).minimalBigEndianBytes
            out.append(shortBase + 55 + UInt8(lenBytes.count))
            out.append(contentsOf: lenBytes)
        }
    }

    /// Decodes exactly one item spanning the whole input, in canonical form.
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> RLPItem {
        if bytes.isEmpty { throw .empty }
        var pos = 0
        let item = try decodeItem(bytes, &pos, end: bytes.count, depth: 0)
        if pos != bytes.count { throw .trailingBytes(bytes.count - pos) }
        return item
    }

    private static func decodeItem(_ b: [UInt8], _ pos: inout Int, end: Int, depth: Int) throws(RLPError) -> RLPItem {
        if depth > 64 { throw .tooDeep }
        guard pos < end else { throw .truncated(needed: 1, available: 0) }
        let prefix = b[pos]
        switch prefix {
        case 0x00...0x7f:
            pos += 1
            return .bytes([prefix])
        case 0x80...0xbf:
            let (start, length) = try header(b, &pos, end: end, prefix: prefix, base: 0x80)
            if length == 1 && b[start] < 0x80 { throw .nonCanonicalSingleByte }
            pos = start + length
            return .bytes(Array(b[start..<start + length]))
        default:
            let (start, length) = try header(b, &pos, end: end, prefix: prefix, base: 0xc0)
            var items = [RLPItem]()
            var p = start
            let listEnd = start + length
            while p < listEnd {
                items.append(try decodeItem(b, &p, end: listEnd, depth: depth + 1))
            }
            pos = listEnd
            return .list(items)
        }
    }

    /// Reads a string or list header; returns where the payload starts and its length, checked against `end`.
    private static func header(_ b: [UInt8], _ pos: inout Int, end: Int, prefix: UInt8, base: UInt8) throws(RLPError) -> (Int, Int) {
        let short = Int(prefix - base)
        if short < 56 {
            let start = pos + 1
            guard end - start >= short else { throw .truncated(needed: short, available: end - start) }
            return (start, short)
        }
        let lenOfLen = short - 55
        let lenStart = pos + 1
        guard end - lenStart >= lenOfLen else { throw .truncated(needed: lenOfLen, available: end - lenStart) }
        if b[lenStart] == 0 { throw .nonCanonicalLength }
        guard lenOfLen <= 7 else { throw .lengthTooLarge }
        var length = 0
        for i in 0..<lenOfLen { length = length << 8 | Int(b[lenStart + i]) }
        if length < 56 { throw .nonCanonicalLength }
        let start = lenStart + lenOfLen
        guard end - start >= length else { throw .truncated(needed: length, available: end - start) }
        return (start, length)
    }
}

extension RLPItem {
    public func bytesValue() throws(RLPError) -> [UInt8] {
        guard case .bytes(let b) = self else { throw .expectedBytes }
        return b
    }

    public func listValue() throws(RLPError) -> [RLPItem] {
        guard case .list(let l) = self else { throw .expectedList }
        return l
    }

    /// A canonical unsigned integer: at most 32 bytes, no leading zero byte.
    public func uint256Value() throws(RLPError) -> UInt256 {
        let b = try bytesValue()
        if b.count > 32 { throw .integerTooLarge }
        if b.first == 0 { throw .integerWithLeadingZero }
        return UInt256(bigEndian: b) ?? .zero
    }

    public func uint64Value() throws(RLPError) -> UInt64 {
        let v = try uint256Value()
        guard let small = v.uint64Value else { throw .integerTooLarge }
        return small
    }
}
