import ArgumentParser
import Foundation

@main
struct Rebalancer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalancer",
        abstract: "Rebalance an on-chain token portfolio across AMM pools: measure drift, route, simulate, sign and send.",
        version: "0.1.0",
        subcommands: [
            Util.self,
            Snapshot.self,
            Status.self,
            RouteCommand.self,
            PlanCommand.self,
            BacktestCommand.self,
            CandlesCommand.self,
            DryRunCommand.self,
            RunCommand.self,
            Daemon.self,
            Rehearse.self,
            History.self,
            ReportCommand.self,
            Vault.self,
            Doctor.self,
            Debug.self,
        ])

    /// ArgumentParser's own main, except that errors go out as one scrubbed line (see ErrorOutput).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // --help and --version are not errors: ArgumentParser prints them in full.
            if code == .success { exit(withError: error) }
            let line = ErrorOutput.line(for: error, command: self, arguments: arguments)
            if !line.isEmpty { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}
