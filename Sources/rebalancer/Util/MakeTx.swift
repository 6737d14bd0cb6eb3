import ArgumentParser
import EthCore
import EthSigning
import Foundation

extension Util {
    /// `cast mktx`: build and sign a transaction offline and print the raw bytes for
    /// `eth_sendRawTransaction`. Every field is given, so no node is contacted.
    struct MakeTx: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mktx",
            abstract: "Sign a transaction offline (EIP-1559, or legacy/EIP-155 with --legacy) and print it as raw 0x-hex.",
            discussion: """
                Positionals: <to> [<sig> <args...> | <0xcalldata>]; with --create, <0xinitcode> \
                [<constructor(types)> <args...>].

                Amounts take units: 1ether, 30gwei, 1.5gwei, 100wei, or plain wei (decimal or 0x). \
                --legacy with --access-list gives an EIP-2930 (type 1) transaction. The key comes \
                from ETH_PRIVATE_KEY, --key-file or --keystore, never from the command line.
                """)

        @Flag(help: "A legacy (EIP-155) transaction with --gas-price, instead of EIP-1559.")
        var legacy = false

        @Option(parsing: .unconditional, help: ArgumentHelp("The chain id.", valueName: "id"))
        var chain: String

        @Option(parsing: .unconditional, help: ArgumentHelp("The sender's nonce.", valueName: "n"))
        var nonce: String

        @Option(name: .customLong("gas-limit"), parsing: .unconditional, help: ArgumentHelp("The gas limit.", valueName: "gas"))
        var gasLimit: String

        @Option(name: .customLong("gas-price"), parsing: .unconditional, help: ArgumentHelp("Legacy: the gas price. EIP-1559: the max fee per gas.", valueName: "amount"))
        var gasPrice: String

        @Option(name: .customLong("priority-gas-price"), parsing: .unconditional,
                help: ArgumentHelp("EIP-1559: the max priority fee per gas (required without --legacy).", valueName: "amount"))
        var priorityGasPrice: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("Ether sent with the call (default 0).", valueName: "amount"))
        var value: String?

        @Option(name: .customLong("access-list"),
                help: ArgumentHelp(#"EIP-2930 access list as JSON: [{"address":"0x…","storageKeys":["0x…"]}]."#, valueName: "json"))
        var accessList: String?

        @Flag(help: "Deploy a contract: the first positional is the init code.")
        var create = false

        @Argument(parsing: .allUnrecognized,
                  help: "<to> [<sig> <args...> | <0xcalldata>], or with --create <0xinitcode> [<constructor(types)> <args...>].")
        var positionals: [String] = []

        @OptionGroup var key: KeyOptions

        func run() throws {
            // Options after the positionals land here (allUnrecognized keeps negative numbers as
            // values); a word that looks like a long option is a typo, not a value.
            if let unknown = positionals.first(where: { $0.hasPrefix("--") }) {
                throw CLIError("\(unknown.split(separator: "=").first ?? ""): unknown option")
            }
            let transaction = try makeTransaction()
            let signingKey = try key.load()
            print(transaction.sign(with: signingKey).rawHex)
        }

        func makeTransaction() throws -> EthTransaction {
            let chainId = try reporting("chain") { try Self.integer(chain) }
            let nonceValue = try reporting("nonce") { try Self.integer(nonce) }
            let gas = try reporting("gas-limit") { try Self.integer(gasLimit) }
            let price = try reporting("gas-price") { try Units.parseWei(gasPrice) }
            let amount = try reporting("value") { try value.map(Units.parseWei) ?? .zero }
            let list = try reporting("access-list") { try accessList.map(AccessListJSON.parse) }
            let (to, data) = try destinationAndData()

            if legacy {
                if priorityGasPrice != nil {
                    throw CLIError("priority-gas-price: only for EIP-1559 transactions; drop --legacy or this option")
                }
                if let list {
                    return .accessList(AccessListTransaction(chainId: chainId, nonce: nonceValue, gasPrice: price, gasLimit: gas,
                                                             to: to, value: amount, data: data, accessList: list))
                }
                return .legacy(LegacyTransaction(chainId: chainId, nonce: nonceValue, gasPrice: price, gasLimit: gas,
                                                 to: to, value: amount, data: data))
            }
            guard let priorityGasPrice else {
                throw CLIError("priority-gas-price: required for an EIP-1559 transaction (or use --legacy)")
            }
            let priority = try reporting("priority-gas-price") { try Units.parseWei(priorityGasPrice) }
            guard priority <= price else {
                throw CLIError("priority-gas-price: \(priority) wei exceeds the max fee --gas-price \(price) wei")
            }
            return .dynamicFee(DynamicFeeTransaction(chainId: chainId, nonce: nonceValue, maxPriorityFeePerGas: priority,
                                                     maxFeePerGas: price, gasLimit: gas, to: to, value: amount,
                                                     data: data, accessList: list ?? []))
        }

        /// The recipient (nil for --create) and the data: raw 0x calldata, or a signature and its
        /// arguments; for --create the init code followed by the encoded constructor arguments.
        func destinationAndData() throws -> (EthCore.Address?, [UInt8]) {
            if create {
                guard let code = positionals.first else { throw CLIError("create: the init code (0x-hex) is missing") }
                let initCode = try reporting("init code") { try Hex.decode(code) }
                let rest = Array(positionals.dropFirst())
                guard let sig = rest.first else { return (nil, initCode) }
                let function = try ABIText.function(sig)
                let values = try ABIText.values(Array(rest.dropFirst()), for: function)
                return (nil, initCode + (try reporting("arguments") { try ABIEncoder.encode(function.inputs.map(\.type), values) }))
            }
            guard let toText = positionals.first else { throw CLIError("to: the recipient address is missing (or use --create)") }
            let to = try reporting("to") { try EthCore.Address(toText) }
            let rest = Array(positionals.dropFirst())
            guard let first = rest.first else { return (to, []) }
            if first.hasPrefix("0x") || first.hasPrefix("0X") {
                guard rest.count == 1 else { throw CLIError("data: raw calldata takes no further arguments, got \(rest.count - 1)") }
                return (to, try reporting("data") { try Hex.decode(first) })
            }
            let function = try ABIText.function(first, needsName: true)
            let values = try ABIText.values(Array(rest.dropFirst()), for: function)
            return (to, try reporting("arguments") { try function.encodeCall(values) })
        }

        /// A 64-bit count (chain id, nonce, gas): decimal or 0x.
        static func integer(_ text: String) throws -> UInt64 {
            let t = text.trimmingSpaces
            guard let v = UInt256(parsing: t) else { throw BadValue("\"\(t)\" is not a decimal or 0x integer") }
            guard let small = v.uint64Value else { throw BadValue("\(v) does not fit in 64 bits") }
            return small
        }
    }
}

/// The JSON access list form of eth_createAccessList and the EIP-1559 RPC objects.
enum AccessListJSON {
    static func parse(_ text: String) throws -> AccessList {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw BadValue("not valid JSON")
        }
        guard let entries = json as? [Any] else { throw BadValue("expected a JSON array of {address, storageKeys}") }
        return try entries.enumerated().map { i, entry in
            guard let object = entry as? [String: Any], let addressText = object["address"] as? String else {
                throw BadValue("[\(i)]: expected an object with an \"address\"")
            }
            let address: EthCore.Address
            do { address = try EthCore.Address(addressText) } catch { throw BadValue("[\(i)].address: \(error)") }
            guard let keys = (object["storageKeys"] ?? [Any]()) as? [Any] else {
                throw BadValue("[\(i)].storageKeys: expected an array of 32-byte 0x-hex slots")
            }
            let slots = try keys.enumerated().map { j, key -> UInt256 in
                guard let s = key as? String, Hex.isPrefixedHex(s), s.utf8.count == 66,
                      let bytes = try? Hex.decode(s), let slot = UInt256(bigEndian: bytes) else {
                    throw BadValue("[\(i)].storageKeys[\(j)]: expected 32 bytes of 0x-hex")
                }
                return slot
            }
            return AccessListEntry(address: address, storageKeys: slots)
        }
    }

    static func json(_ list: AccessList) -> String {
        "[" + list.map { entry in
            #"{"address":"\#(entry.address.checksummed)","storageKeys":["#
                + entry.storageKeys.map { "\"" + Hex.encode($0.bigEndianBytes) + "\"" }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
    }
}
