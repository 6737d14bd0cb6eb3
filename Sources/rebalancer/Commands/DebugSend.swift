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

extension Debug {
    /// `rebalancer debug send-eth`: a one-transaction plan through the real sender, confirmer and
    /// reconciler. If the journal holds unfinished work (e.g. after a crash), it reconciles and waits
    /// for that instead, and sends nothing new.
    struct SendEth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-eth", abstract: "Send native currency through the journaled sending path.")

        @OptionGroup var node: SendingOptions
        @OptionGroup var keyOptions: KeyOptions

        @Option(help: "Recipient address.")
        var to: String

        @Option(parsing: .unconditional, help: "Amount in wei (decimal).", transform: OptionValue.rawAmount)
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
                try ctx.journal.beginRun(network: ctx.network.name, portfolio: "debug send-eth", mode: .debug, blockNumber: nil,
                                         decision: .send, reasons: [], plan: nil, status: .sending)
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

        @OptionGroup var node: SendingOptions

        func run() throws {
            let ctx = try node.open()
            if !(try reconcileAndWait(ctx, options: node, key: nil)) { print("nothing to reconcile") }
        }
    }
}
