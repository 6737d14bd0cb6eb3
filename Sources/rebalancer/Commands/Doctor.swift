import ArgumentParser
import Foundation

/// `rebalancer doctor`: one pass over everything a scheduled run needs, each line ok/warn/fail
/// with the fix. Nothing is sent (a test alert only when asked).
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a setup before scheduling it: files, node, chain, Multicall3, gas money, vault, prices, alerts, rehearsal, key.",
        discussion: """
            Each check prints ok, warn or fail, and the fix for what is not ok. Nothing is sent: alert channels get a \
            TCP connection, and a test message only with --send-test-alert. Exit codes: 0 nothing failed (warnings \
            allowed); 2 a check failed; 1 bad input.
            """)

    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var rpc: RPCOptions
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var output: JSONOption

    @Option(help: "Directory of the journal and the rehearsal log (default REBALANCER_DATA_DIR or ~/.rebalancer).")
    var dataDir: String?

    @Option(parsing: .unconditional, help: "How many rebalances the operator's gas money must pay for at current fees.",
            transform: OptionValue.count)
    var rebalances: Int = 10

    @Flag(help: "Send a test message through every alert channel.")
    var sendTestAlert = false

    static let failedExitCode: Int32 = 2

    func run() throws {
        let checks = DoctorChecks(portfolioFile: portfolioOption.portfolio, networkName: networkOption.network, rpc: rpc,
                                  keyOptions: keyOptions, dataDir: dataDir, rebalances: rebalances, sendTestAlert: sendTestAlert,
                                  environment: ProcessInfo.processInfo.environment)
        let report = checks.run()
        if output.json { try JSONOutput.print(report) } else { print(report.text()) }
        if report.failed { throw ExitCode(Self.failedExitCode) }
    }
}
