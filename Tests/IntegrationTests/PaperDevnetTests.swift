import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import TestSupport
import Testing

/// Paper trading through the real binary on the devnet: `run --paper` without any key decides on
/// the live state, fills on a paper book at the exact quoted outputs, sends nothing, and the next
/// paper run starts from the book; `history` and `report` show the book against holding.
@Suite(.serialized) struct PaperDevnetTests {
    @Test func paperRunsTradeABookAndSendNothing() throws {
        let (client, _) = try Devnet.connect()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paper-devnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
        func cli(_ args: [String]) throws -> CLIRunner.Result {
            let r = try CLIRunner.run(args, environment: env)
            #expect(r.status == 0, "rebalancer \(args.joined(separator: " ")): \(r.stderr) \(r.stdout.prefix(2000))")
            return r
        }
        // A drifted 62/8/30 wallet whose key the test never gives the binary.
        let holder = try PrivateKey(bytes: Keccak256.hash("rebalancer paper test holder \(UUID().uuidString)"))
        let funder = try PrivateKey(hex: RunDevnetTests.funderKey, source: "dev account 6")
        let network = try Devnet.network()
        let transfer = try ABIFunction(signature: "transfer(address,uint256)")
        for (symbol, raw) in [("WETH", "20666666000000000000"), ("WBTC", "13333333"), ("USDC", "30000000000")] {
            let token = try #require(network.token(symbol))
            let receipt = try Devnet.send(client, key: funder, to: token.address,
                                          data: try transfer.encodeCall([.address(holder.address), .uint(UInt256(decimal: raw)!)]))
            #expect(receipt.status)
        }
        let portfolio = dir.appendingPathComponent("portfolio.json").path
        try """
            {"network": "devnet", "mode": "eoa", "operator": "\(holder.address.checksummed)", "quoteToken": "USDC",
             "targets": [{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}],
             "policy": {"maxPoolDisagreementBps": 1000}}
            """.write(toFile: portfolio, atomically: true, encoding: .utf8)

        let first = try cli(["run", "--paper", "--portfolio", portfolio, "--json"])
        let firstJSON = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(firstJSON["decision"] as? String == "rebalance")
        let book = try #require(firstJSON["paper"] as? [String: Any])
        let value = try #require(book["value"] as? Double), hold = try #require(book["holdValue"] as? Double)
        let costs = try #require(book["predictedCosts"] as? Double)
        // Fills at quoted outputs: the book is worth the holding less what the fills cost (mid prices).
        #expect(costs > 0 && abs(hold - value - costs) < 0.5, "value \(value) hold \(hold) costs \(costs) \(first.stdout)")

        // The next paper run decides on the book (now inside the bands), not on the chain's balances.
        let second = try cli(["run", "--paper", "--portfolio", portfolio])
        #expect(second.stdout.contains("skip — every token is inside its drift bands"), "\(second.stdout)")
        #expect(second.stdout.contains("paper book"))

        // Nothing was signed or sent: the holder's nonce and WETH are what the funder left.
        #expect(try client.getTransactionCount(holder.address, block: .latest) == 0)
        let status = try cli(["status", "--portfolio", portfolio, "--json"])
        #expect(status.stdout.contains("20666666000000000000"))

        let history = try cli(["history", "--json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 2 && runs.allSatisfy { $0["mode"] as? String == "paper" })
        let text = try cli(["history"])
        #expect(text.stdout.contains("paper") && text.stdout.contains("vs hold"))
        let page = dir.appendingPathComponent("paper.html").path
        _ = try cli(["report", "--html", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("Paper book") && html.contains("Holding instead"))
    }
}
