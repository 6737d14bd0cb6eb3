import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

extension RunDevnetTests {
    /// The devnet's stand-in private relay: DEVNET_RELAY_URL, else the node's devnet_relayUrl.
    static func relayURL(_ client: EthClient) throws -> String {
        if let url = ProcessInfo.processInfo.environment["DEVNET_RELAY_URL"], !url.isEmpty { return url }
        return try #require(try client.rpc.call("devnet_relayUrl").stringValue, "the devnet serves no private relay")
    }

    /// A vault rebalance sent with `--send-via <relay>` while blocks come every 0.25 s: a searcher
    /// polling the public node for the operator's pending transactions sees nothing of it (the
    /// same poll does see a public transaction, checked first), and the run's report says how it
    /// was sent and how long inclusion took.
    @Test func aPrivateRebalanceIsInvisibleToAPublicPoolWatcher() throws {
        let (client, _) = try Devnet.connect()
        let relay = try Self.relayURL(client) + "/pr" + UUID().uuidString.prefix(6).lowercased()
        let (file, operatorKey, _) = try driftedVault("private", tenth: true)
        let operatorAddress = try Address(Self.operatorAddress)
        let funder = try PrivateKey(hex: Self.funderKey, source: "dev account 6")

        _ = try client.rpc.call("evm_setAutomine", [.bool(false)])
        defer { _ = try? client.rpc.call("evm_setAutomine", [.bool(true)]) }
        // The watcher's query does see a public transaction waiting for its block.
        let nonce = try client.getTransactionCount(funder.address, block: .pending)
        let probe = DynamicFeeTransaction(chainId: 31337, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                          maxFeePerGas: UInt256(100_000_000_000), gasLimit: 21_000, to: funder.address,
                                          value: .zero, data: [])
        _ = try client.sendRawTransaction(probe.sign(with: funder).raw)
        #expect(try client.getTransactionCount(funder.address, block: .pending)
                > client.getTransactionCount(funder.address, block: .latest))

        let stop = WatchFlag()
        let seen = WatchFlag()
        let miner = Thread {
            while !stop.value {
                _ = try? client.rpc.call("evm_mine")
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        let watcher = Thread {
            while !stop.value {
                if let pending = try? client.getTransactionCount(operatorAddress, block: .pending),
                   let latest = try? client.getTransactionCount(operatorAddress, block: .latest), pending > latest {
                    seen.value = true
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        miner.start()
        watcher.start()
        let result = Result { try cli(["run", "--portfolio", file, "--key-file", operatorKey, "--send-via", relay, "--json"]) }
        stop.value = true
        Thread.sleep(forTimeInterval: 0.3)

        let run = try json(try result.get())
        #expect(run["decision"] as? String == "rebalance")
        #expect(!seen.value, "the public node showed a pending transaction of the operator")
        let sending = try #require(run["sending"] as? [[String: Any]])
        #expect(sending.count == 1)
        for s in sending {
            #expect((s["sentVia"] as? String)?.hasPrefix("http://127.0.0.1") == true, "\(s)")
            #expect(s["inclusionBlocks"] is NSNumber && s["inclusionSeconds"] is NSNumber, "\(s)")
        }
        for r in try #require(run["routes"] as? [[String: Any]]) {
            #expect(r["actualOut"] as? String == r["predictedOut"] as? String, "\(r)")
        }
    }

    /// The reputation key signs every relay request: the operator key there is refused, in one
    /// line naming where it came from, before anything is read or sent.
    @Test func theOperatorKeyIsRefusedAsTheReputationKey() throws {
        let (client, _) = try Devnet.connect()
        let key = try keyFile("reputation-operator.key", Self.operatorKey)
        let file = try portfolio(mode: "eoa", operator: Self.operatorAddress, vault: nil)
        let before = try client.getTransactionCount(try Address(Self.operatorAddress), block: .pending)
        let result = try CLIRunner.run(["run", "--portfolio", file, "--key-file", key, "--send-via", "flashbots"],
                                       environment: env.merging(["REBALANCER_REPUTATION_KEY": Self.operatorKey]) { $1 })
        #expect(result.status != 0)
        #expect(result.errorLine.contains("REBALANCER_REPUTATION_KEY") && result.errorLine.contains("operator key"), "\(result.stderr)")
        #expect(!result.stderr.contains(String(Self.operatorKey.dropFirst(2))) && !result.stdout.contains(String(Self.operatorKey.dropFirst(2))))
        #expect(try client.getTransactionCount(try Address(Self.operatorAddress), block: .pending) == before)
        let bad = try CLIRunner.run(["run", "--portfolio", file, "--key-file", key, "--send-via", "ftp://relay"], environment: env)
        #expect(bad.status != 0 && bad.errorLine.contains("--send-via") && !bad.errorLine.contains("\n"), "\(bad.stderr)")
    }
}

final class WatchFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = false
    var value: Bool {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
