import EthCore

/// EIP-2718 typed transactions (EIP-2930, EIP-1559): the byte-level envelope both share. The
/// signature covers `type ‖ rlp(payload)`; the wire form is `type ‖ rlp(payload ‖ yParity, r, s)`.
enum TypedEnvelope {
    static func signingHash(type: UInt8, payload: [RLPItem]) -> [UInt8] {
        Keccak256.hash([type] + RLP.encode(.list(payload)))
    }

    static func encode(type: UInt8, payload: [RLPItem], signature: Signature) -> [UInt8] {
        [type] + RLP.encode(.list(payload + [.uint(UInt64(signature.yParity)), .uint(signature.r), .uint(signature.s)]))
    }
}
