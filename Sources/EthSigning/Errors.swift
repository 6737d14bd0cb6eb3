import EthCore

/// A signature that cannot be used: out of range, high s, or not recoverable.
public enum SignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    case length(Int)
    case hashLength(Int)
    case invalidV(UInt256)
    case invalidYParity(UInt256)
    case rOutOfRange
    case sOutOfRange
    case highS
    case unrecoverable

    public var description: String {
        switch self {
        case .length(let n): return "a signature has 65 bytes (r ‖ s ‖ v), got \(n)"
        case .hashLength(let n): return "a signed hash has 32 bytes, got \(n)"
        case .invalidV(let v): return "signature v = \(v) is neither 27/28 nor an EIP-155 value (chainId·2 + 35/36)"
        case .invalidYParity(let v): return "signature y parity must be 0 or 1, got \(v)"
        case .rOutOfRange: return "signature r is zero or not below the secp256k1 order"
        case .sOutOfRange: return "signature s is zero or not below the secp256k1 order"
        case .highS: return "signature s is in the upper half of the order (EIP-2 requires low s)"
        case .unrecoverable: return "no public key can be recovered from this signature and hash"
        }
    }
}

/// Signing a hash that is not a hash.
public enum SigningError: Error, Equatable, Sendable, CustomStringConvertible {
    case hashLength(Int)

    public var description: String {
        switch self {
        case .hashLength(let n): return "only a 32-byte hash can be signed, got \(n) bytes"
        }
    }
}
