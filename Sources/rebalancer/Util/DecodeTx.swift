import ArgumentParser
import EthCore
import EthSigning

extension Util {
    /// `cast decode-tx`: every field of a signed raw transaction, the recovered sender and the hash.
    struct DecodeTx: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode-tx",
            abstract: "Decode a signed raw transaction (legacy, EIP-2930, EIP-1559): fields, signature, sender, hash.")

        @Flag(help: "Print a JSON object (integers as decimal strings).")
        var json = false

        @Argument(help: "The raw transaction as 0x-hex.")
        var raw: String

        func run() throws {
            let bytes = try reporting("raw") { try Hex.decode(raw.trimmingSpaces) }
            let tx = try reporting("raw") { try SignedTransaction.decode(raw: bytes) }
            let fields = Self.fields(tx)
            if json {
                print("{" + fields.map { "\(ABIValue.string($0.key).jsonString):\($0.json)" }.joined(separator: ",") + "}")
            } else {
                for f in fields { print("\(f.key): \(f.text)") }
            }
        }

        /// One field, as plain text and as a JSON value.
        struct Field {
            var key: String
            var text: String
            var json: String

            static func string(_ key: String, _ value: String) -> Field { Field(key: key, text: value, json: ABIValue.string(value).jsonString) }
            static func number(_ key: String, _ value: UInt256) -> Field { .string(key, value.description) }
            static func number(_ key: String, _ value: UInt64) -> Field { .string(key, String(value)) }
        }

        static func fields(_ signed: SignedTransaction) -> [Field] {
            let tx = signed.transaction
            var out: [Field] = []
            switch tx {
            case .legacy(let t):
                out.append(Field(key: "type", text: "0 (legacy\(t.chainId == nil ? ", no EIP-155 chain id" : ", EIP-155"))", json: "0"))
                out.append(t.chainId.map { .number("chainId", $0) } ?? Field(key: "chainId", text: "none", json: "null"))
                out.append(.number("nonce", t.nonce))
                out.append(.number("gasPrice", t.gasPrice))
            case .accessList(let t):
                out.append(Field(key: "type", text: "1 (EIP-2930)", json: "1"))
                out.append(.number("chainId", t.chainId))
                out.append(.number("nonce", t.nonce))
                out.append(.number("gasPrice", t.gasPrice))
            case .dynamicFee(let t):
                out.append(Field(key: "type", text: "2 (EIP-1559)", json: "2"))
                out.append(.number("chainId", t.chainId))
                out.append(.number("nonce", t.nonce))
                out.append(.number("maxPriorityFeePerGas", t.maxPriorityFeePerGas))
                out.append(.number("maxFeePerGas", t.maxFeePerGas))
            }
            out.append(.number("gasLimit", tx.gasLimit))
            out.append(tx.to.map { .string("to", $0.checksummed) } ?? Field(key: "to", text: "none (contract creation)", json: "null"))
            out.append(.number("value", tx.value))
            out.append(.string("data", Hex.encode(tx.data)))
            switch tx {
            case .accessList(let t):
                let list = AccessListJSON.json(t.accessList)
                out.append(Field(key: "accessList", text: list, json: list))
            case .dynamicFee(let t):
                let list = AccessListJSON.json(t.accessList)
                out.append(Field(key: "accessList", text: list, json: list))
            case .legacy:
                break
            }
            let sig = signed.signature
            if case .legacy(let t) = tx {
                out.append(.number("v", sig.legacyV(chainId: t.chainId)))
            }
            out.append(.string("r", Hex.encode(sig.r.bigEndianBytes)))
            out.append(.string("s", Hex.encode(sig.s.bigEndianBytes)))
            out.append(Field(key: "yParity", text: String(sig.yParity), json: String(sig.yParity)))
            out.append(.string("from", signed.from.checksummed))
            out.append(.string("hash", signed.hashHex))
            return out
        }
    }
}
