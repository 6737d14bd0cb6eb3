import ArgumentParser
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market

#if canImport(Glibc)
import Glibc
#endif

/// Hidden developer verbs that drive the real sending path with tiny plans.
struct Debug: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer tools (hidden): exercise the sender, confirmer and reconciler.",
        shouldDisplay: false,
        subcommands: [SendEth.self, Reconcile.self])
}

/// Options shared by the debug verbs: network, node, data directory.
struct DebugNodeOptions: ParsableArguments {
    @Option(help: "Network name (networks/<name>.json).")
    var network: String = "devnet"

    @Option(help: "JSON-RPC URL (default: the network's rpcUrlEnv variable, then ETH_RPC_URL, then its local default).")
    var rpcUrl: String?

    @Option(help: "Directory for the journal (<data-dir>/<network>/journal.sqlite); created with mode 0700.")
    var dataDir: String = "~/.rebalancer"

    @Option(help: "Seconds between receipt polls.")
    var pollInterval: Double = 1

    @Option(help: "Give up waiting for confirmations after this many seconds (the journal keeps the rest).")
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
        let path = try reporting("--data-dir \(dataDir)") { try Self.journalPath(dataDir: dataDir, network: network.name) }
        let journal = try reporting("--data-dir \(dataDir)") { try Journal(path: path) }
        // Only the operator reads the journal (its directory is 0700 too).
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try reporting("--network \(network.name)") { try TransactionSender.verifyChainId(client: client, network: network) }
        return Context(network: network, client: client, journal: journal)
    }

    /// `<data-dir>/<network>/journal.sqlite`, creating both directories with mode 0700.
    static func journalPath(dataDir: String, network: String) throws -> String {
        let root = URL(fileURLWithPath: (dataDir as NSString).expandingTildeInPath)
        let dir = root.appendingPathComponent(network)
        for d in [root, dir] {
            if !FileManager.default.fileExists(atPath: d.path) {
                try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        return dir.appendingPathComponent("journal.sqlite").path
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

/// Where the key comes from: never a command-line argument.
struct DebugKeyOptions: ParsableArguments {
    @Option(help: "File holding the hex private key (mode 0600). Default: the ETH_PRIVATE_KEY environment variable.")
    var keyFile: String?

    @Option(help: "Keystore v3 file; password from --password-file, ETH_PASSWORD, or a prompt.")
    var keystore: String?

    @Option(help: "File holding the keystore's password (mode 0600).")
    var passwordFile: String?

    func load() throws -> PrivateKey {
        let source: KeySource
        if let keystore {
            let password: PasswordSource
            if let passwordFile { password = .file(path: passwordFile) }
            else if ProcessInfo.processInfo.environment[PasswordSource.defaultEnvironmentVariable] != nil {
                password = .environment(variable: PasswordSource.defaultEnvironmentVariable)
            } else { password = .prompt }
            source = .keystore(path: keystore, password: password)
        } else if let keyFile {
            source = .keyFile(path: keyFile)
        } else {
            source = .environment(variable: KeySource.defaultEnvironmentVariable)
        }
        return try reporting("key") { try source.load() }
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
func reconcileAndWait(_ ctx: DebugNodeOptions.Context, options: DebugNodeOptions, key: PrivateKey?) throws -> Bool {
    let report = try reporting("reconcile") { try Reconciler(client: ctx.client, journal: ctx.journal).reconcile() }
    for d in report.decisions { print("reconcile: \(d.label) nonce \(d.nonce) \(d.hash): \(d.action)") }
    for p in report.problems { print("reconcile: \(p)") }
    if !report.pending.isEmpty {
        let confirmer = Confirmer(client: ctx.client, journal: ctx.journal, network: ctx.network, key: key,
                                  policy: options.policy(ctx.network), progress: options.progress)
        let outcomes = try reporting("confirm") { try confirmer.confirm(records: report.pending) }
        outcomes.forEach(printOutcome)
    }
    let finished = try reporting("reconcile") { try Reconciler(client: ctx.client, journal: ctx.journal).finishEndedRuns() }
    for f in report.finishedRuns + finished { print("run \(f.runId): \(f.status.rawValue)") }
    return !report.decisions.isEmpty || !report.problems.isEmpty || !report.finishedRuns.isEmpty || !finished.isEmpty
}

extension Debug {
    /// `rebalancer debug send-eth`: a one-transaction plan through the real sender, confirmer and
    /// reconciler. If the journal holds unfinished work (e.g. after a crash), it reconciles and waits
    /// for that instead, and sends nothing new.
    struct SendEth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-eth", abstract: "Send native currency through the journaled sending path.")

        @OptionGroup var node: DebugNodeOptions
        @OptionGroup var keyOptions: DebugKeyOptions

        @Option(help: "Recipient address.")
        var to: String

        @Option(help: "Amount in wei (decimal).")
        var value: String

        func run() throws {
            let to = try reporting("--to") { try Address(self.to) }
            guard let value = UInt256(decimal: self.value) else { throw CLIError("--value: \"\(self.value)\" is not a decimal wei amount") }
            let key = try keyOptions.load()
            let ctx = try node.open()
            guard !ctx.network.mainnet else {
                throw CLIError("--network \(ctx.network.name): debug send-eth is for test networks only; nothing sent")
            }
            if try reconcileAndWait(ctx, options: node, key: key) {
                print("the journal had unfinished transactions: reconciled them; nothing new sent")
                return
            }
            let gas = try reporting("eth_estimateGas") {
                try ctx.client.estimateGas(CallRequest(to: to, data: [], from: key.address, value: value))
            }
            let planned = PlannedTransaction(label: "send-eth \(value) wei to \(to)", from: key.address, to: to, data: [],
                                             value: value, gasEstimate: gas)
            let runId = try reporting("journal") {
                try ctx.journal.beginRun(network: ctx.network.name, portfolio: "debug send-eth", mode: "debug", blockNumber: nil,
                                         decision: "send", reasons: [], plan: nil, status: .sending)
            }
            let sender = TransactionSender(client: ctx.client, journal: ctx.journal, key: key, network: ctx.network,
                                           gasLimitPaddingPercent: 0, hooks: CrashInjection.hooks())
            let sent: [SentTransaction]
            do {
                sent = try sender.send(runId: runId, transactions: [planned])
            } catch {
                _ = try? Reconciler(client: ctx.client, journal: ctx.journal).finishEndedRuns()
                throw CLIError("send: \(error)")
            }
            for s in sent { print("sent \(s.label): hash \(s.hashHex) nonce \(s.nonce) \(s.fees)") }
            let confirmer = Confirmer(client: ctx.client, journal: ctx.journal, network: ctx.network, key: key,
                                      policy: node.policy(ctx.network), progress: node.progress)
            let outcomes = try reporting("confirm") { try confirmer.confirm(sent) }
            outcomes.forEach(printOutcome)
            let finished = try reporting("journal") { try Reconciler(client: ctx.client, journal: ctx.journal).finishEndedRuns() }
            for f in finished { print("run \(f.runId): \(f.status.rawValue)") }
        }
    }

    /// `rebalancer debug reconcile`: only the start-up reconciliation, then wait for what is pending.
    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reconcile the journal with the chain and wait for pending transactions.")

        @OptionGroup var node: DebugNodeOptions

        func run() throws {
            let ctx = try node.open()
            if !(try reconcileAndWait(ctx, options: node, key: nil)) { print("nothing to reconcile") }
        }
    }
}

/// TEST-ONLY fault injection: `REBALANCER_TEST_CRASH=after-journal|after-broadcast` makes the
/// process kill itself with SIGKILL right after the signed transactions are journaled (nothing
/// broadcast) or right after the broadcast (before the journal says so), so the crash-safety tests
/// can prove that the next run reconciles without sending twice. Never set it in production.
enum CrashInjection {
    static let variable = "REBALANCER_TEST_CRASH"

    static func hooks(environment: [String: String] = ProcessInfo.processInfo.environment) -> SendHooks {
        switch environment[variable] {
        case "after-journal": return SendHooks(afterJournal: { die() })
        case "after-broadcast": return SendHooks(afterBroadcast: { die() })
        default: return SendHooks()
        }
    }

    private static func die() {
        kill(getpid(), SIGKILL)
    }
}
