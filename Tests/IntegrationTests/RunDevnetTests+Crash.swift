import EthCore
import EthRPC
import Foundation
import TestSupport
import Testing

extension RunDevnetTests {
    /// The process killed (SIGKILL) at each point of the send path, under `run` and under a
    /// `daemon` tick: after journaling (nothing broadcast), after the broadcast (the journal does not
    /// know yet), and at the confirmer's first poll. The next `run` settles what the dead one left
    /// (re-broadcasting the same bytes, or finding the receipt), finds the portfolio inside its
    /// bands and skips: one transaction for the plan, and the operator's nonce moved by exactly one.
    @Test(arguments: ["run", "daemon"], ["after-journal", "after-broadcast", "during-confirmation"])
    func killedAnywhereInTheSendPathOneTransactionPerPlan(command: String, point: String) throws {
        let (client, _) = try Devnet.connect()
        let (file, operatorKey, _) = try driftedVault("crash-\(command)-\(point)", tenth: true)
        let operatorAddress = try Address(Self.operatorAddress)
        let start = try client.getTransactionCount(operatorAddress, block: .latest)
        // Each case keeps its own journal, so the history below is this case's alone.
        var env = self.env
        env["REBALANCER_DATA_DIR"] = dir.appendingPathComponent("data-\(command)-\(point)").path

        var args = [command, "--portfolio", file, "--key-file", operatorKey, "--poll-interval", "0.1", "--timeout", "60"]
        if command == "daemon" { args += ["--every", "1h", "--ticks", "1"] }
        let crashed = try CLIRunner.run(args, environment: env.merging([CrashInjection.variable: point]) { $1 })
        #expect(crashed.killedBySignal && crashed.status == SIGKILL, "\(command) at \(point): \(crashed.status) \(crashed.stderr)")
        let expectedAfterCrash = point == "after-journal" ? start : start + 1
        #expect(try client.getTransactionCount(operatorAddress, block: .pending) == expectedAfterCrash)

        let next = try CLIRunner.run(["run", "--portfolio", file, "--key-file", operatorKey, "--json", "--poll-interval", "0.1"],
                                     environment: env)
        #expect(next.status == 0, "\(next.stderr)")
        let decision = (try? JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])?["decision"] as? String
        #expect(decision == "skip", "the plan was carried out once, by the killed process: \(next.stdout)")
        #expect(try client.getTransactionCount(operatorAddress, block: .latest) == start + 1)

        let history = try CLIRunner.run(["history", "--json"], environment: env)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        let sent = runs.flatMap { ($0["transactions"] as? [[String: Any]]) ?? [] }
        #expect(sent.count == 1 && sent.first?["status"] as? String == "mined", "\(sent)")
        #expect(runs.first { $0["decision"] as? String == "rebalance" }?["status"] as? String == "completed", "\(runs)")
    }
}

/// The variable's name as the binary reads it (Sources/rebalancer/Support/CrashInjection.swift).
enum CrashInjection { static let variable = "REBALANCER_TEST_CRASH" }
