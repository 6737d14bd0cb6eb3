import EthCore
import Foundation
import TestSupport
import Testing

/// `rebalancer daemon` through the real binary: skipped ticks journaled, one daemon per network and
/// data directory, a graceful stop on SIGTERM, and one webhook alert after repeated failures.
/// Dev account 0 (public devnet key) is only read, never sent from.
@Suite(.serialized) struct DaemonDevnetTests {
    static let account0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    static let account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"   // public devnet key

    let dir: URL
    let env: [String: String]
    let keyFile: String

    init() throws {
        _ = try Devnet.connect()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
        keyFile = dir.appendingPathComponent("op.key").path
        FileManager.default.createFile(atPath: keyFile, contents: Data(Self.account0Key.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// An EOA-mode portfolio for account 0 whose targets are its current weights: every tick skips.
    func insideBandsPortfolio() throws -> String {
        let probe = dir.appendingPathComponent("probe.json").path
        let probeJSON = """
            {"network": "devnet", "mode": "eoa", "operator": "\(Self.account0)", "quoteToken": "USDC",
             "targets": [{"token": "USDC", "percent": 100}]}
            """
        try probeJSON.write(toFile: probe, atomically: true, encoding: .utf8)
        let status = try CLIRunner.run(["status", "--portfolio", probe, "--json"], environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["tokens"] as? [[String: Any]])
        var targets = rows.compactMap { row -> (String, Double)? in
            guard let token = row["token"] as? String, let w = (row["weightPercent"] as? NSNumber)?.doubleValue else { return nil }
            return (token, (w * 100).rounded() / 100)
        }
        #expect(targets.count >= 3)
        let rest = 100 - targets.dropLast().reduce(0) { $0 + $1.1 }
        targets[targets.count - 1].1 = (rest * 100).rounded() / 100
        let list = targets.map { "{\"token\": \"\($0.0)\", \"percent\": \($0.1)}" }.joined(separator: ", ")
        let path = dir.appendingPathComponent("inside.json").path
        try """
            {"network": "devnet", "mode": "eoa", "operator": "\(Self.account0)", "quoteToken": "USDC", "targets": [\(list)],
             "policy": {"maxPoolDisagreementBps": 1000}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func skippedTicksAreJournaledWithTheirReasons() throws {
        let portfolio = try insideBandsPortfolio()
        let result = try CLIRunner.run(["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "1s", "--ticks", "2"],
                                       environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let history = try CLIRunner.run(["history", "--json"], environment: env)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 2)
        for run in runs {
            #expect(run["decision"] as? String == "skip")
            #expect((run["reasons"] as? [String])?.first?.contains("inside its drift bands") == true, "\(run)")
        }
    }

    @Test func oneDaemonAtATimeAndSIGTERMStopsAfterTheTick() throws {
        let portfolio = try insideBandsPortfolio()
        let first = Process()
        first.executableURL = CLIRunner.executable
        first.arguments = ["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "60s"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { _, new in new }
        first.environment = environment
        let err = Pipe()
        first.standardError = err
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { first.terminate() } }
        // Wait until its first tick is journaled.
        var ticked = false
        for _ in 0..<100 where !ticked {
            Thread.sleep(forTimeInterval: 0.1)
            let history = try CLIRunner.run(["history", "--json"], environment: env)
            ticked = ((try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8))) as? [Any])?.isEmpty == false
        }
        #expect(ticked)
        let second = try CLIRunner.run(["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "1s", "--ticks", "1"],
                                       environment: env)
        #expect(second.status != 0)
        #expect(second.errorLine.contains("another rebalancer is running a daemon"), "\(second.stderr)")
        kill(first.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while first.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try #require(!first.isRunning, "the daemon did not stop within 10 s of SIGTERM")
        #expect(first.terminationStatus == 0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("stopped after tick 1"), "\(stderr)")
    }

    @Test func twoFailedTicksSendOneWebhookAlert() throws {
        let outdir = dir.appendingPathComponent("webhook")
        try FileManager.default.createDirectory(at: outdir, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let receiver = Process()
        receiver.executableURL = root.appendingPathComponent(".venv/bin/python")
        receiver.arguments = [root.appendingPathComponent("Tests/OperationsTests/Fixtures/webhook_receiver.py").path, outdir.path]
        let input = Pipe(), output = Pipe()
        receiver.standardInput = input
        receiver.standardOutput = output
        try receiver.run()
        defer { try? input.fileHandleForWriting.close(); receiver.waitUntilExit() }
        let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(ready.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })

        let portfolio = try insideBandsPortfolio()
        var alertEnv = env
        alertEnv["REBALANCER_WEBHOOK_URL"] = "http://127.0.0.1:\(port)/hooks/rebalancer"
        // A node that does not answer: every tick fails.
        let result = try CLIRunner.run(["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "1s", "--ticks", "3",
                                        "--rpc-url", "http://127.0.0.1:9"], environment: alertEnv)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: outdir.path).filter { $0.hasPrefix("request-") }
        #expect(files.count == 1, "one alert per incident, got \(files)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: outdir.appendingPathComponent(files.first ?? ""))) as? [String: Any])
        let body = try #require(try JSONSerialization.jsonObject(with: Data((record["body"] as? String ?? "").utf8)) as? [String: Any])
        #expect(body["text"] is String && body["content"] is String)
        #expect((body["text"] as? String)?.contains("127.0.0.1:9") == true, "\(body)")
    }
}
