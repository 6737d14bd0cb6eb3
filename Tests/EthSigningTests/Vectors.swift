import EthCore
import Foundation
@testable import EthSigning

/// signing_vectors.json, generated once by Fixtures/make_vectors.py with eth-account.
struct Vectors: Decodable {
    struct Transaction: Decodable {
        let key: String
        let tx: [String: String?]
        let accessListJSON: [AccessListJSON]
        struct AccessListJSON: Decodable { let address: String; let storageKeys: [String] }
        enum CodingKeys: String, CodingKey {
            case key, tx, signingHash, raw, hash, from, r, s, v
            case accessListJSON = "accessList"
        }
        let signingHash: String
        let raw: String
        let hash: String
        let from: String
        let r: String
        let s: String
        let v: String
    }
    struct Personal: Decodable {
        let key: String
        let message: String
        let signature: String
        let address: String
    }
    struct Key: Decodable {
        let key: String
        let publicKey: String
        let address: String
    }
    struct Keystore: Decodable {
        let key: String
        let password: String
        let address: String
        let json: String
    }
    let transactions: [Transaction]
    let personal: [Personal]
    let keys: [Key]
    let keystores: [Keystore]

    static let shared: Vectors = {
        let url = Bundle.module.url(forResource: "signing_vectors", withExtension: "json", subdirectory: "Fixtures")
            ?? Bundle.module.url(forResource: "signing_vectors", withExtension: "json")
        guard let url, let data = try? Data(contentsOf: url),
              let vectors = try? JSONDecoder().decode(Vectors.self, from: data) else {
            return Vectors(transactions: [], personal: [], keys: [], keystores: [])
        }
        return vectors
    }()
}

/// The bytes of a file in Fixtures/.
func fixture(_ name: String, _ ext: String) -> [UInt8]? {
    let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
        ?? Bundle.module.url(forResource: name, withExtension: ext)
    guard let url, let data = try? Data(contentsOf: url) else { return nil }
    return Array(data)
}

extension Vectors.Transaction {
    /// Rebuilds the transaction from the eth-account dictionary.
    func transaction() throws -> EthTransaction {
        func field(_ name: String) -> String? { tx[name] ?? nil }
        func u256(_ name: String) throws -> UInt256 {
            guard let text = field(name), let v = UInt256(hex: text) else { throw VectorError.field(name) }
            return v
        }
        func u64(_ name: String) throws -> UInt64 {
            guard let v = try u256(name).uint64Value else { throw VectorError.field(name) }
            return v
        }
        let to = try field("to").map { try Address($0) }
        let data = try Hex.decode(field("data") ?? "0x")
        switch field("type") {
        case nil:
            return .legacy(LegacyTransaction(chainId: field("chainId") == nil ? nil : try u64("chainId"),
                                             nonce: try u64("nonce"), gasPrice: try u256("gasPrice"),
                                             gasLimit: try u64("gas"), to: to, value: try u256("value"), data: data))
        case "0x1":
            return .accessList(AccessListTransaction(chainId: try u64("chainId"), nonce: try u64("nonce"),
                                                     gasPrice: try u256("gasPrice"), gasLimit: try u64("gas"), to: to,
                                                     value: try u256("value"), data: data, accessList: try accessList()))
        case "0x2":
            return .dynamicFee(DynamicFeeTransaction(chainId: try u64("chainId"), nonce: try u64("nonce"),
                                                     maxPriorityFeePerGas: try u256("maxPriorityFeePerGas"),
                                                     maxFeePerGas: try u256("maxFeePerGas"), gasLimit: try u64("gas"),
                                                     to: to, value: try u256("value"), data: data,
                                                     accessList: try accessList()))
        default:
            throw VectorError.field("type")
        }
    }

    private func accessList() throws -> AccessList {
        try accessListJSON.map { entry in
            AccessListEntry(address: try Address(entry.address),
                            storageKeys: try entry.storageKeys.map { text in
                                guard let slot = UInt256(hex: text) else { throw VectorError.field("storageKeys") }
                                return slot
                            })
        }
    }
}

enum VectorError: Error { case field(String) }
