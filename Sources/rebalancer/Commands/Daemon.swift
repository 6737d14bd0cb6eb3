import ArgumentParser
import Cycle
import EthSigning
import Execution
import Foundation
import Logging
import Operations
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGTERM/SIGINT: the daemon finishes the tick it is in (never stopping between signing
/// and journaling) and exits before the next one.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

/// `rebalancer daemon`: the check → decide → (maybe) run cycle on a schedule, one tick at a time,
/// with alerts after repeated failures and a recovery message when a tick succeeds again.
struct Daemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebalance on a schedule: a `run` cycle every interval, alerts after repeated failures.",
        discussion: """
            Each tick is exactly `rebalancer run` (reconcile, fresh state, plan, dry run, send, confirm); skipped ticks are \
            journaled with their reasons and their prices feed the moving-average guard. Only one daemon per network and \
            data directory, and no manual `run` during a tick (file locks). SIGTERM/SIGINT stop it after the current tick. \
            Alerts go to REBALANCER_WEBHOOK_URL and/or SMTP (REBALANCER_SMTP_URL, REBALANCER_ALERT_FROM, \
            REBALANCER_ALERT_TO, …) after REBALANCER_ALERT_AFTER_FAILURES failed ticks in a row (default 2), and at once \
            when a guard blocks a mainnet run. The key must come from a key file, ETH_PRIVATE_KEY, or a keystore with a \
            password file or ETH_PASSWORD (there is no one to answer a prompt).
            """)

    @OptionGroup var cycle: RunCommand

    @Option(parsing: .unconditional, help: "Time between ticks: 90s, 15m, 1h, 1d.")
    var every: String?

    @Option(help: "Instead of --every: tick once a day at this UTC time, HH:MM (cron's `M H * * *`).")
    var at: String?

    @Option(parsing: .unconditional, help: "Stop after this many ticks (default: run until stopped).", transform: OptionValue.count)
    var ticks: Int?

    @Option(help: ArgumentHelp("Serve Prometheus metrics on GET /metrics at this address, e.g. 127.0.0.1:9464.", valueName: "host:port"))
    var metricsListen: String?

    func validate() throws {
        switch (every, at) {
        case (nil, nil): throw ValidationError("give --every (e.g. 1h) or --at (e.g. 06:30)")
        case (.some, .some): throw ValidationError("give either --every or --at, not both")
        case (let every?, nil):
            guard let interval = Self.seconds(every) else { throw ValidationError("--every: write a duration like 90s, 15m, 1h or 1d, got \"\(every)\"") }
            guard interval <= OptionValue.maxSeconds else { throw ValidationError("--every: at most 3650d (10 years), got \"\(every)\"") }
        case (nil, let at?):
            guard Self.dailyTime(at) != nil else { throw ValidationError("--at: write a UTC time of day as HH:MM, got \"\(at)\"") }
        }
        if let ticks, ticks < 1 { throw ValidationError("--ticks must be at least 1") }
    }

    /// Seconds after midnight UTC for "HH:MM".
    static func dailyTime(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 3600 + m * 60
    }

    /// The next time after `now` that the schedule fires.
    static func nextTick(after now: Date, every: String?, at: String?, lastStart: Date) -> Date {
        if let at, let offset = dailyTime(at) {
            let day = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
            var next = Date(timeIntervalSince1970: day + Double(offset))
            if next <= now { next = next.addingTimeInterval(86_400) }
            return next
        }
        return lastStart.addingTimeInterval(every.flatMap(seconds) ?? 3600)
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n > 0, n.isFinite else { return nil }
        return n * scale
    }

    func run() throws {
        if let directory = cycle.portfolioOption.portfolios { return try runFleet(directory: directory) }
        let portfolio = try ConfigLoading.portfolio(path: cycle.portfolioOption.portfolio)
        let networkName = cycle.networkOption.network ?? portfolio.network
        let daemonLock = try TickLock.acquire(dataDir: cycle.dataDir, network: networkName, name: "daemon.lock", purpose: "a daemon")
        defer { daemonLock.release() }
        let key = cycle.paper ? nil : try cycle.keyOptions.load()
        // Unattended: the stage logs are on unless --log-level says otherwise.
        cycle.logging.bootstrap(defaultLevel: .notice)
        let logger = LogOptions.cycleLogger(network: networkName, portfolioFile: cycle.portfolioOption.portfolio,
                                            fingerprint: RehearsalLog.fingerprint(portfolio))
        var metrics: MetricsSink?
        if cycle.metricsFile != nil || metricsListen != nil {
            metrics = MetricsSink(dataDir: cycle.dataDir, network: networkName, portfolioFile: cycle.portfolioOption.portfolio,
                                  quoteToken: portfolio.quoteToken, textFile: cycle.metricsFile)
        }
        var server: MetricsServer?
        if let metricsListen, let sink = metrics {
            server = try reporting("--metrics-listen") { try MetricsServer(address: metricsListen) { sink.text } }
        }
        defer { withExtendedLifetime(server) {} }
        let alerts = try reporting("alert settings") { try AlertConfig.fromEnvironment(ProcessInfo.processInfo.environment) }
        let statePath = DataDirectory(cycle.dataDir).alertStatePath(network: networkName)
        let savedState: AlertState
        do { savedState = try Self.loadAlertState(statePath) } catch {
            // Starting healthy would restart the failure count and delay the alert a human needs.
            throw CLIError("\(statePath): unreadable alert state (\(error.localizedDescription)); move it aside to start counting failures afresh")
        }
        var tracker = AlertTracker(policy: alerts.policy, state: savedState,
                                   label: "rebalancer \(networkName) \(cycle.portfolioOption.portfolio)")
        Self.installStopHandlers()
        let quiet = isatty(STDOUT_FILENO) == 0 || cycle.output.json
        var tick = 0
        var node: RunCommand.Node?
        // With --at, the first tick waits for the scheduled time; with --every it starts at once.
        if at != nil { waitUntil(Self.nextTick(after: Date(), every: every, at: at, lastStart: Date()), quiet: quiet) }
        while stopRequested == 0 {
            tick += 1
            let started = Date()
            if !quiet { print("tick \(tick) at \(ISO8601DateFormatter().string(from: started))") }
            let outcome = tickOutcome(key: key, networkName: networkName, node: &node, metrics: metrics)
            if let message = tracker.record(outcome, at: Date()) { Self.deliver(message, alerts: alerts, logger: logger) }
            do { try Self.saveAlertState(tracker.state, to: statePath) } catch {
                note("daemon: alert state not saved to \(statePath) (\(error.localizedDescription)); failures are counted in memory only until it is")
            }
            metrics?.setAlerting(tracker.state.isAlerting)
            if let ticks, tick >= ticks { break }
            waitUntil(Self.nextTick(after: Date(), every: every, at: at, lastStart: started), quiet: quiet)
        }
        if stopRequested != 0 { note("daemon: stopped after tick \(tick)") }
    }

    static var stopping: Bool { stopRequested != 0 }

    /// SIGTERM and SIGINT end the daemon after the current tick.
    static func installStopHandlers() {
        signal(SIGTERM) { _ in stopRequested = 1 }
        signal(SIGINT) { _ in stopRequested = 1 }
        // A parent may have started us with these blocked (an inherited signal mask): unblock them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigprocmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// Sends an alert through every channel, logged; undelivered channels are said on stderr.
    static func deliver(_ message: AlertMessage, alerts: AlertConfig, logger: Logger) {
        let errors = AlertDispatch.send(message, through: alerts.notifiers)
        logger.log(level: message.kind == .alert ? .warning : .notice, "\(message.subject)",
                   metadata: ["stage": "alert", "channels": .stringConvertible(alerts.notifiers.count),
                              "undelivered": .stringConvertible(errors.count)])
        for e in errors { note("daemon: alert not delivered: \(e)") }
        if alerts.notifiers.isEmpty { note("daemon: \(message.subject) (no alert channel configured)") }
    }

    /// Sleeps in small steps so a stop request is honoured within a fraction of a second; shows a
    /// countdown on a terminal.
    func waitUntil(_ next: Date, quiet: Bool) {
        while stopRequested == 0 && Date() < next {
            if !quiet {
                let left = Int(next.timeIntervalSinceNow.rounded(.up))
                FileHandle.standardError.write(Data("\rnext tick in \(left) s   ".utf8))
            }
            Thread.sleep(forTimeInterval: min(0.2, max(0, next.timeIntervalSinceNow)))
        }
        if !quiet { FileHandle.standardError.write(Data("\r".utf8)) }
    }

    /// One tick under the tick lock; failures become alert input, never an exit. The node session
    /// and journal are opened at the first tick that can, and kept: the chain id is checked once and
    /// discovered pairs stay known from tick to tick.
    func tickOutcome(key: PrivateKey?, networkName: String, node: inout RunCommand.Node?, metrics: MetricsSink?) -> TickOutcome {
        do {
            let lock = try TickLock.acquire(dataDir: cycle.dataDir, network: networkName)
            defer { lock.release() }
            let opened: RunCommand.Node
            do { opened = try node ?? cycle.openNode() } catch {
                metrics?.recordError(kind: "node")
                throw error
            }
            node = opened
            let summary = try cycle.cycle(key: key, node: opened, metrics: metrics)
            switch summary.status {
            case .completed: return .success
            case .skipped:
                guard let decision = summary.decision else { return .success }
                return TickOutcome(decision: decision, mainnet: opened.session.network.mainnet)
            case .disagreed, .failed, .unsettled:
                return .failure(reason: summary.reason ?? "the run failed")
            }
        } catch {
            note("daemon: tick failed: \(error)")
            return .failure(reason: "\(error)")
        }
    }

    /// The tracker's state from the last run; healthy when there is none yet.
    static func loadAlertState(_ path: String) throws -> AlertState {
        guard FileManager.default.fileExists(atPath: path) else { return .healthy }
        return try JSONDecoder().decode(AlertState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Written whole or not at all (a crash mid-write must not leave a file the next start refuses).
    static func saveAlertState(_ state: AlertState, to path: String) throws {
        let data = try JSONEncoder().encode(state)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }
}
