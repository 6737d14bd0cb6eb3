import EthCore

/// A transaction with its signature, sender, raw bytes (what `eth_sendRawTransaction` takes)
/// and hash (keccak256 of the raw bytes).
public struct SignedTransaction: Sendable, Hashable {
    public let transaction: EthTransaction
    public let signature: Signature
    /// The sender, recovered from (or, when signing, known to match) the signature.
    public let from: Address
    public let raw: [UInt8]
    public let hash: [UInt8]

    init(_ transaction: EthTransaction, signature: Signature, from: Address) {
        self.transaction = transaction
        self.signature = signature
        self.from = from
        self.raw = transaction.encode(signature: signature)
        self.hash = Keccak256.hash(raw)
    }

    public var rawHex: String { Hex.encode(raw) }
    public var hashHex: String { Hex.encode(hash) }
    /// The transaction hash as a `Hash32` (what the journal stores).
    public var transactionHash: Hash32 { Hash32.keccak256(raw) }

    /// Decodes raw transaction bytes (legacy RLP list or an EIP-2718 typed envelope) in strict
    /// canonical form and recovers the sender. With `expectedChainId`, a transaction for another
    /// chain, or a legacy one without EIP-155 replay protection, is rejected.
    public static func decode(raw: [UInt8], expectedChainId: UInt64? = nil) throws(TransactionError) -> SignedTransaction {
        guard let first = raw.first else { throw .empty }
        let transaction: EthTransaction
        let signature: Signature
        let kind: String
        switch first {
        case 0xc0...0xff:
            let (tx, sig) = try LegacyTransaction.decode(try rlp(raw[...]))
            (transaction, signature, kind) = (.legacy(tx), sig, LegacyTransaction.kind)
        case 0x80...0xbf:
            throw .notAList(kind: LegacyTransaction.kind)
        case AccessListTransaction.type:
            let (tx, sig) = try AccessListTransaction.decode(try rlp(raw.dropFirst()))
            (transaction, signature, kind) = (.accessList(tx), sig, AccessListTransaction.kind)
        case DynamicFeeTransaction.type:
            let (tx, sig) = try DynamicFeeTransaction.decode(try rlp(raw.dropFirst()))
            (transaction, signature, kind) = (.dynamicFee(tx), sig, DynamicFeeTransaction.kind)
        default:
            throw .unknownType(first)
        }
        if let expectedChainId, transaction.chainId != expectedChainId {
            throw .chainIdMismatch(expected: expectedChainId, found: transaction.chainId)
        }
        let from: Address
        do { from = try signature.recoverAddress(hash: transaction.signingHash) } catch {
            throw .invalidSignature(kind: kind, error)
        }
        let decoded = SignedTransaction(transaction, signature: signature, from: from)
        // Canonical decoding means re-encoding gives the same bytes; anything else is a bug here.
        guard decoded.raw == raw else {
            throw .invalidField(kind: kind, field: "encoding", reason: "re-encoding does not reproduce the input")
        }
        return decoded
    }

    private static func rlp(_ bytes: ArraySlice<UInt8>) throws(TransactionError) -> RLPItem {
        do { return try RLP.decode(Array(bytes)) } catch { throw .malformedRLP(error) }
    }

    public static func decode(rawHex: String, expectedChainId: UInt64? = nil) throws(TransactionError) -> SignedTransaction {
        guard let raw = try? Hex.decode(rawHex) else {
            throw .invalidField(kind: "raw", field: "hex", reason: "not valid hex")
        }
        return try decode(raw: raw, expectedChainId: expectedChainId)
    }
}
