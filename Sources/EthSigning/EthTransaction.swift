import EthCore

/// Any of the transaction kinds this client signs.
public enum EthTransaction: Sendable, Hashable {
    case legacy(LegacyTransaction)
    case accessList(AccessListTransaction)
    case dynamicFee(DynamicFeeTransaction)

    /// The EIP-2718 type byte; nil for legacy.
    public var type: UInt8? {
        switch self {
        case .legacy: return nil
        case .accessList: return AccessListTransaction.type
        case .dynamicFee: return DynamicFeeTransaction.type
        }
    }

    public var chainId: UInt64? {
        switch self {
        case .legacy(let t): return t.chainId
        case .accessList(let t): return t.chainId
        case .dynamicFee(let t): return t.chainId
        }
    }

    public var nonce: UInt64 {
        switch self {
        case .legacy(let t): return t.nonce
        case .accessList(let t): return t.nonce
        case .dynamicFee(let t): return t.nonce
        }
    }

    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let t): return t.gasLimit
        case .accessList(let t): return t.gasLimit
        case .dynamicFee(let t): return t.gasLimit
        }
    }

    public var to: Address? {
        switch self {
        case .legacy(let t): return t.to
        case .accessList(let t): return t.to
        case .dynamicFee(let t): return t.to
        }
    }

    public var value: UInt256 {
        switch self {
        case .legacy(let t): return t.value
        case .accessList(let t): return t.value
        case .dynamicFee(let t): return t.value
        }
    }

    public var data: [UInt8] {
        switch self {
        case .legacy(let t): return t.data
        case .accessList(let t): return t.data
        case .dynamicFee(let t): return t.data
        }
    }

    /// The most the sender pays per gas: gasPrice, or maxFeePerGas for EIP-1559.
    public var maxFeePerGas: UInt256 {
        switch self {
        case .legacy(let t): return t.gasPrice
        case .accessList(let t): return t.gasPrice
        case .dynamicFee(let t): return t.maxFeePerGas
        }
    }

    public var signingHash: [UInt8] {
        switch self {
        case .legacy(let t): return t.signingHash
        case .accessList(let t): return t.signingHash
        case .dynamicFee(let t): return t.signingHash
        }
    }

    public func encode(signature: Signature) -> [UInt8] {
        switch self {
        case .legacy(let t): return t.encode(signature: signature)
        case .accessList(let t): return t.encode(signature: signature)
        case .dynamicFee(let t): return t.encode(signature: signature)
        }
    }

    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(self, signature: key.signDigest(signingHash), from: key.address)
    }
}
