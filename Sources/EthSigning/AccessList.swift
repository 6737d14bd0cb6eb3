import EthCore

/// One EIP-2930 access list entry: an address and the storage slots the transaction touches.
/// Slots are 32-byte words, written as `UInt256` so that a wrong length cannot be built.
public struct AccessListEntry: Sendable, Hashable {
    public var address: Address
    public var storageKeys: [UInt256]

    public init(address: Address, storageKeys: [UInt256] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

public typealias AccessList = [AccessListEntry]

extension [AccessListEntry] {
    var rlp: RLPItem {
        .list(map { entry in
            .list([.bytes(entry.address.bytes), .list(entry.storageKeys.map { .bytes($0.bigEndianBytes) })])
        })
    }
}

/// Field decoding shared by the three transaction kinds; every failure names the field.
struct FieldReader {
    let kind: String
    let items: [RLPItem]

    init(kind: String, item: RLPItem, expectedCount: Int) throws(TransactionError) {
        guard case .list(let items) = item else { throw .notAList(kind: kind) }
        guard items.count == expectedCount else {
            throw .fieldCount(kind: kind, expected: expectedCount, found: items.count)
        }
        self.kind = kind
        self.items = items
    }

    func fail(_ field: String, _ reason: String) -> TransactionError {
        .invalidField(kind: kind, field: field, reason: reason)
    }

    func uint256(_ index: Int, _ field: String) throws(TransactionError) -> UInt256 {
        do { return try items[index].uint256Value() } catch { throw fail(field, error.description) }
    }

    func uint64(_ index: Int, _ field: String) throws(TransactionError) -> UInt64 {
        do { return try items[index].uint64Value() } catch {
            throw fail(field, error == .integerTooLarge ? "does not fit in 64 bits" : error.description)
        }
    }

    func bytes(_ index: Int, _ field: String) throws(TransactionError) -> [UInt8] {
        do { return try items[index].bytesValue() } catch { throw fail(field, error.description) }
    }

    /// Empty for contract creation, otherwise exactly 20 bytes.
    func to(_ index: Int) throws(TransactionError) -> Address? {
        let b = try bytes(index, "to")
        if b.isEmpty { return nil }
        guard let address = Address(bytes: b) else { throw fail("to", "an address has 20 bytes, got \(b.count)") }
        return address
    }

    func accessList(_ index: Int) throws(TransactionError) -> AccessList {
        guard case .list(let entries) = items[index] else { throw fail("accessList", "expected a list") }
        var out = AccessList()
        out.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() {
            guard case .list(let pair) = entry, pair.count == 2,
                  case .bytes(let addressBytes) = pair[0], case .list(let keys) = pair[1] else {
                throw fail("accessList[\(i)]", "expected [address, [storageKeys]]")
            }
            guard let address = Address(bytes: addressBytes) else {
                throw fail("accessList[\(i)].address", "an address has 20 bytes, got \(addressBytes.count)")
            }
            var slots = [UInt256]()
            slots.reserveCapacity(keys.count)
            for (j, key) in keys.enumerated() {
                guard case .bytes(let k) = key, k.count == 32, let slot = UInt256(bigEndian: k) else {
                    throw fail("accessList[\(i)].storageKeys[\(j)]", "a storage key has 32 bytes")
                }
                slots.append(slot)
            }
            out.append(AccessListEntry(address: address, storageKeys: slots))
        }
        return out
    }

    /// The typed transactions' trailing (yParity, r, s).
    func typedSignature(from index: Int) throws(TransactionError) -> Signature {
        let parity = try uint256(index, "yParity")
        let r = try uint256(index + 1, "r")
        let s = try uint256(index + 2, "s")
        guard parity <= 1 else { throw .invalidSignature(kind: kind, .invalidYParity(parity)) }
        do { return try Signature.validated(r: r, s: s, yParity: UInt8(parity.w0)) } catch {
            throw .invalidSignature(kind: kind, error)
        }
    }
}

extension Optional where Wrapped == Address {
    var rlp: RLPItem { .bytes(self?.bytes ?? []) }
}
