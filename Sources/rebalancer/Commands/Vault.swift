import ArgumentParser
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import MarketLoading

/// The owner's side of the rebalancing vault: deploy, allowlist, fund, withdraw, set the operator,
/// the guardian and the limits; the guardian's: pause. Every transaction goes through the same
/// journal, sender and confirmer as a rebalance.
struct Vault: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy and administer the rebalancing vault (owner key; pause: guardian or owner key).",
        subcommands: [Deploy.self, Allow.self, Deposit.self, Withdraw.self, SetOperator.self, SetLimits.self, SetGuardian.self,
                      Pause.self, Unpause.self, Info.self])

    /// Estimates, journals, sends and confirms `calls` from the key; throws unless all are mined.
    static func send(_ calls: [(label: String, to: Address?, data: [UInt8])], purpose: String,
                     options: SendingOptions, key: PrivateKey) throws -> [SendOutcome] {
        let ctx = try options.open()
        _ = try reconcileAndWait(ctx, options: options, key: key)
        var planned: [PlannedTransaction] = []
        for call in calls {
            let request = CallRequest(to: call.to, data: call.data, from: key.address)
            let gas = try reporting(call.label) { try ctx.client.estimateGas(request, block: .latest) }
            planned.append(PlannedTransaction(label: call.label, from: key.address, to: call.to, data: call.data, gasEstimate: gas))
        }
        let block = try? ctx.client.blockNumber()
        let runId = try reporting("journal") {
            try ctx.journal.beginRun(network: ctx.network.name, portfolio: purpose, mode: .admin, blockNumber: block,
                                     decision: .send, reasons: [], plan: nil, status: .sending)
        }
        let sender = TransactionSender(client: ctx.client, journal: ctx.journal, key: key, network: ctx.network)
        let sent = try reporting(purpose) { try sender.send(runId: runId, transactions: planned) }
        let confirmer = Confirmer(client: ctx.client, journal: ctx.journal, network: ctx.network, key: key,
                                  policy: options.policy(ctx.network), progress: options.progress)
        let outcomes = try reporting(purpose) { try confirmer.confirm(sent) }
        let ok = outcomes.count == planned.count && outcomes.allSatisfy { $0.status == .mined }
        try? ctx.journal.finishRun(runId, status: ok ? .completed : .failed, outcome: nil)
        if let failed = outcomes.first(where: { $0.status != .mined }) {
            throw CLIError("\(failed.label): transaction \(failed.hashHex) \(failed.status.rawValue)")
        }
        return outcomes
    }

    struct VaultAddress: ParsableArguments {
        @Option(help: "The vault's address.")
        var vault: String

        func address() throws -> Address { try reporting("--vault") { try Address(vault) } }
    }

    struct Deploy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a rebalancing vault owned by the key's address, with the given operator and the network's Balancer vault; prints its address.")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @Option(help: "The operator (hot wallet) allowed to call rebalance; the zero address pauses rebalancing.")
        var `operator`: String
        @Flag(help: "Print only the vault's address.")
        var quiet = false

        func run() throws {
            let operatorAddress = try reporting("--operator") { try Address(`operator`) }
            let key = try keyOptions.load()
            let ctx = try sending.open()
            let nonce = try reporting("--rpc-url") { try NonceManager(client: ctx.client, journal: ctx.journal).nextNonce(for: key.address) }
            // fixed for the vault's life: weighted pools can only be listed in this Balancer vault
            let code = try reporting("vault bytecode") {
                try VaultCalls.deployCode(owner: key.address, operator: operatorAddress, balancerVault: VaultCalls.balancerVault(of: ctx.network))
            }
            let outcomes = try Vault.send([("deploy rebalancing vault", nil, code)], purpose: "vault deploy", options: sending, key: key)
            let address = Address.contractAddress(deployer: key.address, nonce: outcomes.first?.nonce ?? nonce)
            if quiet {
                print(address.checksummed)
            } else {
                print("vault \(address.checksummed) deployed in tx \(outcomes.first?.hashHex ?? "?") (owner \(key.address.checksummed), operator \(operatorAddress.checksummed))")
            }
        }
    }

    struct Allow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allow the network file's DEX factories, set its tokens' price feeds, allowlist its tokens and pools in the vault (owner).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "Only these tokens (comma-separated symbols) and the pools between them; default: all.")
        var tokens: String?

        func run() throws {
            let network = try reporting("--network \(sending.network)") { try NetworkConfig.load(name: sending.network) }
            let vaultAddress = try vault.address()
            var only: Set<String>?
            if let tokens {
                only = Set(tokens.split(separator: ",").map { $0.trimmingSpaces })
                for t in only! where network.token(t) == nil {
                    throw CLIError("--tokens: \(t) is not a token of networks/\(network.name).json")
                }
            }
            let calls = VaultCalls.allowlist(network: network, tokens: only)
            for (index, token) in network.tokens.enumerated() where (only?.contains(token.symbol) ?? true) && token.priceFeed == nil {
                // without a fresh price for every allowlisted token, every rebalance reverts
                throw CLIError("networks/\(network.name).json: tokens[\(index)].priceFeed: missing (the vault prices every allowlisted token on each rebalance)")
            }
            let key = try keyOptions.load()
            // Pools last, in a batch of their own: allowPool checks the pair against an allowed
            // factory, and with its tokens already in it writes routes (more gas than an estimate
            // taken before would say).
            let batches = [calls.filter { $0.stage < .pool }, calls.filter { $0.stage == .pool }]
            var count = 0
            for batch in batches where !batch.isEmpty {
                let sends = batch.map { (label: $0.label, to: Optional(vaultAddress), data: $0.data) }
                count += try Vault.send(sends, purpose: "vault allow", options: sending, key: key).count
            }
            func number(_ stage: VaultCalls.AllowStage) -> Int { calls.filter { $0.stage == stage }.count }
            print("allowed \(number(.factory)) factories, \(number(.priceFeed)) price feeds, \(number(.token)) tokens and \(number(.pool)) pools in \(vaultAddress.checksummed) (\(count) transactions)")
        }
    }

    struct Deposit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Transfer tokens from the key's wallet into the vault.")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "Token symbol from the network file.")
        var token: String
        @Option(parsing: .unconditional, help: "Amount in whole tokens (e.g. 20.5), exact.", transform: OptionValue.tokenAmount)
        var amount: String

        func run() throws {
            let network = try reporting("--network \(sending.network)") { try NetworkConfig.load(name: sending.network) }
            guard let entry = network.token(token) else { throw CLIError("--token: \(token) is not a token of networks/\(network.name).json") }
            let raw = try reporting("--amount") { try Units.parseTokenAmount(amount, decimals: entry.decimals) }
            let transfer = try ABIFunction(signature: "transfer(address,uint256)")
            let data = try transfer.encodeCall([.address(try vault.address()), .uint(raw)])
            let key = try keyOptions.load()
            // A transfer above the balance reverts without a reason on most tokens: say it plainly first.
            let ctx = try sending.open()
            let balanceOf = try ABIFunction(signature: "balanceOf(address)(uint256)")
            let reply = try reporting("\(token).balanceOf") {
                try ctx.client.call(to: entry.address, data: try balanceOf.encodeCall([.address(key.address)]), block: .latest)
            }
            let held = UInt256(bigEndian: reply.prefix(32)) ?? .zero
            guard held >= raw else {
                throw CLIError("--amount: \(amount) \(token) is more than the \(Units.exact(held, decimals: entry.decimals)) \(token) "
                               + "that \(key.address.checksummed) holds; nothing sent")
            }
            _ = try Vault.send([("deposit \(amount) \(token)", entry.address, data)], purpose: "vault deposit", options: sending, key: key)
            print("deposited \(amount) \(token) (\(raw) raw) into \(try vault.address().checksummed)")
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw tokens from the vault (owner only).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "Token symbol from the network file.")
        var token: String
        @Option(parsing: .unconditional, help: "Amount in whole tokens, exact.", transform: OptionValue.tokenAmount)
        var amount: String
        @Option(help: "Recipient (default: the owner's own address).")
        var to: String?

        func run() throws {
            let network = try reporting("--network \(sending.network)") { try NetworkConfig.load(name: sending.network) }
            guard let entry = network.token(token) else { throw CLIError("--token: \(token) is not a token of networks/\(network.name).json") }
            let raw = try reporting("--amount") { try Units.parseTokenAmount(amount, decimals: entry.decimals) }
            let key = try keyOptions.load()
            let recipient = try to.map { text in try reporting("--to") { try Address(text) } } ?? key.address
            let data = VaultCalls.withdraw(token: entry.address, amount: raw, to: recipient)
            _ = try Vault.send([("withdraw \(amount) \(token)", try vault.address(), data)], purpose: "vault withdraw", options: sending, key: key)
            print("withdrew \(amount) \(token) to \(recipient.checksummed)")
        }
    }

    struct SetOperator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-operator", abstract: "Change the vault's operator; the zero address pauses rebalancing (owner only).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "New operator address.")
        var `operator`: String

        func run() throws {
            let operatorAddress = try reporting("--operator") { try Address(`operator`) }
            let key = try keyOptions.load()
            _ = try Vault.send([("set operator \(operatorAddress.checksummed)", try vault.address(), VaultCalls.setOperator(operatorAddress))],
                               purpose: "vault set-operator", options: sending, key: key)
            print("operator of \(try vault.address().checksummed) is now \(operatorAddress.checksummed)")
        }
    }

    struct SetLimits: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-limits",
            abstract: "Set the vault's loss and volume limits (owner only); options left out keep the contract's defaults.")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "Per call: the value received may be at most this many bps below the value given (0-10000; default 100).")
        var maxLossBps: UInt64 = VaultCalls.Limits.defaults.maxLossBps
        @Option(help: "Per call: the value given may be at most this percent of NAV (0-100; default 10).")
        var maxCallPercent: UInt64 = VaultCalls.Limits.defaults.maxCallPercent
        @Option(help: "Rolling 24 hours: the value given may be at most this percent of NAV (0-100; default 30).")
        var maxDailyPercent: UInt64 = VaultCalls.Limits.defaults.maxDailyPercent
        @Option(help: "Rolling 24 hours: the measured loss may be at most this many bps of NAV (0-10000; default 30).")
        var maxDailyLossBps: UInt64 = VaultCalls.Limits.defaults.maxDailyLossBps

        func run() throws {
            guard maxLossBps <= 10_000 else { throw CLIError("--max-loss-bps: \(maxLossBps) is more than 10000") }
            guard maxCallPercent <= 100 else { throw CLIError("--max-call-percent: \(maxCallPercent) is more than 100") }
            guard maxDailyPercent <= 100 else { throw CLIError("--max-daily-percent: \(maxDailyPercent) is more than 100") }
            guard maxDailyLossBps <= 10_000 else { throw CLIError("--max-daily-loss-bps: \(maxDailyLossBps) is more than 10000") }
            let limits = VaultCalls.Limits(maxLossBps: maxLossBps, maxCallPercent: maxCallPercent,
                                           maxDailyPercent: maxDailyPercent, maxDailyLossBps: maxDailyLossBps)
            let key = try keyOptions.load()
            let address = try vault.address()
            _ = try Vault.send([("set limits", address, VaultCalls.setLimits(limits))], purpose: "vault set-limits", options: sending, key: key)
            print("limits of \(address.checksummed): max loss \(maxLossBps) bps per call, \(maxCallPercent) % of NAV per call, "
                  + "\(maxDailyPercent) % of NAV and \(maxDailyLossBps) bps of NAV lost per rolling day")
        }
    }

    struct SetGuardian: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-guardian", abstract: "Name the guardian, who can only pause the vault; the zero address removes it (owner only).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress
        @Option(help: "Guardian address.")
        var guardian: String

        func run() throws {
            let guardianAddress = try reporting("--guardian") { try Address(guardian) }
            let key = try keyOptions.load()
            _ = try Vault.send([("set guardian \(guardianAddress.checksummed)", try vault.address(), VaultCalls.setGuardian(guardianAddress))],
                               purpose: "vault set-guardian", options: sending, key: key)
            print("guardian of \(try vault.address().checksummed) is now \(guardianAddress.checksummed)")
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every rebalance until the owner unpauses (guardian or owner key).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress

        func run() throws {
            let key = try keyOptions.load()
            _ = try Vault.send([("pause vault", try vault.address(), VaultCalls.pause)], purpose: "vault pause", options: sending, key: key)
            print("\(try vault.address().checksummed) is paused")
        }
    }

    struct Unpause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the operator rebalance again (owner only).")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var vault: VaultAddress

        func run() throws {
            let key = try keyOptions.load()
            _ = try Vault.send([("unpause vault", try vault.address(), VaultCalls.unpause)], purpose: "vault unpause", options: sending, key: key)
            print("\(try vault.address().checksummed) is unpaused")
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the vault's roles, its bounds on a rebalance (limits, what the rolling day leaves) and the prices it uses.")
        @OptionGroup var sending: SendingOptions
        @OptionGroup var vault: VaultAddress

        func run() throws {
            let ctx = try sending.open()
            let address = try vault.address()
            let code = try reporting("--vault") { try ctx.client.getCode(address, block: .latest) }
            guard !code.isEmpty else { throw CLIError("--vault: no contract at \(address.checksummed) on \(ctx.network.name)") }
            let owner = try reporting("owner()") { try ctx.client.call(to: address, data: VaultCalls.ownerCall, block: .latest) }
            let op = try reporting("operator()") { try ctx.client.call(to: address, data: VaultCalls.operatorCall, block: .latest) }
            print("vault    \(address.checksummed)")
            print("owner    \(Address(word: owner)?.checksummed ?? "?")")
            print("operator \(Address(word: op)?.checksummed ?? "?")")
            // The bounds as the planner sees them: the same one-round-trip read, with the vault as holder.
            let loader = StateLoader(client: ctx.client, network: ctx.network, networkFile: ConfigLoading.networkLabel(ctx.network.name))
            let loaded = try reporting("--vault") { try loader.load(StateRequest(holder: address, vault: address)) }
            guard let bounds = loaded.state.vault else {
                print("bounds   none (a vault from before the on-chain bounds)")
                return
            }
            print("block    \(loaded.state.block.number)")
            print("paused   \(bounds.paused ? "YES: rebalance refuses until the owner unpauses" : "no")")
            print("limits   \(bounds.maxLossBps) bps loss per call, \(bounds.maxCallPercent) % of NAV per call, "
                  + "\(bounds.maxDailyPercent) % of NAV and \(bounds.maxDailyLossBps) bps of NAV lost per rolling day")
            if let problem = bounds.pricingProblem { print("prices   CANNOT PRICE: \(problem) (rebalance refuses)") }
            if let nav = bounds.nav { print("NAV      \(VaultBounds.usd(nav))") }
            if let left = bounds.volumeLeft { print("budget   \(VaultBounds.usd(left)) may be given in one call now") }
            if let loss = bounds.lossLeft { print("loss     \(VaultBounds.usd(loss)) of the rolling day's loss budget left") }
            var table = Table([("token", .left), ("balance", .right), ("vault price", .right), ("value", .right)])
            for token in loaded.state.tokens {
                let balance = loaded.state.balance(of: token.symbol)
                let unit = bounds.unitValues[token.symbol]
                guard unit != nil || !balance.isZero else { continue }
                table.add([token.symbol, Units.exact(balance, decimals: token.decimals), unit.map(VaultBounds.usd) ?? "no price",
                           bounds.value(of: token.symbol, amount: balance, decimals: token.decimals).map(VaultBounds.usd) ?? "-"])
            }
            print(table.render())
        }
    }
}
