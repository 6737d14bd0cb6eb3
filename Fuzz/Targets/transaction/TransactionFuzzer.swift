import EthCore
import EthSigning

// Signed transactions (legacy/EIP-155, EIP-2930, EIP-1559) from raw bytes: decoding throws, never
// traps; a decoded transaction's raw bytes are the input and decode again to the same transaction
// and sender.
@_cdecl("LLVMFuzzerTestOneInput")
public func transactionFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let decoded: SignedTransaction
    do {
        decoded = try SignedTransaction.decode(raw: bytes)
    } catch .invalidField(_, field: "encoding", _) {
        // The decoder accepted bytes that are not the canonical encoding of what it read.
        fatalError("transaction: accepted a non-canonical encoding \(Hex.encode(bytes))")
    } catch {
        _ = error.description
        return 0
    }
    guard decoded.raw == bytes else { fatalError("transaction: raw differs from the input") }
    guard let again = try? SignedTransaction.decode(raw: decoded.raw, expectedChainId: decoded.transaction.chainId),
        again == decoded
    else {
        if decoded.transaction.chainId == nil { return 0 }  // pre-EIP-155 legacy: refused with a chain id
        fatalError("transaction: round trip changed the transaction")
    }
    return 0
}
