import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import TestSupport
import Testing

/// Step routes sent for real, through the binary, on a market of their own: each test deploys a
/// fresh Uniswap V2 factory and router (mainnet's bytecode) with four pairs at the feeds' prices,
/// WETH/USDC and WETH/DAI shallow, DAI/USDC and USDC/WBTC deep, and a network file listing only
/// those. A 62/8/30 WETH/WBTC/USDC portfolio then sells WETH for WBTC best by splitting the WETH
/// over the two shallow pools into USDC (directly, and via DAI) and merging both into the one
/// USDC/WBTC pool: not a set of pool-disjoint paths, so the route is steps. Nothing else trades on
/// these pools, so the route shape is the same on every devnet, and every step's Swap log must show
/// exactly its quote. Keys are fresh (keccak of a label: public test keys, not secrets); ETH comes
/// from dev account 6, tokens are minted by the devnet's deployer (its key is public by design).
@Suite(.serialized) struct StepRouteRunDevnetTests {
    static let swapTopic = Keccak256.hash("Swap(address,uint256,uint256,uint256,uint256,address)")

    struct IsolatedMarket {
        var dir: URL
        var env: [String: String]
        var network: NetworkConfig
        /// Pair address → its token symbols in token0/token1 order.
        var pairs: [Address: [String]]
    }

    let client: EthClient
    let funder: PrivateKey
    let deployer: PrivateKey
    let lp: PrivateKey

    init() throws {
        (client, _) = try Devnet.connect()
        funder = try PrivateKey(hex: RunDevnetTests.funderKey, source: "dev account 6")
        deployer = try PrivateKey(bytes: Keccak256.hash("rebalancer devnet deployer"))
        lp = try PrivateKey(bytes: Self.freshSecret("liquidity"))
    }

    static func freshSecret(_ label: String) -> [UInt8] {
        Keccak256.hash("rebalancer step-route run test \(label) \(UUID().uuidString)")
    }

    func call(_ signature: String, _ args: [ABIValue]) throws -> [UInt8] { try ABIFunction(signature: signature).encodeCall(args) }

    @discardableResult
    func send(_ key: PrivateKey, _ to: Address?, _ data: [UInt8], value: UInt256 = .zero, gas: UInt64 = 500_000) throws -> Receipt {
        let r = try Devnet.send(client, key: key, to: to, data: data, value: value, gasLimit: gas)
        #expect(r.status, "transaction to \(to?.checksummed ?? "new contract") reverted")
        return r
    }

    func fundEther(_ to: Address, whole: UInt64) throws {
        try send(funder, to, [], value: UInt256(whole) * UInt256(decimal: "1000000000000000000")!, gas: 21_000)
    }

    /// Deployer-minted tokens (USDC, DAI, WBTC) or wrapped ether (WETH, wrapped by `holder`) for `to`.
    func give(_ symbol: String, _ raw: UInt256, to: Address, network: NetworkConfig, holder: PrivateKey) throws {
        let token = try #require(network.token(symbol)).address
        if symbol == "WETH" {
            try send(holder, token, try call("deposit()", []), value: raw)
            if to != holder.address { try send(holder, token, try call("transfer(address,uint256)", [.address(to), .uint(raw)])) }
        } else {
            try send(deployer, token, try call("mint(address,uint256)", [.address(to), .uint(raw)]))
        }
    }

    func deploy(_ artifact: String, _ constructorArgs: [Address]) throws -> Address {
        let url = Devnet.repositoryRoot.appendingPathComponent("devnet/artifacts/uniswap-v2/\(artifact).json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let code = try Hex.decode(try #require(json["bytecode"] as? String))
        let args = Array(try call("deployArgs(\(constructorArgs.map { _ in "address" }.joined(separator: ",")))",
                                  constructorArgs.map { .address($0) }).dropFirst(4))
        return try #require(try send(lp, nil, code + args, gas: 7_000_000).contractAddress)
    }

    func e(_ whole: UInt64, _ decimals: Int) -> UInt256 {
        var v = UInt256(whole)
        for _ in 0..<decimals { v = v * 10 }
        return v
    }

    /// The isolated market and a network file `iso` (in a fresh directory, the commands' working
    /// directory) that lists only its pairs.
    func isolatedMarket() throws -> IsolatedMarket {
        let devnet = try Devnet.network()
        try fundEther(lp.address, whole: 70)
        try fundEther(deployer.address, whole: 1)
        let weth = try #require(devnet.token("WETH")).address
        let factory = try deploy("UniswapV2Factory", [lp.address])
        let router = try deploy("UniswapV2Router02", [factory, weth])
        // (token A, amount A, token B, amount B) at WETH 3000, WBTC 60000, USDC = DAI = 1.
        let specs: [(String, UInt256, String, UInt256)] = [
            ("WETH", e(30, 18), "USDC", e(90_000, 6)),
            ("WETH", e(30, 18), "DAI", e(90_000, 18)),
            ("DAI", e(300_000, 18), "USDC", e(300_000, 6)),
            ("USDC", e(600_000, 6), "WBTC", e(10, 8)),
        ]
        var pairs: [Address: [String]] = [:]
        for (a, amountA, b, amountB) in specs {
            let ta = try #require(devnet.token(a)).address, tb = try #require(devnet.token(b)).address
            try send(lp, factory, try call("createPair(address,address)", [.address(ta), .address(tb)]), gas: 5_000_000)
            let pair = try client.call(to: factory, data: try call("getPair(address,address)", [.address(ta), .address(tb)]), block: .latest)
            let address = try #require(Address(word: pair.prefix(32)))
            try give(a, amountA, to: address, network: devnet, holder: lp)
            try give(b, amountB, to: address, network: devnet, holder: lp)
            try send(lp, address, try call("mint(address)", [.address(lp.address)]))
            // a pair's first swap after its mint's block pays for its price accumulators: do it now, as mainnet's pairs have
            try send(lp, address, try call("sync()", []))
            pairs[address] = ta < tb ? [a, b] : [b, a]
        }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("step-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("networks"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let source = Devnet.repositoryRoot.appendingPathComponent("networks/devnet.json")
        var file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        file["name"] = "iso"
        file["tokens"] = (file["tokens"] as? [[String: Any]] ?? []).filter { ["WETH", "USDC", "WBTC", "DAI"].contains($0["symbol"] as? String ?? "") }
        file["dexes"] = [["name": "iso-v2", "kind": "constant-product", "factory": factory.checksummed, "router": router.checksummed, "feeBps": 30]]
        file["pools"] = pairs.sorted { $0.key < $1.key }.map { address, tokens in
            ["dex": "iso-v2", "kind": "constant-product", "address": address.checksummed, "tokens": tokens, "feeBps": 30] as [String: Any]
        }
        file["uniswapV3"] = nil
        let path = dir.appendingPathComponent("networks/iso.json")
        try JSONSerialization.data(withJSONObject: file, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        let network = try NetworkConfig.load(path: path.path)
        let env = ["DEVNET_RPC_URL": Devnet.url, "REBALANCER_DATA_DIR": dir.appendingPathComponent("data").path]
        return IsolatedMarket(dir: dir, env: env, network: network, pairs: pairs)
    }

    @discardableResult
    func cli(_ market: IsolatedMarket, _ args: [String], expectStatus: Int32 = 0) throws -> CLIRunner.Result {
        let result = try CLIRunner.run(args, environment: market.env, directory: market.dir)
        #expect(result.status == expectStatus, "rebalancer \(args.joined(separator: " ")): \(result.stderr) \(result.stdout.prefix(2000))")
        return result
    }

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout.prefix(500))")
    }

    func keyFile(_ market: IsolatedMarket, _ secret: [UInt8], _ name: String) throws -> String {
        let path = market.dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data((Hex.encode(secret) + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    func portfolio(_ market: IsolatedMarket, mode: String, operator: Address, vault: String?) throws -> String {
        let path = market.dir.appendingPathComponent("portfolio-\(mode).json").path
        let vaultLine = vault.map { "\"vault\": \"\($0)\"," } ?? ""
        try """
            {"network": "iso", "mode": "\(mode)", "operator": "\(`operator`.checksummed)", \(vaultLine) "quoteToken": "USDC",
             "targets": [{"token": "WETH", "percent": 40}, {"token": "WBTC", "percent": 30}, {"token": "USDC", "percent": 30}]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A 62/8/30 WETH/WBTC/USDC holding of $5,000 for `holder`.
    func fundDrifted(_ market: IsolatedMarket, holder: Address) throws {
        try give("WETH", UInt256(decimal: "1033333333333333333")!, to: holder, network: market.network, holder: lp)
        try give("WBTC", UInt256(666_666), to: holder, network: market.network, holder: lp)
        try give("USDC", e(1_500, 6), to: holder, network: market.network, holder: lp)
    }

    /// Plans, runs, and checks the run against the plan: the routes are step routes through a
    /// shared pool, every Swap log of the isolated pairs is exactly its planned step (pool, amounts,
    /// direction, in order), each route paid its prediction, and the holding ends inside its bands.
    func planRunAndCheck(_ market: IsolatedMarket, portfolio: String, key: String) throws {
        let plan = try json(try cli(market, ["plan", "--portfolio", portfolio, "--json"]))
        #expect(plan["decision"].flatMap { ($0 as? [String: Any])?["action"] as? String } == "rebalance", "\(plan["decision"] ?? "")")
        let routes = try #require(plan["routes"] as? [[String: Any]])
        #expect(!routes.isEmpty)
        var planned: [(pool: String, tokenIn: String, amountIn: String, tokenOut: String, amountOut: String)] = []
        for route in routes {
            let steps = try #require(route["steps"] as? [[String: Any]], "route without steps: \(route)")
            // Not a set of simple paths: some pool is stepped through by more than one leg.
            let legs = try #require(route["legs"] as? [[String: Any]])
            let poolsOfLegs = legs.flatMap { $0["pools"] as? [String] ?? [] }
            #expect(Set(poolsOfLegs).count < poolsOfLegs.count, "legs share no pool: \(legs)")
            #expect(steps.count >= 4, "\(steps)")
            for s in steps {
                planned.append(((s["pool"] as? String ?? "").lowercased(), s["tokenIn"] as? String ?? "", s["amountIn"] as? String ?? "",
                                s["tokenOut"] as? String ?? "", s["amountOut"] as? String ?? ""))
            }
        }

        let before = try client.blockNumber()
        let run = try json(try cli(market, ["run", "--portfolio", portfolio, "--key-file", key, "--json"]))
        #expect(run["decision"] as? String == "rebalance")
        for r in try #require(run["routes"] as? [[String: Any]]) {
            #expect(r["actualOut"] as? String == r["predictedOut"] as? String, "\(r)")
        }
        let logs = try client.getLogs(LogFilter(fromBlock: .number(before + 1), toBlock: .latest,
                                                addresses: Array(market.pairs.keys), topics: [[Self.swapTopic]]))
        var executed: [(pool: String, tokenIn: String, amountIn: String, tokenOut: String, amountOut: String)] = []
        for log in logs {
            let tokens = try #require(market.pairs[log.address])
            let words = (0..<4).map { UInt256(bigEndian: log.data[($0 * 32)..<($0 * 32 + 32)]) ?? .max }
            let zeroForOne = !words[0].isZero
            executed.append((log.address.lowercaseHex, zeroForOne ? tokens[0] : tokens[1], (zeroForOne ? words[0] : words[1]).description,
                             zeroForOne ? tokens[1] : tokens[0], (zeroForOne ? words[3] : words[2]).description))
        }
        #expect(executed.count == planned.count, "executed \(executed), planned \(planned)")
        for (k, (p, x)) in zip(planned, executed).enumerated() {
            #expect(p.pool == x.pool && p.tokenIn == x.tokenIn && p.tokenOut == x.tokenOut, "step \(k): planned \(p), executed \(x)")
            #expect(p.amountIn == x.amountIn && p.amountOut == x.amountOut, "step \(k): planned \(p), executed \(x)")
        }

        let status = try json(try cli(market, ["status", "--portfolio", portfolio, "--json"]))
        #expect(status["needsRebalance"] as? Bool == false)
        for row in try #require(status["tokens"] as? [[String: Any]]) { #expect(row["band"] as? String == "inside", "\(row)") }
    }

    @Test func vaultRunSendsAStepRouteExactToTheWeiPerStep() throws {
        let market = try isolatedMarket()
        let ownerSecret = Self.freshSecret("vault owner"), opSecret = Self.freshSecret("vault operator")
        let owner = try PrivateKey(bytes: ownerSecret), op = try PrivateKey(bytes: opSecret)
        try fundEther(owner.address, whole: 1)
        try fundEther(op.address, whole: 1)
        let ownerKey = try keyFile(market, ownerSecret, "owner.key"), opKey = try keyFile(market, opSecret, "operator.key")
        let vault = try cli(market, ["vault", "deploy", "--network", "iso", "--key-file", ownerKey, "--operator", op.address.checksummed, "--quiet"]).out
        try cli(market, ["vault", "allow", "--network", "iso", "--vault", vault, "--key-file", ownerKey])
        // The 22 % rebalance in one call: over the default 10 % per call.
        try cli(market, ["vault", "set-limits", "--network", "iso", "--vault", vault, "--key-file", ownerKey, "--max-call-percent", "30",
                         "--max-loss-bps", "500", "--max-daily-loss-bps", "300"])
        try fundDrifted(market, holder: try Address(vault))
        try planRunAndCheck(market, portfolio: try portfolio(market, mode: "vault", operator: op.address, vault: vault), key: opKey)
    }

    @Test func eoaRunSendsAStepRouteAsOneSwapPerStepExactToTheWei() throws {
        let market = try isolatedMarket()
        let secret = Self.freshSecret("eoa operator")
        let op = try PrivateKey(bytes: secret)
        try fundEther(op.address, whole: 2)
        try fundDrifted(market, holder: op.address)
        try planRunAndCheck(market, portfolio: try portfolio(market, mode: "eoa", operator: op.address, vault: nil),
                            key: try keyFile(market, secret, "operator.key"))
    }
}
