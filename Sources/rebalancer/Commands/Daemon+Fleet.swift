import Cycle
import EthSigning
import Execution
import Foundation
import Logging
import MarketLoading
import Operations
import Strategy

/// `daemon --portfolios DIR`: every `*.json` portfolio of a directory on one schedule. Each keeps
/// its own data directory (`<data dir>/portfolios/<name>`: journal, locks, alert state, metrics),
/// and the portfolios of one network are read together, at one block, in the round trips of a
/// single read. A rebalance changes the pools the others trade through, so once one portfolio has
/// sent transactions the rest of that tick read again (together) before they plan.
extension Daemon {
    struct FleetMember {
        var file: String
        var name: String
        var dataDir: String
        var tracker: AlertTracker
        var metrics: MetricsSink?
    }

    /// The directory's portfolio files, sorted; one line naming the directory when there are none.
    static func fleetFiles(_ directory: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw CLIError("--portfolios \(directory): cannot read the directory: \(error.localizedDescription)")
        }
        let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
        guard !files.isEmpty else { throw CLIError("--portfolios \(directory): no *.json portfolio files") }
        return files
    }

    func runFleet(directory: String) throws {
        let files = try Self.fleetFiles(directory)
        let root = DataDirectory(cycle.dataDir)
        let alerts = try reporting("alert settings") { try AlertConfig.fromEnvironment(ProcessInfo.processInfo.environment) }
        var members: [FleetMember] = []
        var locks: [TickLock] = []
        defer { for lock in locks { lock.release() } }
        for file in files {
            let portfolio = try ConfigLoading.portfolio(path: file)
            let network = cycle.networkOption.network ?? portfolio.network
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let dataDir = root.root.appendingPathComponent("portfolios").appendingPathComponent(name).path
            locks.append(try TickLock.acquire(dataDir: dataDir, network: network, name: "daemon.lock", purpose: "a daemon"))
            let statePath = DataDirectory(dataDir).alertStatePath(network: network)
            let savedState: AlertState
            do { savedState = try Self.loadAlertState(statePath) } catch {
                throw CLIError("\(statePath): unreadable alert state (\(error.localizedDescription)); move it aside to start counting failures afresh")
            }
            let metrics = cycle.metricsFile != nil || metricsListen != nil
                ? MetricsSink(dataDir: dataDir, network: network, portfolioFile: file, quoteToken: portfolio.quoteToken,
                              textFile: cycle.metricsFile.map { Self.memberFile($0, name: name) })
                : nil
            members.append(FleetMember(file: file, name: name, dataDir: dataDir,
                                       tracker: AlertTracker(policy: alerts.policy, state: savedState,
                                                             label: "rebalancer \(network) \(file)"),
                                       metrics: metrics))
        }
        let key = try cycle.keyOptions.load()
        cycle.logging.bootstrap(defaultLevel: .notice)
        var server: MetricsServer?
        if let metricsListen {
            let sinks = members.compactMap(\.metrics)
            server = try reporting("--metrics-listen") { try MetricsServer(address: metricsListen) { Self.merged(sinks.map(\.text)) } }
        }
        defer { withExtendedLifetime(server) {} }
        Self.installStopHandlers()
        let quiet = isatty(STDOUT_FILENO) == 0 || cycle.output.json
        var sessions: [String: NodeSession] = [:]
        var tick = 0
        if at != nil { waitUntil(Self.nextTick(after: Date(), every: every, at: at, lastStart: Date()), quiet: quiet) }
        while !Self.stopping {
            tick += 1
            let started = Date()
            if !quiet { print("tick \(tick) at \(ISO8601DateFormatter().string(from: started)): \(members.count) portfolios") }
            let outcomes = fleetTick(members: members, key: key, sessions: &sessions, quiet: quiet)
            for (k, outcome) in outcomes.enumerated() {
                let network = (try? ConfigLoading.portfolio(path: members[k].file).network) ?? "devnet"
                let logger = LogOptions.cycleLogger(network: network, portfolioFile: members[k].file, fingerprint: "")
                if let message = members[k].tracker.record(outcome, at: Date()) { Self.deliver(message, alerts: alerts, logger: logger) }
                let statePath = DataDirectory(members[k].dataDir).alertStatePath(network: network)
                do { try Self.saveAlertState(members[k].tracker.state, to: statePath) } catch {
                    note("daemon: alert state not saved to \(statePath) (\(error.localizedDescription)); failures are counted in memory only until it is")
                }
                members[k].metrics?.setAlerting(members[k].tracker.state.isAlerting)
            }
            if let ticks, tick >= ticks { break }
            waitUntil(Self.nextTick(after: Date(), every: every, at: at, lastStart: started), quiet: quiet)
        }
        if Self.stopping { note("daemon: stopped after tick \(tick)") }
    }

    /// One tick of every member, grouped by network: one shared read per group (and one more
    /// after each member that sent transactions).
    func fleetTick(members: [FleetMember], key: PrivateKey, sessions: inout [String: NodeSession], quiet: Bool) -> [TickOutcome] {
        var outcomes = [TickOutcome](repeating: .failure(reason: "not run"), count: members.count)
        var groups: [String: [Int]] = [:]
        var portfolios: [Int: PortfolioConfig] = [:]
        for (k, member) in members.enumerated() {
            do {
                let portfolio = try ConfigLoading.portfolio(path: member.file)
                portfolios[k] = portfolio
                groups[cycle.networkOption.network ?? portfolio.network, default: []].append(k)
            } catch {
                member.metrics?.recordError(kind: "portfolio")
                outcomes[k] = .failure(reason: "\(error)")
            }
        }
        for (networkName, indices) in groups.sorted(by: { $0.key < $1.key }) {
            var locks: [TickLock] = []
            defer { for lock in locks { lock.release() } }
            var runnable: [Int] = []
            for k in indices {
                do {
                    locks.append(try TickLock.acquire(dataDir: members[k].dataDir, network: networkName))
                    runnable.append(k)
                } catch { outcomes[k] = .failure(reason: "\(error)") }
            }
            let session: NodeSession
            do {
                if let open = sessions[networkName] { session = open } else {
                    let network = try ConfigLoading.network(named: networkName)
                    session = try StateReading.session(network: network, rpc: cycle.rpc)
                    try reporting("--rpc-url") { try session.verifyChain() }
                    sessions[networkName] = session
                }
            } catch {
                for k in runnable {
                    members[k].metrics?.recordError(kind: "node")
                    outcomes[k] = .failure(reason: "\(error)")
                }
                note("daemon: \(networkName): \(error)")
                continue
            }
            var shared: [Int: LoadedState] = [:]
            for (position, k) in runnable.enumerated() {
                if shared[k] == nil {
                    // The first member, or the rest after a member traded: one read for all still to run.
                    let rest = Array(runnable[position...])
                    do {
                        let states = try session.read(portfolios: rest.compactMap { portfolios[$0] })
                        for (j, state) in zip(rest, states) { shared[j] = state }
                    } catch { note("daemon: \(networkName): shared state read failed: \(error); each portfolio reads its own") }
                }
                outcomes[k] = memberTick(members[k], key: key, session: session, preloaded: shared[k], quiet: quiet, traded: {
                    for later in runnable[(position + 1)...] { shared[later] = nil }
                })
            }
        }
        return outcomes
    }

    func memberTick(_ member: FleetMember, key: PrivateKey, session: NodeSession, preloaded: LoadedState?, quiet: Bool,
                    traded: () -> Void) -> TickOutcome {
        do {
            let journal = try DataDirectory(member.dataDir).openJournal(network: session.network.name)
            if !quiet { print("portfolio \(member.name):") }
            let result = try cycle.cycle(key: key, node: RunCommand.Node(session: session, journal: journal), metrics: member.metrics,
                                         portfolioFile: member.file, preloaded: preloaded)
            if result.execution != nil || (result.status == .unsettled && result.runId != nil) { traded() }
            switch result.status {
            case .completed: return .success
            case .skipped:
                guard let decision = result.decision else { return .success }
                return TickOutcome(decision: decision, mainnet: session.network.mainnet)
            case .disagreed, .failed, .unsettled:
                return .failure(reason: result.reason ?? "the run failed")
            }
        } catch {
            note("daemon: \(member.name): tick failed: \(error)")
            return .failure(reason: "\(error)")
        }
    }

    /// `dir/rebalancer.prom` → `dir/rebalancer-<name>.prom`: one textfile per portfolio.
    static func memberFile(_ path: String, name: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "prom" : url.pathExtension
        return url.deletingPathExtension().path + "-\(name).\(ext)"
    }

    /// Several portfolios' texts as one scrape: each family once, its HELP and TYPE then every
    /// portfolio's samples together (the text format wants a family's samples in one group).
    static func merged(_ texts: [String]) -> String {
        var order: [String] = []
        var headers: [String: [Substring]] = [:], samples: [String: [Substring]] = [:]
        for text in texts {
            var family = ""
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                    family = String(line.split(separator: " ")[2])
                    if headers[family] == nil { order.append(family); headers[family] = [] }
                    if headers[family]?.contains(line) == false { headers[family]?.append(line) }
                } else {
                    samples[family, default: []].append(line)
                }
            }
        }
        return order.map { family in (headers[family, default: []] + samples[family, default: []]).joined(separator: "\n") + "\n" }.joined()
    }
}
