import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

/// `rebalancer doctor` against the devnet: a sound vault setup passes (exit 0), and each way a
/// setup can be broken fails its own line with a fix (exit 2). Nothing is sent by the doctor;
/// the sound setup's vault is deployed and allowlisted through the CLI first. Keys are the devnet's
/// public ones (account 1 owner, account 2 operator).
@Suite(.serialized) struct DoctorDevnetTests {
    static let operatorAddress = RunDevnetTests.operatorAddress

    let dir: URL
    let env: [String: String]

    init() throws {
        _ = try Devnet.connect()   // fails, never skips, without a devnet
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-devnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path,
               "REBALANCER_WEBHOOK_URL": "", "REBALANCER_SMTP_URL": ""]
    }

    func keyFile(_ name: String, _ hex: String, mode: Int = 0o600) throws -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: mode])
        return path
    }

    func portfolio(_ name: String, network: String = "devnet", mode: String = "eoa", operator: String = operatorAddress,
                   vault: String? = nil, targets: String? = nil) throws -> String {
        let path = dir.appendingPathComponent("\(name).json").path
        let vaultLine = vault.map { "\"vault\": \"\($0)\"," } ?? ""
        let list = targets ?? #"[{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}]"#
        try """
            {"network": "\(network)", "mode": "\(mode)", "operator": "\(`operator`)", \(vaultLine) "quoteToken": "USDC",
             "targets": \(list), "policy": {"maxPoolDisagreementBps": 1000}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// networks/<name>.json in the test's directory (the doctor runs there): devnet.json changed by `edit`.
    func network(_ name: String, edit: (inout [String: Any]) -> Void) throws {
        let data = try Data(contentsOf: Devnet.repositoryRoot.appendingPathComponent("networks/devnet.json"))
        var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        json["name"] = name
        edit(&json)
        let folder = dir.appendingPathComponent("networks")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("\(name).json"))
    }

    /// Runs the doctor in the test's directory; returns the checks by name (the first line of each name).
    func doctor(_ args: [String], expectStatus: Int32, environment: [String: String] = [:]) throws -> [String: [String: Any]] {
        let result = try CLIRunner.run(["doctor", "--json"] + args, environment: env.merging(environment) { _, new in new }, directory: dir)
        #expect(result.status == expectStatus, "doctor \(args.joined(separator: " ")): \(result.stderr) \(result.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let checks = try #require(report["checks"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for check in checks { if let name = check["name"] as? String, byName[name] == nil { byName[name] = check } }
        return byName
    }

    func expectFail(_ checks: [String: [String: Any]], _ name: String, contains text: String) {
        let check = checks[name]
        #expect(check?["status"] as? String == "fail", "\(name): \(String(describing: check))")
        #expect((check?["detail"] as? String)?.contains(text) == true, "\(name): \(String(describing: check))")
        #expect((check?["fix"] as? String)?.isEmpty == false, "\(name) without a fix: \(String(describing: check))")
    }

    func cli(_ args: [String]) throws -> String {
        let result = try CLIRunner.run(args, environment: env)
        #expect(result.status == 0, "rebalancer \(args.joined(separator: " ")): \(result.stderr)")
        return result.out
    }

    func deployVault(operator: String, allow: Bool) throws -> String {
        let owner = try keyFile("owner-\(UUID().uuidString).key", RunDevnetTests.ownerKey)
        let vault = try cli(["vault", "deploy", "--network", "devnet", "--key-file", owner, "--operator", `operator`, "--quiet"])
        if allow { _ = try cli(["vault", "allow", "--network", "devnet", "--vault", vault, "--key-file", owner]) }
        return vault
    }

    @Test func aSoundVaultSetupPasses() throws {
        let vault = try deployVault(operator: Self.operatorAddress, allow: true)
        let file = try portfolio("sound", mode: "vault", vault: vault)
        let key = try keyFile("operator.key", RunDevnetTests.operatorKey)
        let result = try CLIRunner.run(["doctor", "--portfolio", file, "--key-file", key], environment: env, directory: dir)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        for name in ["config", "node", "chain", "multicall3", "gas money", "vault roles", "vault allowlist", "vault state", "prices", "rehearsal", "key"] {
            #expect(result.stdout.contains("ok    \(name)"), "\(name) not ok:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("ready:"), "\(result.stdout)")
        #expect(!result.stdout.contains(String(RunDevnetTests.operatorKey.dropFirst(2))) && !result.stderr.contains(String(RunDevnetTests.operatorKey.dropFirst(2))))
    }

    @Test func anInvalidPortfolioFails() throws {
        let file = try portfolio("bad", targets: #"[{"token": "NOPE", "percent": 100}]"#)
        let checks = try doctor(["--portfolio", file], expectStatus: 2)
        expectFail(checks, "config", contains: "NOPE")
        #expect(checks["node"]?["status"] as? String == "skip")
    }

    @Test func anUnreachableNodeFails() throws {
        let port = try LocalHTTPServer.closedPort()
        let checks = try doctor(["--portfolio", try portfolio("eoa"), "--rpc-url", "http://127.0.0.1:\(port)", "--rpc-timeout", "2"], expectStatus: 2)
        expectFail(checks, "node", contains: "cannot reach")
    }

    @Test func aNodeOnAnotherChainFails() throws {
        try network("otherchain") { $0["chainId"] = 5 }
        let checks = try doctor(["--portfolio", try portfolio("otherchain", network: "otherchain")], expectStatus: 2)
        expectFail(checks, "chain", contains: "chain 31337")
    }

    @Test func aSyncingNodeFails() throws {
        // A proxy in front of the devnet that says it is still syncing (what a node catching up answers).
        let transport = try HTTPTransport(HTTPTransport.Configuration(url: Devnet.url))
        let server = try LocalHTTPServer { _, request in
            if request.json?["method"]?.stringValue == "eth_syncing" {
                let id = request.json?["id"].map { String(decoding: $0.serialized, as: UTF8.self) } ?? "1"
                return .json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"startingBlock":"0x0","currentBlock":"0x10","highestBlock":"0x1000"}}"#)
            }
            guard let reply = try? transport.send(request.body) else { return .close }
            return .json(String(decoding: reply, as: UTF8.self))
        }
        defer { server.stop() }
        let checks = try doctor(["--portfolio", try portfolio("eoa"), "--rpc-url", server.url], expectStatus: 2)
        expectFail(checks, "synced", contains: "syncing")
    }

    @Test func aMissingMulticall3Fails() throws {
        let nowhere = Address(word: [UInt8](repeating: 0, count: 12) + Array(Keccak256.hash("no multicall here").prefix(20)))!
        try network("nomulticall") { $0["multicall3"] = nowhere.checksummed }
        let checks = try doctor(["--portfolio", try portfolio("nomulticall", network: "nomulticall")], expectStatus: 2)
        expectFail(checks, "multicall3", contains: "no contract")
    }

    @Test func anOperatorWithoutGasMoneyFails() throws {
        let broke = try PrivateKey(bytes: Keccak256.hash("doctor test: an operator with no ETH \(UUID().uuidString)"))
        let checks = try doctor(["--portfolio", try portfolio("broke", operator: broke.address.checksummed)], expectStatus: 2)
        expectFail(checks, "gas money", contains: "not enough for one")
    }

    @Test func aVaultOfAnotherOperatorWithoutAllowlistFails() throws {
        let other = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"   // dev account 3, public
        let vault = try deployVault(operator: other, allow: false)
        let checks = try doctor(["--portfolio", try portfolio("wrongvault", mode: "vault", vault: vault)], expectStatus: 2)
        expectFail(checks, "vault roles", contains: "operator is \(other)")
        expectFail(checks, "vault allowlist", contains: "does not allow")
    }

    @Test func aTokenWithoutAPoolPathFails() throws {
        try network("nolink") { json in
            json["pools"] = (json["pools"] as? [[String: Any]] ?? []).filter { !(($0["tokens"] as? [String]) ?? []).contains("LINK") }
        }
        let targets = #"[{"token": "WETH", "percent": 50}, {"token": "LINK", "percent": 20}, {"token": "USDC", "percent": 30}]"#
        let checks = try doctor(["--portfolio", try portfolio("nolink", network: "nolink", targets: targets)], expectStatus: 2)
        expectFail(checks, "prices", contains: "LINK")
    }

    @Test func anUnreachableAlertChannelFailsAndATestAlertIsSentOnlyWhenAsked() throws {
        let port = try LocalHTTPServer.closedPort()
        let file = try portfolio("eoa")
        let down = try doctor(["--portfolio", file], expectStatus: 2, environment: ["REBALANCER_WEBHOOK_URL": "http://127.0.0.1:\(port)/hook"])
        expectFail(down, "alerts", contains: "cannot connect")

        let receiver = try LocalHTTPServer { _, _ in .json("{}") }
        defer { receiver.stop() }
        let up = try doctor(["--portfolio", file], expectStatus: 0, environment: ["REBALANCER_WEBHOOK_URL": receiver.url + "/hook"])
        #expect(up["alerts"]?["status"] as? String == "ok", "\(up)")
        #expect(receiver.requestCount == 0, "a message was sent without --send-test-alert")
        let sent = try doctor(["--portfolio", file, "--send-test-alert"], expectStatus: 0, environment: ["REBALANCER_WEBHOOK_URL": receiver.url + "/hook"])
        #expect(sent["test alert"]?["status"] as? String == "ok", "\(sent)")
        #expect(receiver.requests.contains { String(decoding: $0.body, as: UTF8.self).contains("test alert") })
    }

    @Test func aKeyOthersCanReadOrOfAnotherAccountFails() throws {
        let file = try portfolio("eoa")
        let open = try keyFile("open.key", RunDevnetTests.operatorKey, mode: 0o644)
        expectFail(try doctor(["--portfolio", file, "--key-file", open], expectStatus: 2), "key", contains: "others may read")
        let owner = try keyFile("owner.key", RunDevnetTests.ownerKey)
        expectFail(try doctor(["--portfolio", file, "--key-file", owner], expectStatus: 2), "key", contains: "operator is")
    }
}
