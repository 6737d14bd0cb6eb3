import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import TestSupport
import Testing

/// `backtest --from-block --to-block` against the devnet: a scripted price walk through the real
/// Uniswap V2 router and pair, one swap per hour (block times set with evm_setNextBlockTimestamp),
/// then the command's candles are read back (--candles-out) and their closes compared with the
/// pair's reserves after each swap.
@Suite(.serialized) struct BacktestChainIntegrationTests {
    /// Dev account 9 of the devnet's public test mnemonic (public devnet key, not a secret).
    static let traderKey = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"
    static let portfolioJSON = """
        {"network": "devnet", "mode": "vault", "operator": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
         "vault": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "quoteToken": "USDC",
         "targets": [{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 50}]}
        """

    let dir: URL
    let portfolio: String
    let env: [String: String]

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("backtest-chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        portfolio = dir.appendingPathComponent("portfolio.json").path
        try Self.portfolioJSON.write(toFile: portfolio, atomically: true, encoding: .utf8)
        env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
    }

    static func quantity(_ n: UInt64) -> JSONValue { .string("0x" + String(n, radix: 16)) }

    @Test func candlesFromSyncLogsCloseAtThePairsPriceAfterEachSwap() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let trader = try PrivateKey(hex: Self.traderKey, source: "dev account 9")
        let weth = try #require(network.token("WETH")).address, usdc = try #require(network.token("USDC")).address
        let router = try #require(network.dex(named: "uniswap-v2")?.router)
        let pair = try #require(network.pools?.first { $0.dex == "uniswap-v2" && Set($0.tokens) == ["WETH", "USDC"] })
        let usdcIndex = try #require(pair.tokens.firstIndex(of: "USDC"))

        let approve = try ABIFunction(signature: "approve(address,uint256)")
        let swap = try ABIFunction(signature: "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)")
        let balanceOf = try ABIFunction(signature: "balanceOf(address)")
        for token in [weth, usdc] {
            #expect(try Devnet.send(client, key: trader, to: token, data: approve.encodeCall([.address(router), .uint(.max)])).status)
        }
        let start = try client.blockNumber()
        let startTime = try client.getBlock(.number(start)).timestamp
        /// The pair's price, USDC per WETH, from its reserves at `block` (decimals 6 and 18).
        func price(at block: UInt64) throws -> Double {
            let out = try client.call(to: pair.address, data: Devnet.selector("getReserves()"), block: .number(block))
            let r = [UInt256(bigEndian: out[0..<32]) ?? .zero, UInt256(bigEndian: out[32..<64]) ?? .zero]
            let usdcReserve = try #require(Double(r[usdcIndex].description)), wethReserve = try #require(Double(r[1 - usdcIndex].description))
            return (usdcReserve / 1e6) / (wethReserve / 1e18)
        }
        func usdcBalance() throws -> UInt256 {
            try Devnet.callWord(client, usdc, try balanceOf.encodeCall([.address(trader.address)]), block: try client.blockNumber())
        }
        // Hour 0 after the start: sell 10 WETH; hour 1: nothing; hours 2 and 3: buy back with half the USDC each.
        let hour = UInt64(3600)
        let base = (startTime / hour + 1) * hour
        func swapAt(_ k: UInt64, _ amountIn: UInt256, _ path: [Address]) throws -> UInt64 {
            _ = try client.rpc.call("evm_setNextBlockTimestamp", [Self.quantity(base + k * hour + 600)])
            let receipt = try Devnet.send(client, key: trader, to: router, data: try swap.encodeCall([
                .uint(amountIn), .uint(1), .array(path.map { .address($0) }), .address(trader.address), .uint(UInt256(base + 30 * hour)),
            ]))
            #expect(receipt.status, "swap in hour \(k)")
            return try #require(receipt.blockNumber)
        }
        let before = try usdcBalance()
        let sold = try swapAt(0, UInt256(decimal: "10000000000000000000")!, [weth, usdc])
        let received = try usdcBalance() - before
        let half = received / UInt256(2)
        let firstBuy = try swapAt(2, half, [usdc, weth])
        let secondBuy = try swapAt(3, received - half, [usdc, weth])
        let end = secondBuy
        let expected: [(UInt64, Double)] = [
            (base - hour, try price(at: start)), (base, try price(at: sold)), (base + hour, try price(at: sold)),
            (base + 2 * hour, try price(at: firstBuy)), (base + 3 * hour, try price(at: secondBuy)),
        ]
        #expect(Set(expected.map(\.1)).count == 4, "the walk moves the price at every swap")

        let out = dir.appendingPathComponent("chain-candles")
        let r = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--network", "devnet", "--from-block", "\(start)",
                                   "--to-block", "\(end)", "--every", "1h", "--chunk-blocks", "1", "--candles-out", out.path,
                                   "--json"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("carried forward (no log): 1"), "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((object["data"] as? String)?.hasPrefix("chain blocks \(start)-\(end)") == true, "\(object["data"] ?? "")")

        let csv = try String(contentsOf: out.appendingPathComponent("WETH.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == expected.count, "\(csv)")
        for (row, (time, close)) in zip(rows, expected) {
            #expect(row[0] == "\(time * 1000)")
            let got = try #require(Double(row[4]))
            #expect(abs(got - close) <= close * 1e-12, "close at \(time): \(got) vs the pair's \(close)")
        }
        // The gap hour opens, closes, highs and lows at the previous close.
        #expect(Set(rows[2][1...4]).count == 1, "\(rows[2])")
        // The same candles read back as files give the same backtest.
        let again = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--network", "devnet", "--candles", out.path,
                                       "--every", "1h", "--json"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func badRangesAreOneLineNamingTheOption() throws {
        let (client, _) = try Devnet.connect()
        let head = try client.blockNumber()
        let cases: [([String], String)] = [
            (["--from-block", "\(head)", "--to-block", "\(head - 1)"], "--from-block"),
            (["--from-block", "1", "--to-block", "\(head + 1000)"], "--to-block"),
            (["--to-block", "5"], "--from-block"),
            (["--from-block", "1", "--to-block", "2", "--candles", dir.path], "--candles"),
        ]
        for (args, option) in cases {
            let r = try CLIRunner.run(["backtest", "--portfolio", portfolio, "--network", "devnet"] + args, environment: env)
            #expect(r.status != 0, "\(args)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains(option), "\(args): \(r.stderr)")
        }
    }
}
