import ArgumentParser

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
            DryRunCommand.self,
            RunCommand.self,
            Daemon.self,
            Rehearse.self,
            History.self,
            ReportCommand.self,
            Vault.self,
            Debug.self,
        ])
}
