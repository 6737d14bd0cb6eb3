/// A 20-byte Ethereum account address, printed in EIP-55 mixed-case checksum form.
public enum AddressError: Error, Equatable, CustomStringConvertible {
    case invalidLength(Int)
    case invalidHex(String)
    case badChecksum(String)

    public var description: String {
        switch self {
        case .invalidLength(let n): return "an address has 20 bytes (40 hex digits), got \(n) hex digits"
        case .invalidHex(let s): return "address is not hex: \(s)"
        case .badChecksum(let s): return "address \(s) has a wrong EIP-55 checksum (mixed case that does not match)"
        }
    }
}

public struct Address: Sendable, Hashable, Comparable {
    public let bytes: [UInt8]

    public static let zero = Address(unchecked: [UInt8](repeating: 0, count: 20))

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Exactly 20 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` + 40 hex digits (the prefix is optional). All-lowercase and all-uppercase are
    /// accepted as unchecksummed; mixed case must match EIP-55.
    public init(_ text: String) throws(AddressError) {
        var body = Substring(text)
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        guard body.utf8.count == 40 else { throw .invalidLength(body.utf8.count) }
        let decoded: [UInt8]
        do { decoded = try Hex.decode(body) } catch { throw .invalidHex(text) }
        self.bytes = decoded
        let hasLower = body.utf8.contains { $0 >= 97 && $0 <= 102 }
        let hasUpper = body.utf8.contains { $0 >= 65 && $0 <= 70 }
        if hasLower && hasUpper && "0x" + body != checksummed {
            throw .badChecksum(text)
        }
    }

    /// The low 20 bytes of a 32-byte word (an ABI-encoded address or a log topic).
    public init?(word: some Collection<UInt8>) {
        guard word.count == 32 else { return nil }
        let w = Array(word)
        guard w[0..<12].allSatisfy({ $0 == 0 }) else { return nil }
        self.bytes = Array(w[12...])
    }

    /// EIP-55: a hex letter is uppercase when the matching nibble of keccak256(lowercase hex) is ≥ 8.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out: [UInt8] = [48, 120]
        out.reserveCapacity(42)
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= 97 && nibble >= 8 ? c - 32 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase `0x` hex, as JSON-RPC accepts it.
    public var lowercaseHex: String { Hex.encode(bytes) }

    /// The address left-padded to a 32-byte ABI word.
    public var word: [UInt8] { [UInt8](repeating: 0, count: 12) + bytes }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// The address of a contract created by `sender` with `nonce` (CREATE): keccak(rlp([sender, nonce]))[12:].
    public static func contractAddress(deployer: Address, nonce: UInt64) -> Address {
        let encoded = RLP.encode(.list([.bytes(deployer.bytes), .uint(UInt256(nonce))]))
        return Address(unchecked: Array(Keccak256.hash(encoded)[12...]))
    }
}

extension Address: CustomStringConvertible {
    public var description: String { checksummed }
}

extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try Address(s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(checksummed)
    }
}
