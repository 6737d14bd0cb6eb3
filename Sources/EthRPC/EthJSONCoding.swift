import EthCore

// The Ethereum JSON-RPC value encodings (QUANTITY, DATA, addresses) in both directions.
// This is the only place hex strings exist: everything above it uses UInt256, UInt64, Address, [UInt8].

enum EthJSON {
    // MARK: encoding

    static func quantity(_ value: UInt256) -> JSONValue { .string(value.hexString) }
    static func quantity(_ value: UInt64) -> JSONValue { .string("0x" + String(value, radix: 16)) }
    static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }
    static func address(_ address: Address) -> JSONValue { .string(address.lowercaseHex) }

    // MARK: decoding (every failure names the method and field)

    /// Where a value came from, for error messages: "eth_getBlockByNumber.baseFeePerGas".
    struct Field {
        let path: String
        init(_ method: String, _ name: String? = nil) { path = name.map { "\(method).\($0)" } ?? method }
        func sub(_ name: String) -> Field { Field(path, name) }
        func fail(_ what: String) -> RPCError { .malformedReply("\(path): \(what)") }
    }

    static func string(_ value: JSONValue?, _ field: Field) throws(RPCError) -> String {
        guard let value else { throw field.fail("missing") }
        guard let text = value.stringValue else { throw field.fail("expected a hex string, got \(JSONRPCClient.kind(of: value))") }
        return text
    }

    static func uint256(_ value: JSONValue?, _ field: Field) throws(RPCError) -> UInt256 {
        let text = try string(value, field)
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), text.count > 2, let number = UInt256(hex: text) else {
            throw field.fail("'\(clip(text))' is not a 0x-prefixed hex quantity of at most 256 bits")
        }
        return number
    }

    static func uint64(_ value: JSONValue?, _ field: Field) throws(RPCError) -> UInt64 {
        let number = try uint256(value, field)
        guard let small = number.uint64Value else { throw field.fail("\(number) does not fit in 64 bits") }
        return small
    }

    static func bytes(_ value: JSONValue?, _ field: Field) throws(RPCError) -> [UInt8] {
        let text = try string(value, field)
        do {
            return try Hex.decode(text)
        } catch {
            throw field.fail("'\(clip(text))' is not hex data (\(error))")
        }
    }

    static func hash(_ value: JSONValue?, _ field: Field) throws(RPCError) -> [UInt8] {
        let decoded = try bytes(value, field)
        guard decoded.count == 32 else { throw field.fail("expected 32 bytes, got \(decoded.count)") }
        return decoded
    }

    static func address(_ value: JSONValue?, _ field: Field) throws(RPCError) -> Address {
        let decoded = try bytes(value, field)
        guard let address = Address(bytes: decoded) else { throw field.fail("expected a 20-byte address, got \(decoded.count) bytes") }
        return address
    }

    /// nil when absent or JSON null.
    static func optional<T>(_ value: JSONValue?, _ decode: (JSONValue?) throws(RPCError) -> T) throws(RPCError) -> T? {
        guard let value, !value.isNull else { return nil }
        return try decode(value)
    }

    static func object(_ value: JSONValue?, _ field: Field) throws(RPCError) -> [String: JSONValue] {
        guard let value else { throw field.fail("missing") }
        guard let members = value.objectValue else { throw field.fail("expected an object, got \(JSONRPCClient.kind(of: value))") }
        return members
    }

    static func array(_ value: JSONValue?, _ field: Field) throws(RPCError) -> [JSONValue] {
        guard let value else { throw field.fail("missing") }
        guard let items = value.arrayValue else { throw field.fail("expected an array, got \(JSONRPCClient.kind(of: value))") }
        return items
    }

    static func clip(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
