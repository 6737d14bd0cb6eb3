import Foundation
import TestSupport
import Testing

/// The vault subcommands' bad input: one line naming the option or field, exit 1, nothing sent
/// (no key is read and no node is contacted, so these need no devnet).
@Suite("vault commands (CLI)")
struct VaultCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let vault = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    /// Nothing listens here: a command that got past its checks would fail on the node instead.
    static let env = ["DEVNET_RPC_URL": "http://127.0.0.1:9", "REBALANCER_DATA_DIR": FileManager.default.temporaryDirectory
        .appendingPathComponent("vault-cli-\(UUID().uuidString)").path]

    @Test func setLimitsRefusesLimitsTheVaultWouldRefuse() throws {
        for (option, value, message) in [("--max-loss-bps", "10001", "--max-loss-bps: 10001 is more than 10000"),
                                         ("--max-call-percent", "101", "--max-call-percent: 101 is more than 100"),
                                         ("--max-daily-percent", "150", "--max-daily-percent: 150 is more than 100"),
                                         ("--max-daily-loss-bps", "20000", "--max-daily-loss-bps: 20000 is more than 10000")] {
            let r = try CLIRunner.run(["vault", "set-limits", "--vault", Self.vault, option, value], environment: Self.env)
            #expect(r.status == 1)
            #expect(r.errorLine == "Error: \(message)", "\(r.stderr)")
        }
        let r = try CLIRunner.run(["vault", "set-limits", "--vault", Self.vault, "--max-loss-bps", "-1"], environment: Self.env)
        #expect(r.status != 0 && r.errorLine.contains("--max-loss-bps"), "\(r.stderr)")
    }

    @Test func allowRefusesATokenWithoutAPriceFeed() throws {
        // the devnet's network file with WETH's feed taken out, in a directory of its own
        let devnet = try Data(contentsOf: Self.repositoryRoot.appendingPathComponent("networks/devnet.json"))
        var json = try #require(try JSONSerialization.jsonObject(with: devnet) as? [String: Any])
        var tokens = try #require(json["tokens"] as? [[String: Any]])
        #expect(tokens[0]["symbol"] as? String == "WETH" && tokens[0]["priceFeed"] != nil)
        tokens[0]["priceFeed"] = nil
        json["tokens"] = tokens
        json["name"] = "nofeed"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vault-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("networks"), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("networks/nofeed.json"))
        let r = try CLIRunner.run(["vault", "allow", "--network", "nofeed", "--vault", Self.vault], environment: Self.env, directory: dir)
        #expect(r.status == 1)
        #expect(r.errorLine == "Error: networks/nofeed.json: tokens[0].priceFeed: missing (the vault prices every allowlisted token on each rebalance)",
                "\(r.stderr)")
        // only the tokens asked for need one
        let some = try CLIRunner.run(["vault", "allow", "--network", "nofeed", "--vault", Self.vault, "--tokens", "USDC,WBTC"],
                                     environment: Self.env, directory: dir)
        #expect(!some.errorLine.contains("priceFeed"), "\(some.stderr)")
    }
}
