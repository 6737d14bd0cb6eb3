import ArgumentParser
import EthSigning
import Execution
import Foundation
import Market

/// `--send-via` and its fallback and reputation-key options, shared by run, daemon and rehearse.
/// Only sends go to a relay; every read (state, simulation, nonces, receipts) stays on the node.
struct SendViaOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where signed transactions go: public (the node's mempool), flashbots (Flashbots Protect), mevblocker (MEV Blocker), a relay URL, or a comma-separated list of relays in fallback order. Default: the network file's sendVia, else flashbots on mainnet and public elsewhere.",
                               valueName: "route"))
    var sendVia: String?

    @Option(help: ArgumentHelp("After the last private relay: none (keep it private) or public (the public mempool, only after a fresh simulation still succeeds, i.e. still meets every minOut).",
                               valueName: "none|public"))
    var fallback: String = "none"

    @Option(parsing: .unconditional, help: ArgumentHelp("Blocks without inclusion before the same signed bytes go to the next route. Default: the network's replaceAfterBlocks.", valueName: "blocks"),
            transform: OptionValue.count)
    var fallbackAfter: Int?

    @Option(help: "A file (mode 0600) with the 0x-hex reputation key that signs relay requests (X-Flashbots-Signature); default REBALANCER_REPUTATION_KEY. Never the operator key.")
    var reputationKeyFile: String?

    @Option(parsing: .unconditional, help: "Seconds each relay request may take; a relay that does not answer may still have the transaction, so the status API and the chain decide.",
            transform: OptionValue.seconds)
    var relayTimeout: Double = 10

    @Option(help: ArgumentHelp("EOA mode through relays: one-at-a-time (each transaction once the previous landed) or bundle (eth_sendBundle per block until included, all or nothing; needs a reputation key).",
                               valueName: "one-at-a-time|bundle"))
    var privateBatch: String = PrivateBatching.oneAtATime.rawValue

    static let reputationKeyVariable = "REBALANCER_REPUTATION_KEY"

    func validate() throws {
        guard PrivateBatching(rawValue: privateBatch) != nil else {
            throw CLIError("--private-batch \(privateBatch): expected one-at-a-time or bundle")
        }
        guard ["none", "public"].contains(fallback) else { throw CLIError("--fallback \(fallback): expected none or public") }
        if let sendVia { _ = try reporting("--send-via") { try SendVia.parse(sendVia) } }
    }

    /// The channel for `network`, the reputation key checked against the operator's.
    func channel(network: NetworkConfig, operatorKey: PrivateKey?,
                 environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SendChannel {
        let via = try reporting(sendVia == nil ? "networks/\(network.name).json sendVia" : "--send-via") {
            try SendVia.parse(sendVia ?? network.defaultSendVia, argument: sendVia == nil ? "sendVia" : "--send-via")
        }
        var reputation: PrivateKey?
        if let reputationKeyFile {
            reputation = try reporting("--reputation-key-file") { try KeySource.keyFile(path: reputationKeyFile).load() }
        } else if let text = environment[Self.reputationKeyVariable], !text.isEmpty {
            reputation = try reporting(Self.reputationKeyVariable) {
                try KeySource.environment(variable: Self.reputationKeyVariable).load(environment: environment)
            }
        }
        if let reputation, let operatorKey, reputation.address == operatorKey.address {
            throw CLIError("\(reputationKeyFile.map { "--reputation-key-file \($0)" } ?? Self.reputationKeyVariable): the reputation key must not be the operator key (it is sent with every relay request)")
        }
        if fallback == "public", !via.isPrivate { throw CLIError("--fallback public: only meaningful with a private --send-via") }
        let batching = PrivateBatching(rawValue: privateBatch) ?? .oneAtATime
        if batching == .bundle, via.isPrivate, reputation == nil {
            throw CLIError("--private-batch bundle: bundles need a reputation key (--reputation-key-file or \(Self.reputationKeyVariable)); never the operator key")
        }
        return SendChannel(via: via, fallback: FallbackPolicy(afterBlocks: fallbackAfter ?? network.replaceAfterBlocks, toPublic: fallback == "public"),
                           reputationKey: reputation, relayTimeoutMilliseconds: Int(max(0.001, relayTimeout) * 1000), batching: batching)
    }
}
