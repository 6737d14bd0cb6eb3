import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport

@testable import Market

enum SendFixtures {
    /// Dev account 8 of the devnet's public test mnemonic: public devnet key, not a secret.
    static let key8Hex = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"
    static let key8: PrivateKey = try! PrivateKey(hex: key8Hex)
    static let account9 = try! Address("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720")

    /// A distinct transaction hash per label, for journal rows that need no real transaction.
    static func hash(_ label: String) -> Hash32 { Hash32.keccak256(Array(label.utf8)) }
    static let sender = try! Address("0x000000000000000000000000000000000000ABcD")

    static func hex(_ n: UInt64) -> JSONValue { .string("0x" + String(n, radix: 16)) }

    static func client(_ transport: ScriptedTransport) -> EthClient {
        EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: .none))
    }

    static func network(chainId: UInt64 = 31337, maxFee: UInt256 = UInt256(300_000_000_000),
                        maxPriority: UInt256 = UInt256(5_000_000_000)) -> NetworkConfig {
        NetworkConfig(name: "test", chainId: chainId, mainnet: false, rpcUrlEnv: "TEST_RPC_URL", defaultRpcUrl: nil,
                      multicall3: Address.zero, wrappedNative: nil, tokens: [], dexes: [], pools: nil,
                      gas: .init(maxFeePerGas: maxFee, maxPriorityFeePerGas: maxPriority), confirmations: 1,
                      replaceAfterBlocks: 3, sources: [:])
    }

    static func receipt(hash: Hash32, from: Address, block: UInt64, status: Bool = true) -> JSONValue {
        receipt(hash: hash.hex, from: from, block: block, status: status)
    }

    static func receipt(hash: String, from: Address, block: UInt64, status: Bool = true) -> JSONValue {
        ["transactionHash": .string(hash), "status": status ? "0x1" : "0x0", "blockNumber": hex(block),
         "blockHash": .string("0x" + String(repeating: "ab", count: 32)), "from": .string(from.checksummed),
         "to": .string(account9.checksummed), "gasUsed": hex(21_000), "cumulativeGasUsed": hex(21_000),
         "effectiveGasPrice": hex(7), "logs": [], "contractAddress": nil]
    }

    static func feeHistory(baseFee: UInt64, reward: UInt64) -> JSONValue {
        ["oldestBlock": "0x1", "baseFeePerGas": [hex(baseFee), hex(baseFee)], "gasUsedRatio": [.number("0.5")],
         "reward": [[hex(reward)]]]
    }
}
