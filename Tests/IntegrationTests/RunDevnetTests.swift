import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import TestSupport
import Testing

/// The whole product through the real binary on the devnet: a drifted 62/8/30 portfolio is
/// dry-run, then run, in vault mode and in EOA mode, and ends inside its bands with every route
/// paying exactly what it predicted. Accounts 1 (vault owner), 2 (vault operator) and 6 (funds a
/// fresh EOA-mode operator) are used here only; keys are anvil's public devnet keys.
@Suite(.serialized) struct RunDevnetTests {
    static let ownerKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"     // account 1, public devnet key
    static let operatorKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"  // account 2, public devnet key
    static let funderKey = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"    // account 6, public devnet key
    static let operatorAddress = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"

    let dir: URL
    let env: [String: String]

    init() throws {
        _ = try Devnet.connect()   // fails, never skips, without a devnet
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-devnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
    }

    func keyFile(_ name: String, _ hex: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    @discardableResult
    func cli(_ args: [String], expectStatus: Int32 = 0) throws -> CLIRunner.Result {
        let result = try CLIRunner.run(args, environment: env)
        #expect(result.status == expectStatus, "rebalancer \(args.joined(separator: " ")): \(result.stderr) \(result.stdout.prefix(2000))")
        return result
    }

    func portfolio(mode: String, operator: String, vault: String?) throws -> String {
        let path = dir.appendingPathComponent("portfolio-\(mode).json").path
        let vaultLine = vault.map { "\"vault\": \"\($0)\"," } ?? ""
        let json = """
            {"network": "devnet", "mode": "\(mode)", "operator": "\(`operator`)", \(vaultLine) "quoteToken": "USDC",
             "targets": [{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}],
             "policy": {"maxPoolDisagreementBps": 1000}}
            """
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Runs dry-run then run and checks the outcome: exact outputs, inside the bands after.
    func dryRunThenRun(portfolio: String, key: String) throws {
        let dry = try json(try cli(["dry-run", "--portfolio", portfolio, "--json"]))
        let report = try #require(dry["report"] as? [String: Any])
        #expect(report["agrees"] as? Bool == true)
        let run = try json(try cli(["run", "--portfolio", portfolio, "--key-file", key, "--json"]))
        #expect(run["decision"] as? String == "rebalance")
        let routes = try #require(run["routes"] as? [[String: Any]])
        #expect(!routes.isEmpty)
        for r in routes {
            // Nothing else trades on this devnet meanwhile: the chain pays exactly the quote.
            #expect(r["actualOut"] as? String == r["predictedOut"] as? String, "\(r)")
        }
        let status = try json(try cli(["status", "--portfolio", portfolio, "--json"]))
        #expect(status["needsRebalance"] as? Bool == false)
        let rows = try #require(status["tokens"] as? [[String: Any]])
        #expect(rows.count >= 3)
        for row in rows { #expect(row["band"] as? String == "inside", "\(row)") }
    }

    @Test func vaultModeEndsInsideTheBandsAndTheOperatorCannotWithdraw() throws {
        let owner = try keyFile("owner.key", Self.ownerKey)
        let operatorKey = try keyFile("operator.key", Self.operatorKey)
        let vault = try cli(["vault", "deploy", "--network", "devnet", "--key-file", owner, "--operator", Self.operatorAddress, "--quiet"]).out
        #expect(vault.hasPrefix("0x") && vault.count == 42)
        try cli(["vault", "allow", "--network", "devnet", "--vault", vault, "--key-file", owner])
        for (token, amount) in [("WETH", "20.666666"), ("WBTC", "0.13333333"), ("USDC", "30000")] {
            try cli(["vault", "deposit", "--network", "devnet", "--vault", vault, "--key-file", owner, "--token", token, "--amount", amount])
        }
        let file = try portfolio(mode: "vault", operator: Self.operatorAddress, vault: vault)
        try dryRunThenRun(portfolio: file, key: operatorKey)

        // A leaked operator key cannot take the funds: withdraw is the owner's alone.
        let stolen = try cli(["vault", "withdraw", "--network", "devnet", "--vault", vault, "--key-file", operatorKey,
                              "--token", "WETH", "--amount", "1"], expectStatus: 1)
        #expect(stolen.errorLine.contains("not owner"), "\(stolen.stderr)")
        // The journal shows the rebalance with its gas.
        let history = try #require(try JSONSerialization.jsonObject(with: Data(try cli(["history", "--json"]).stdout.utf8)) as? [[String: Any]])
        let rebalance = try #require(history.first { $0["decision"] as? String == "rebalance" })
        #expect(rebalance["status"] as? String == "completed")
        // And the HTML report renders from it.
        let html = dir.appendingPathComponent("report.html").path
        try cli(["report", "--html", html])
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("WETH") && page.contains("Predicted") && !page.contains("https://"))
    }

    @Test func eoaModeEndsInsideTheBands() throws {
        let (client, _) = try Devnet.connect()
        // A fresh operator wallet (keccak of a label: a public test key, not a secret) funded with a drifted portfolio.
        let secret = Keccak256.hash("rebalancer run test EOA operator \(UUID().uuidString)")
        let fresh = try PrivateKey(bytes: secret)
        let funder = try PrivateKey(hex: Self.funderKey, source: "dev account 6")
        let network = try Devnet.network()
        _ = try Devnet.send(client, key: funder, to: fresh.address, data: [], value: UInt256(decimal: "1000000000000000000")!)
        let transfer = try ABIFunction(signature: "transfer(address,uint256)")
        for (symbol, raw) in [("WETH", "20666666000000000000"), ("WBTC", "13333333"), ("USDC", "30000000000")] {
            let token = try #require(network.token(symbol))
            let receipt = try Devnet.send(client, key: funder, to: token.address,
                                          data: try transfer.encodeCall([.address(fresh.address), .uint(UInt256(decimal: raw)!)]))
            #expect(receipt.status)
        }
        let key = try keyFile("eoa.key", Hex.encode(secret))
        let file = try portfolio(mode: "eoa", operator: fresh.address.checksummed, vault: nil)
        try dryRunThenRun(portfolio: file, key: key)
    }
}
