import Cycle
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
import Market
import MarketLoading
import Operations
import Strategy

/// The checks of `rebalancer doctor`, in the order a setup is built: files, node, chain, contracts,
/// money, vault, prices, alerts, rehearsal, key. Each returns its lines; none sends a transaction.
struct DoctorChecks {
    var portfolioFile: String
    var networkName: String?
    var rpc: RPCOptions
    var keyOptions: KeyOptions
    var dataDir: String?
    /// How many rebalances the operator's gas money must cover.
    var rebalances: Int
    var sendTestAlert: Bool
    var environment: [String: String]
    var now: Date = Date()

    /// Gas assumed for one rebalance when none is due (so there is no plan to measure): a vault
    /// call over three two-hop routes, or an EOA's approvals and swaps, stay below it on the devnet.
    static let assumedGasPerRebalance: UInt64 = 600_000

    func run() -> DoctorReport {
        var checks: [DoctorCheck] = []

        // 1. The files.
        let portfolio: PortfolioConfig, network: NetworkConfig
        do {
            portfolio = try ConfigLoading.portfolio(path: portfolioFile)
            network = try ConfigLoading.network(named: networkName ?? portfolio.network)
            try ConfigLoading.validate(portfolio, file: portfolioFile, knownTokens: Set(network.tokens.map(\.symbol)))
            checks.append(.ok("config", "\(portfolioFile) and \(ConfigLoading.networkLabel(network.name)) are valid"))
        } catch {
            checks.append(.fail("config", "\(error)", fix: "correct the file and field named above"))
            checks += ["node", "chain", "synced", "multicall3", "gas money", "vault", "prices"].map { .skip($0, needs: "valid config files") }
            checks += alerts() + [key(operator: nil)]
            return DoctorReport(portfolio: portfolioFile, network: networkName, checks: checks)
        }
        let rpcHint = rpc.urls.isEmpty ? "set \(network.rpcUrlEnv) or pass --rpc-url" : "check --rpc-url"
        let afterNode = ["chain", "synced", "multicall3", "gas money", "vault", "prices"]

        // 2. The node.
        let session: NodeSession
        let head: UInt64
        do {
            session = try NodeSession(urls: rpc.urls, network: network, callTimeoutSeconds: rpc.rpcTimeout,
                                      deadline: RPCDeadline(seconds: rpc.rpcTimeout))
            head = try session.client.blockNumber()
            let refused = session.refused.isEmpty ? "" : "; refused: " + session.refused.joined(separator: "; ")
            checks.append(.ok("node", "\(session.client.rpc.endpointDescription) answers at block \(head)\(refused)"))
        } catch {
            checks.append(.fail("node", "cannot reach the node: \(error)", fix: "start the node, or \(rpcHint)"))
            checks += afterNode.map { .skip($0, needs: "a node") }
            return finish(checks, portfolio: portfolio, network: network)
        }
        let client = session.client

        // 3. The chain.
        do {
            let chainId = try client.chainId()
            guard chainId == network.chainId else {
                checks.append(.fail("chain", "the node is on chain \(chainId), \(ConfigLoading.networkLabel(network.name)) is chain \(network.chainId)",
                                    fix: "point the RPC URL at a \(network.name) node (\(rpcHint)), or choose the right --network"))
                checks += afterNode.dropFirst().map { .skip($0, needs: "a node on the right chain") }
                return finish(checks, portfolio: portfolio, network: network)
            }
            checks.append(.ok("chain", "chain id \(chainId) as \(ConfigLoading.networkLabel(network.name)) says"))
        } catch {
            checks.append(.fail("chain", "eth_chainId failed: \(error)", fix: rpcHint))
            checks += afterNode.dropFirst().map { .skip($0, needs: "a node on the right chain") }
            return finish(checks, portfolio: portfolio, network: network)
        }

        // 4. Synced: not catching up, and a head no older than the policy lets a plan's block be.
        checks.append(synced(client: client, maxAge: portfolio.policy.maxBlockAgeSeconds))

        // 5. Multicall3: every state read is one aggregate3 call to it.
        if let code = try? client.getCode(network.multicall3, block: .latest), !code.isEmpty {
            checks.append(.ok("multicall3", "\(network.multicall3.checksummed) has code"))
        } else {
            checks.append(.fail("multicall3", "no contract at \(network.multicall3.checksummed) (multicall3 in \(ConfigLoading.networkLabel(network.name)))",
                                fix: "correct multicall3 in the network file (the canonical address is 0xcA11bde05977b3631167028862bE2a173976CA11)"))
            checks += ["gas money", "vault", "prices"].map { .skip($0, needs: "Multicall3 (the state read)") }
            return finish(checks, portfolio: portfolio, network: network)
        }

        // 6. The state, read once as a run reads it.
        let loaded: LoadedState
        do { loaded = try session.read(portfolio: portfolio) } catch {
            checks.append(.fail("state", "the portfolio's state cannot be read: \(error)", fix: "see the reason; a vault address must be the rebalancing vault"))
            checks += ["gas money", "vault", "prices"].map { .skip($0, needs: "the state read") }
            return finish(checks, portfolio: portfolio, network: network)
        }
        let market = PlanningPipeline.market(state: loaded.state, network: network)
        checks.append(gasMoney(loaded: loaded, market: market, portfolio: portfolio, network: network))
        if portfolio.mode == .vault { checks += vault(client: client, portfolio: portfolio, network: network, state: loaded.state) }
        checks.append(prices(portfolio: portfolio, state: loaded.state, market: market, network: network))
        return finish(checks, portfolio: portfolio, network: network)
    }

    /// The checks that need no node.
    func finish(_ checks: [DoctorCheck], portfolio: PortfolioConfig, network: NetworkConfig) -> DoctorReport {
        DoctorReport(portfolio: portfolioFile, network: network.name,
                     checks: checks + alerts() + [rehearsal(portfolio: portfolio, network: network), key(operator: portfolio.operator)])
    }

    func synced(client: EthClient, maxAge: Double) -> DoctorCheck {
        do {
            let syncing = try client.rpc.call("eth_syncing")
            if syncing != .bool(false) {
                let current = syncing["currentBlock"]?.stringValue ?? "?", highest = syncing["highestBlock"]?.stringValue ?? "?"
                return .fail("synced", "the node is still syncing (block \(current) of \(highest)): its state is not the chain's",
                             fix: "wait until the node has synced, or use another node")
            }
            let block = try client.getBlock(.latest)
            let age = max(0, now.timeIntervalSince1970 - Double(block.timestamp))
            if maxAge.isFinite, age > maxAge {
                return .warn("synced", "the head block \(block.number) is \(Int(age)) s old (policy.maxBlockAgeSeconds \(Int(maxAge))): runs would refuse it as stale",
                             fix: "on a live network the node is behind: check its peers; a local devnet mines only when sent a transaction")
            }
            return .ok("synced", "not syncing; head block \(block.number) is \(Int(age)) s old")
        } catch {
            return .fail("synced", "eth_syncing failed: \(error)", fix: "use a node that answers eth_syncing")
        }
    }

    func gasMoney(loaded: LoadedState, market: MarketView, portfolio: PortfolioConfig, network: NetworkConfig) -> DoctorCheck {
        let balance = loaded.operatorNativeBalance ?? .zero
        var gas = Self.assumedGasPerRebalance
        var basis = "assumed \(gas) gas per rebalance (none is due now)"
        if let plan = try? PlanningPipeline.run(state: loaded.state, network: network, portfolio: portfolio,
                                                now: UInt64(max(0, now.timeIntervalSince1970))).plan {
            // The router's gas for the routes, 21k per transaction and ≈ 46k per EOA approval.
            let approvals = UInt64(plan.transactions.filter { $0.approval != nil }.count)
            gas = plan.trades.routeGas + 21_000 * UInt64(plan.transactions.count) + 46_000 * approvals
            basis = "\(gas) gas planned for the rebalance due now"
        }
        let price = market.gasPriceWei
        let one = UInt256(gas).multiplied(by: price) ?? .max
        let needed = one.multiplied(by: UInt256(UInt64(rebalances))) ?? .max
        let have = Units.exact(balance, decimals: 18), perRun = Units.exact(one, decimals: 18)
        let gwei = Units.exact(price, decimals: 9)
        let context = "operator \(portfolio.operator.checksummed) holds \(have) ETH; one rebalance costs \(perRun) ETH at \(gwei) gwei (\(basis))"
        if balance < one {
            return .fail("gas money", "\(context): not enough for one", fix: "send the operator at least \(Units.exact(needed, decimals: 18)) ETH for \(rebalances) rebalances")
        }
        if balance < needed {
            return .warn("gas money", "\(context): enough for fewer than \(rebalances)",
                         fix: "top the operator up to \(Units.exact(needed, decimals: 18)) ETH (--rebalances sets how many)")
        }
        return .ok("gas money", "\(context): enough for \(rebalances) or more")
    }

    static let tokenAllowedFn = ABIFunction(name: "tokenAllowed", inputs: [.init(type: .address)], outputs: [.init(type: .bool)])

    /// The vault's roles and allowlist against the portfolio.
    func vault(client: EthClient, portfolio: PortfolioConfig, network: NetworkConfig, state: ChainState) -> [DoctorCheck] {
        guard let vault = portfolio.vault else {
            return [.fail("vault", "\(portfolioFile): vault mode names no vault", fix: "set \"vault\" in the portfolio file")]
        }
        var checks: [DoctorCheck] = []
        let owner = (try? client.call(to: vault, data: VaultCalls.ownerCall, block: .latest)).flatMap { Address(word: $0) }
        let op = (try? client.call(to: vault, data: VaultCalls.operatorCall, block: .latest)).flatMap { Address(word: $0) }
        guard let owner, let op else {
            return [.fail("vault", "\(vault.checksummed) does not answer owner() and operator(): not a rebalancing vault",
                          fix: "correct \"vault\" in \(portfolioFile) (`rebalancer vault deploy` makes one)")]
        }
        if op != portfolio.operator {
            checks.append(.fail("vault roles", "the vault's operator is \(op.checksummed), \(portfolioFile) names \(portfolio.operator.checksummed)",
                                fix: "the owner runs `rebalancer vault set-operator`, or correct \"operator\" in the portfolio file"))
        } else if owner == op {
            checks.append(.warn("vault roles", "owner and operator are both \(op.checksummed): the hot key can withdraw everything",
                                fix: "keep the owner key cold: `rebalancer vault set-operator` to a separate operator key"))
        } else {
            checks.append(.ok("vault roles", "operator \(op.checksummed) as the portfolio says; owner \(owner.checksummed) is another key"))
        }
        var notAllowed: [String] = []
        for target in portfolio.targets {
            guard let token = network.token(target.token), let data = try? Self.tokenAllowedFn.encodeCall([.address(token.address)]),
                  let reply = try? client.call(to: vault, data: data, block: .latest) else { notAllowed.append(target.token); continue }
            if (reply.last ?? 0) != 1 { notAllowed.append(target.token) }
        }
        let routable = (network.pools ?? []).filter { !state.excludedPools.contains($0.address) }.count
        if !notAllowed.isEmpty {
            checks.append(.fail("vault allowlist", "the vault does not allow \(notAllowed.joined(separator: ", "))",
                                fix: "the owner runs `rebalancer vault allow --vault \(vault.checksummed)`"))
        } else if routable == 0, !(network.pools ?? []).isEmpty {
            checks.append(.fail("vault allowlist", "the vault lists none of the network's pools",
                                fix: "the owner runs `rebalancer vault allow --vault \(vault.checksummed)`"))
        } else {
            checks.append(.ok("vault allowlist", "every target token allowed; \(state.excludedPools.count) pool(s) not listed"))
        }
        if let bounds = state.vault {
            if bounds.paused {
                checks.append(.fail("vault state", "the vault is paused: rebalance refuses", fix: "the owner runs `rebalancer vault unpause` once it is safe"))
            } else if let problem = bounds.pricingProblem {
                checks.append(.fail("vault state", "the vault cannot price: \(problem)", fix: "fix the vault's price feeds (`rebalancer vault info`)"))
            } else {
                checks.append(.ok("vault state", "not paused; it prices every token it holds"))
            }
        }
        return checks
    }

    /// Every target token needs a pool path to the quote token, through pools the holder may use.
    func prices(portfolio: PortfolioConfig, state: ChainState, market: MarketView, network: NetworkConfig) -> DoctorCheck {
        let excluded = Set(state.excludedPools)
        // A new view, not `pools` reassigned: the view indexes its pools when it is made.
        let routable = MarketView(tokens: market.tokens, balances: market.balances, pools: market.pools.filter { !excluded.contains($0.address) },
                                  blockNumber: market.blockNumber, blockTimestamp: market.blockTimestamp, gasPriceWei: market.gasPriceWei,
                                  wrappedNative: market.wrappedNative, priceHistory: market.priceHistory)
        let hops = max(1, portfolio.policy.maxHops)
        let missing = portfolio.targets.map(\.token).filter { token in
            token != portfolio.quoteToken && (try? Valuation.prices(of: [token], quote: portfolio.quoteToken, market: routable, maxHops: hops)) == nil
        }
        guard missing.isEmpty else {
            return .fail("prices", "no pool path of at most \(hops) hop(s) links \(missing.joined(separator: ", ")) to \(portfolio.quoteToken)",
                         fix: "add a pool to \(ConfigLoading.networkLabel(network.name)) (pools) or raise policy.maxHops; in vault mode the owner allows it")
        }
        return .ok("prices", "every target token has a pool path to \(portfolio.quoteToken) (\(routable.pools.count) pools)")
    }

    /// Alert settings, a TCP connection to each channel, and a test message only when asked.
    func alerts() -> [DoctorCheck] {
        let config: AlertConfig
        do { config = try AlertConfig.fromEnvironment(environment) } catch {
            return [.fail("alerts", "\(error)", fix: "correct the variable named")]
        }
        if config.notifiers.isEmpty {
            return [.warn("alerts", "no alert channel: a failing daemon is only logged",
                          fix: "set \(AlertConfig.Variable.webhookURL) and/or \(AlertConfig.Variable.smtpURL) with its sender and recipients")]
        }
        var checks: [DoctorCheck] = []
        let urls = [(AlertConfig.Variable.webhookURL, config.webhook?.channelDescription), (AlertConfig.Variable.smtpURL, config.email?.channelDescription)]
        for (variable, described) in urls {
            guard let described, let raw = environment[variable], let (host, port) = ReachabilityProbe.hostAndPort(raw) else { continue }
            if let problem = ReachabilityProbe.connect(host: host, port: port, timeoutSeconds: 5) {
                checks.append(.fail("alerts", "\(described): cannot connect to \(host):\(port): \(problem)", fix: "check \(variable) and the firewall"))
            } else {
                checks.append(.ok("alerts", "\(described): \(host):\(port) accepts connections"))
            }
        }
        if sendTestAlert {
            let message = AlertMessage(kind: .alert, subject: "rebalancer doctor: test alert", body: "A test message from `rebalancer doctor --send-test-alert` for \(portfolioFile).", time: now)
            let failures = AlertDispatch.send(message, through: config.notifiers)
            checks.append(failures.isEmpty
                ? .ok("test alert", "delivered through \(config.notifiers.count) channel(s)")
                : .fail("test alert", failures.map { "\($0)" }.joined(separator: "; "), fix: "check the channel's URL and credentials"))
        }
        return checks
    }

    /// On mainnet the runbook asks for a passed rehearsal of this portfolio and policy.
    func rehearsal(portfolio: PortfolioConfig, network: NetworkConfig) -> DoctorCheck {
        guard network.mainnet else { return .ok("rehearsal", "not needed on \(network.name) (not mainnet)") }
        if let record = RehearsalLog.lastPassed(portfolio, dataDir: dataDir, withinDays: 14, now: now) {
            return .ok("rehearsal", "passed on \(record.network) at \(ISO8601DateFormatter().string(from: record.at))")
        }
        return .warn("rehearsal", "no rehearsal of this portfolio and policy passed in the last 14 days (run --require-rehearsal refuses)",
                     fix: "rebalancer rehearse --portfolio <a testnet copy> --network sepolia …")
    }

    /// The key's files are private, it unlocks without a prompt, and it is the portfolio's operator.
    func key(operator: Address?) -> DoctorCheck {
        let source: KeySource
        do { source = try keyOptions.source(environment: environment).0 } catch {
            return .warn("key", "no key given: not checked", fix: "pass the key the daemon will use (--key-file or --keystore with --password-file)")
        }
        var files: [String] = []
        switch source {
        case .environment(let variable):
            return checkAddress(source, operator: `operator`, note: "from \(variable)",
                                warning: ("the key is in the environment (\(variable)), which child processes and /proc/PID/environ show",
                                          "keep it in a 0600 key file (systemd: LoadCredential=) and pass --key-file"))
        case .keyFile(let path): files = [path]
        case .keystore(let path, let password):
            files = [path]
            if case .file(let p) = password { files.append(p) }
            if case .prompt = password {
                return .warn("key", "keystore \(path) needs a password prompt: a daemon cannot answer one",
                             fix: "give --password-file (mode 0600) or ETH_PASSWORD")
            }
        }
        for file in files {
            var info = stat()
            guard stat(file, &info) == 0 else {
                return .fail("key", "cannot read \(file): \(String(cString: strerror(errno)))", fix: "check the path")
            }
            if UInt32(info.st_mode) & 0o077 != 0 {
                return .fail("key", "\(file) has mode \(String(UInt32(info.st_mode) & 0o777, radix: 8)): others may read it",
                             fix: "chmod 600 \(file)")
            }
        }
        return checkAddress(source, operator: `operator`, note: files.joined(separator: ", "), warning: nil)
    }

    func checkAddress(_ source: KeySource, operator: Address?, note: String, warning: (String, String)?) -> DoctorCheck {
        let key: PrivateKey
        do { key = try source.load(environment: environment) } catch {
            return .fail("key", "\(error)", fix: "correct the key source")
        }
        if let op = `operator`, key.address != op {
            return .fail("key", "the key (\(note)) is for \(key.address.checksummed), the portfolio's operator is \(op.checksummed)",
                         fix: "use the operator's key, or correct \"operator\" in \(portfolioFile)")
        }
        if let (detail, fix) = warning { return .warn("key", detail, fix: fix) }
        return .ok("key", "\(note): private, unlocks without a prompt, the operator's key")
    }
}
