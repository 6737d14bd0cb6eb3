import Foundation
import TestSupport
import Testing

/// "A key is never printed, logged or journaled", checked on everything the program writes: the
/// stdout and stderr of vault commands, dry-run, run, daemon (a tick, and failing ticks that raise
/// a webhook alert), history, report and util commands, every file of the data directory (the
/// journal's database and its WAL, the alert state), the HTML report and the alert's request body.
/// Each is searched for the keys' hex (with or without 0x, any case) and, in binary files, their
/// raw 32 bytes. Keys are anvil's public devnet keys (accounts 1 and 2, as in RunDevnetTests).
@Suite(.serialized) struct KeyNeverLeaksDevnetTests {
    static let ownerKey = RunDevnetTests.ownerKey
    static let operatorKey = RunDevnetTests.operatorKey
    static let operatorAddress = RunDevnetTests.operatorAddress

    let dir: URL
    let env: [String: String]

    init() throws {
        _ = try Devnet.connect()   // fails, never skips, without a devnet
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("key-leak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
    }

    /// What a leak would look like: the 64 hex digits (compared case-insensitively, so with or
    /// without 0x and in any case) and the raw bytes.
    struct Secret: CustomStringConvertible {
        let digits: String
        let bytes: [UInt8]
        init(_ hex: String) {
            let digits = String(hex.dropFirst(2)).lowercased()
            self.digits = digits
            bytes = stride(from: 0, to: 64, by: 2).map { i in UInt8(digits.dropFirst(i).prefix(2), radix: 16) ?? 0 }
        }

        func isIn(_ data: Data) -> Bool {
            String(decoding: data, as: UTF8.self).lowercased().contains(digits) || data.range(of: Data(bytes)) != nil
        }

        // Failure messages name where a key was found, never the key.
        var description: String { "Secret(<redacted>)" }
    }

    static let secrets = [Secret(ownerKey), Secret(operatorKey)]

    /// Everything searched, by name.
    final class Haystack {
        var items: [(String, Data)] = []
        func add(_ name: String, _ data: Data) { items.append((name, data)) }
        func add(_ name: String, _ r: CLIRunner.Result) {
            add("\(name) stdout", Data(r.stdout.utf8))
            add("\(name) stderr", Data(r.stderr.utf8))
        }
    }

    func keyFile(_ name: String, _ hex: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    @discardableResult
    func cli(_ args: [String], _ hay: Haystack, environment: [String: String] = [:], expectStatus: Int32 = 0) throws -> CLIRunner.Result {
        let r = try CLIRunner.run(args, environment: env.merging(environment) { _, new in new })
        #expect(r.status == expectStatus, "rebalancer \(args.joined(separator: " ")): \(r.stderr) \(r.stdout.prefix(1000))")
        hay.add("rebalancer " + args.prefix(3).joined(separator: " "), r)
        return r
    }

    @Test func noCommandFileOrAlertContainsAKey() throws {
        let hay = Haystack()
        let owner = try keyFile("owner.key", Self.ownerKey)
        let op = try keyFile("operator.key", Self.operatorKey)

        // The owner's side: deploy, allowlist, fund (drifted), inspect.
        let vault = try cli(["vault", "deploy", "--network", "devnet", "--key-file", owner, "--operator", Self.operatorAddress, "--quiet"], hay).out
        try cli(["vault", "allow", "--network", "devnet", "--vault", vault, "--key-file", owner], hay)
        for (token, amount) in [("WETH", "2.0666666"), ("WBTC", "0.01333333"), ("USDC", "3000")] {
            try cli(["vault", "deposit", "--network", "devnet", "--vault", vault, "--key-file", owner, "--token", token, "--amount", amount], hay)
        }
        try cli(["vault", "info", "--network", "devnet", "--vault", vault], hay)

        // The operator's side: dry run, run (sends), a daemon tick, history, the report.
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        try """
            {"network": "devnet", "mode": "vault", "operator": "\(Self.operatorAddress)", "vault": "\(vault)", "quoteToken": "USDC",
             "targets": [{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}],
             "policy": {"maxPoolDisagreementBps": 1000, "minTradeValue": 1, "maxGasCostPercent": 100}}
            """.write(toFile: portfolio, atomically: true, encoding: .utf8)
        try cli(["dry-run", "--portfolio", portfolio], hay)
        let run = try cli(["run", "--portfolio", portfolio, "--key-file", op, "--json"], hay)
        #expect(run.stdout.contains("\"rebalance\""), "the run must send, or there is nothing to search: \(run.stdout.prefix(600))")
        try cli(["run", "--portfolio", portfolio, "--key-file", op], hay)   // the human-readable report too
        try cli(["daemon", "--portfolio", portfolio, "--key-file", op, "--every", "1h", "--ticks", "1"], hay)
        try cli(["history"], hay)
        try cli(["history", "--json"], hay)
        let html = dir.appendingPathComponent("report.html")
        try cli(["report", "--html", html.path], hay)
        hay.add("HTML report", try Data(contentsOf: html))

        // Failing ticks with a webhook: the alert's body.
        let alertBodies = try daemonAlertBodies(portfolio: portfolio, key: op, hay: hay)
        #expect(alertBodies.count == 1, "one alert expected, got \(alertBodies.count)")
        for (n, body) in alertBodies.enumerated() { hay.add("alert body \(n)", body) }

        // util commands that hold a key, from a key file and from the environment.
        try cli(["util", "wallet", "address", "--key-file", op], hay)
        try cli(["util", "wallet", "sign", "Hello, rebalancer!"], hay, environment: ["ETH_PRIVATE_KEY": Self.operatorKey])
        try cli(["util", "mktx", "--chain", "31337", "--nonce", "7", "--gas-limit", "21000", "--gas-price", "30gwei",
                 "--priority-gas-price", "1gwei", "--value", "1wei", Self.operatorAddress], hay, environment: ["ETH_PRIVATE_KEY": Self.operatorKey])
        // A bad key file's error must not echo it either (the key and one digit too many).
        let bad = try keyFile("bad.key", Self.operatorKey + "0")
        try cli(["util", "wallet", "address", "--key-file", bad], hay, expectStatus: 1)

        // Every file the program wrote in its data directory: journal database, WAL, alert state.
        let data = dir.appendingPathComponent("data")
        let files = FileManager.default.enumerator(at: data, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var dataFiles = 0
        for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            hay.add(file.path, try Data(contentsOf: file))
            dataFiles += 1
        }
        #expect(files.contains { $0.lastPathComponent == "journal.sqlite" }, "no journal written: \(files.map(\.lastPathComponent))")

        // The search itself must be able to fail: the key files hold the keys.
        #expect(Self.secrets[1].isIn(try Data(contentsOf: URL(fileURLWithPath: op))))
        #expect(Self.secrets[1].isIn(Data(Self.operatorKey.uppercased().utf8)))
        for (name, content) in hay.items {
            for (k, secret) in Self.secrets.enumerated() {
                #expect(!secret.isIn(content), "key \(k == 0 ? "owner" : "operator") found in \(name)")
            }
        }
        #expect(hay.items.count >= 40 && dataFiles >= 2, "searched \(hay.items.count) outputs, \(dataFiles) data files")
    }

    /// Runs the daemon against a node that does not answer, with alerts after one failure, and
    /// returns the request bodies the webhook received.
    func daemonAlertBodies(portfolio: String, key: String, hay: Haystack) throws -> [Data] {
        let outdir = dir.appendingPathComponent("webhook")
        try FileManager.default.createDirectory(at: outdir, withIntermediateDirectories: true)
        let receiver = Process()
        receiver.executableURL = Devnet.repositoryRoot.appendingPathComponent(".venv/bin/python")
        receiver.arguments = [Devnet.repositoryRoot.appendingPathComponent("Tests/OperationsTests/Fixtures/webhook_receiver.py").path, outdir.path]
        let input = Pipe(), output = Pipe()
        receiver.standardInput = input
        receiver.standardOutput = output
        try receiver.run()
        defer { try? input.fileHandleForWriting.close(); receiver.waitUntilExit() }
        let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(ready.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        try cli(["daemon", "--portfolio", portfolio, "--key-file", key, "--every", "1s", "--ticks", "1", "--rpc-url", "http://127.0.0.1:9"], hay,
                environment: ["REBALANCER_WEBHOOK_URL": "http://127.0.0.1:\(port)/hooks/rebalancer", "REBALANCER_ALERT_AFTER_FAILURES": "1"])
        let files = try FileManager.default.contentsOfDirectory(atPath: outdir.path).filter { $0.hasPrefix("request-") }.sorted()
        return try files.map { try Data(contentsOf: outdir.appendingPathComponent($0)) }
    }
}
