import ArgumentParser
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market

/// Options of every verb that signs and sends: network, node, data directory, confirmation waits.
struct SendingOptions: ParsableArguments {
    @Option(help: "Network name (networks/<name>.json).", transform: OptionValue.networkName)
    var network: String = "devnet"

    @Option(help: "JSON-RPC URL (default: the network's rpcUrlEnv variable, then ETH_RPC_URL, then its local default).")
    var rpcUrl: String?

    @Option(help: "Directory for the journal (<data-dir>/<network>/journal.sqlite; default REBALANCER_DATA_DIR or ~/.rebalancer); created with mode 0700.")
    var dataDir: String?

    @Option(parsing: .unconditional, help: "Seconds between receipt polls.", transform: OptionValue.seconds)
    var pollInterval: Double = 1

    @Option(parsing: .unconditional, help: "Give up waiting for confirmations after this many seconds (the journal keeps the rest).",
            transform: OptionValue.seconds)
    var timeout: Double = 600

    struct Context {
        var network: NetworkConfig
        var client: EthClient
        var journal: Journal
    }

    func open() throws -> Context {
        let network = try reporting("--network \(self.network)") { try NetworkConfig.load(name: self.network) }
        let url = try reporting("--rpc-url") {
            try RPCEndpoint.resolveURL(explicit: rpcUrl, networkVariable: network.rpcUrlEnv, defaultURL: network.defaultRpcUrl)
        }
        let client = try reporting("--rpc-url") { try EthClient(url: url) }
        let journal = try DataDirectory(dataDir).openJournal(network: network.name)
        try reporting("--network \(network.name)") { try TransactionSender.verifyChainId(client: client, network: network) }
        return Context(network: network, client: client, journal: journal)
    }

    /// Progress on a terminal, silence otherwise.
    var progress: (@Sendable (ConfirmerEvent) -> Void)? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return { event in FileHandle.standardError.write(Data("\(event)\n".utf8)) }
    }

    func policy(_ network: NetworkConfig) -> ConfirmationPolicy {
        ConfirmationPolicy(network: network, pollIntervalSeconds: pollInterval, timeoutSeconds: timeout)
    }
}

func printOutcome(_ o: SendOutcome) {
    var line = "\(o.label): \(o.status.rawValue) hash \(o.hashHex) nonce \(o.nonce)"
    if let block = o.blockNumber { line += " block \(block)" }
    if let gas = o.gasUsed { line += " gasUsed \(gas)" }
    if let price = o.effectiveGasPrice { line += " effectiveGasPrice \(price)" }
    if o.replacements > 0 { line += " replacements \(o.replacements)" }
    print(line)
}

/// Reconciles the journal with the chain and waits for what is still pending; reports what it did.
/// Returns true when it found earlier work (so the caller does not start anything new).
func reconcileAndWait(_ ctx: SendingOptions.Context, options: SendingOptions, key: PrivateKey?) throws -> Bool {
    let policy = options.policy(ctx.network)
    let reconciler = Reconciler(client: ctx.client, journal: ctx.journal, droppedAfterBlocks: policy.droppedAfterBlocks)
    let confirmer = Confirmer(client: ctx.client, journal: ctx.journal, network: ctx.network, key: key, policy: policy,
                              progress: options.progress)
    let settled = try reporting("reconcile") { try reconciler.settle(confirmer: confirmer) }
    for d in settled.report.decisions { print("reconcile: \(d.label) nonce \(d.nonce) \(d.hash): \(d.action)") }
    for p in settled.report.problems { print("reconcile: \(p)") }
    settled.outcomes.forEach(printOutcome)
    for f in settled.report.finishedRuns + settled.finishedAfterWait { print("run \(f.runId): \(f.status.rawValue)") }
    return settled.foundEarlierWork
}
