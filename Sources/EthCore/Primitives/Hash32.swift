/// A 32-byte hash (a transaction or block hash, a storage slot), printed as lowercase `0x` hex.
public struct Hash32: Sendable, Hashable, Comparable {
    public let bytes: [UInt8]

    /// Exactly 32 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    /// `0x` + 64 hex digits (the prefix is optional; either case).
    public init(_ text: String) throws(HashError) {
        var body = Substring(text)
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        guard body.utf8.count == 64 else { throw .invalidLength(body.utf8.count) }
        do { bytes = try Hex.decode(body) } catch { throw .invalidHex(text) }
    }

    public var hex: String { Hex.encode(bytes) }

    public static func < (lhs: Hash32, rhs: Hash32) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

public enum HashError: Error, Equatable, CustomStringConvertible {
    case invalidLength(Int)
    case invalidHex(String)

    public var description: String {
        switch self {
        case .invalidLength(let n): return "a hash has 32 bytes (64 hex digits), got \(n) hex digits"
        case .invalidHex(let s): return "hash is not hex: \(s)"
        }
    }
}

extension Hash32: CustomStringConvertible {
    public var description: String { hex }
}

extension Hash32: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try Hash32(s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}

extension Hash32 {
    /// Keccak-256 of `bytes` (a transaction hash is the hash of its signed wire form).
    public static func keccak256(_ bytes: some Sequence<UInt8>) -> Hash32 {
        Hash32(unchecked: Keccak256.hash(Array(bytes)))
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}
