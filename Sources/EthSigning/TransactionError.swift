import EthCore

/// Why raw transaction bytes were rejected. One line each, naming the field.
public enum TransactionError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unknownType(UInt8)
    case malformedRLP(RLPError)
    case notAList(kind: String)
    case fieldCount(kind: String, expected: Int, found: Int)
    case invalidField(kind: String, field: String, reason: String)
    case invalidSignature(kind: String, SignatureError)
    case chainIdMismatch(expected: UInt64, found: UInt64?)

    public var description: String {
        switch self {
        case .empty: return "raw transaction is empty"
        case .unknownType(let t): return "unknown transaction type 0x\(String(t, radix: 16)) (supported: legacy, 0x01 EIP-2930, 0x02 EIP-1559)"
        case .malformedRLP(let e): return "raw transaction: \(e)"
        case .notAList(let kind): return "\(kind) transaction payload is not an RLP list"
        case .fieldCount(let kind, let expected, let found): return "\(kind) transaction has \(found) fields, expected \(expected)"
        case .invalidField(let kind, let field, let reason): return "\(kind) transaction field \(field): \(reason)"
        case .invalidSignature(let kind, let e): return "\(kind) transaction signature: \(e)"
        case .chainIdMismatch(let expected, let found):
            if let found { return "transaction is for chain id \(found), expected \(expected)" }
            return "legacy transaction has no EIP-155 chain id (replayable on any chain), expected chain id \(expected)"
        }
    }
}
