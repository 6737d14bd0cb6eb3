import EthRPC
import Foundation
import TestSupport
import Testing

/// `daemon --portfolios DIR`: three portfolios on one network, each with its own journal, read
/// together: the node sees the chain check once and then two requests per tick (pin the block,
/// read every portfolio), not three reads and three nonce checks per tick.
extension DaemonDevnetTests {
    @Test func severalPortfoliosShareOneStateReadPerTick() throws {
        let inside = try insideBandsPortfolio()
        let fleet = dir.appendingPathComponent("fleet")
        try FileManager.default.createDirectory(at: fleet, withIntermediateDirectories: true)
        let names = ["alpha", "beta", "gamma"]
        for name in names { try FileManager.default.copyItem(atPath: inside, toPath: fleet.appendingPathComponent("\(name).json").path) }
        let transport = try HTTPTransport(HTTPTransport.Configuration(url: Devnet.url))
        let proxy = try LocalHTTPServer { _, request in
            guard let reply = try? transport.send(request.body) else { return .close }
            return .json(String(decoding: reply, as: UTF8.self))
        }
        defer { proxy.stop() }
        let result = try CLIRunner.run(["daemon", "--portfolios", fleet.path, "--key-file", keyFile, "--every", "1s", "--ticks", "2",
                                        "--rpc-url", proxy.url], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        for name in names {
            let data = dir.appendingPathComponent("data/portfolios/\(name)").path
            let history = try CLIRunner.run(["history", "--json", "--data-dir", data], environment: env)
            let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]], "\(history.stderr)")
            #expect(runs.count == 2 && runs.allSatisfy { $0["decision"] as? String == "skip" }, "\(name): \(runs)")
        }
        #expect(proxy.requestCount == 1 + 2 * 2, "requests to the node: \(proxy.requestCount) for 3 portfolios × 2 ticks")

        let both = try CLIRunner.run(["daemon", "--portfolios", fleet.path, "--portfolio", inside, "--key-file", keyFile, "--every", "1s"],
                                     environment: env)
        #expect(both.status != 0 && both.errorLine.contains("either --portfolio or --portfolios"), "\(both.stderr)")
        let run = try CLIRunner.run(["run", "--portfolios", fleet.path, "--key-file", keyFile], environment: env)
        #expect(run.status == 1 && run.errorLine.contains("--portfolios: only `daemon`"), "\(run.stderr)")
    }
}
