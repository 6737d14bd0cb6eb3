import EthCore
import EthRPC
import Foundation
import TestSupport
import Testing

/// A provider that takes a transaction but answers its broadcast with an error, and whose other
/// backend does not know it yet (rate limits, load balancers): a proxy in front of the devnet that
/// forwards everything, turns every eth_sendRawTransaction reply into a JSON-RPC error, and answers
/// eth_getTransactionByHash with null.
final class ErroringProvider: @unchecked Sendable {
    let server: LocalHTTPServer
    var url: String { server.url }

    init(upstream: String) throws {
        let transport = try HTTPTransport(HTTPTransport.Configuration(url: upstream))
        server = try LocalHTTPServer { _, request in
            guard let reply = try? transport.send(request.body), let answer = try? JSONValue.parse(reply) else { return .close }
            let calls = request.json?.arrayValue ?? [request.json ?? .null]
            let hidden = Set(calls.filter { ["eth_sendRawTransaction", "eth_getTransactionByHash"].contains($0["method"]?.stringValue ?? "") }
                .compactMap { $0["id"].map { $0.serialized } })
            func rewrite(_ member: JSONValue) -> JSONValue {
                guard let id = member["id"], hidden.contains(id.serialized) else { return member }
                let method = calls.first { $0["id"]?.serialized == id.serialized }?["method"]?.stringValue
                if method == "eth_getTransactionByHash" { return ["jsonrpc": "2.0", "id": id, "result": .null] }
                return ["jsonrpc": "2.0", "id": id, "error": ["code": -32000, "message": "rate limited, try again later"]]
            }
            let rewritten = answer.arrayValue.map { JSONValue.array($0.map(rewrite)) } ?? rewrite(answer)
            return .json(String(decoding: rewritten.serialized, as: UTF8.self))
        }
    }
}

extension RunDevnetTests {
    /// Issue "Hardening" item 1: the node takes the rebalance but answers its broadcast with an
    /// error. The run ends "unsettled" (exit 5) with the transaction journaled as unknown; a second
    /// host with the same key (another data dir) and the same host's next run both refuse to plan
    /// while it is pending; once it is mined the next run settles it and skips. One rebalance in all.
    @Test func aSendAnsweredWithAnErrorIsNeverSentTwice() throws {
        let (client, _) = try Devnet.connect()
        let (file, operatorKey, _) = try driftedVault("double-send", tenth: true)
        let operatorAddress = try Address(Self.operatorAddress)
        let start = try client.getTransactionCount(operatorAddress, block: .latest)
        let provider = try ErroringProvider(upstream: Devnet.url)

        _ = try client.rpc.call("evm_setAutomine", [.bool(false)])
        var automine = false
        defer { if !automine { _ = try? client.rpc.call("evm_setAutomine", [.bool(true)]) } }

        // 1. The provider takes the rebalance and answers with an error: unsettled, not dropped.
        let first = try cli(["run", "--portfolio", file, "--key-file", operatorKey, "--rpc-url", provider.url, "--timeout", "5",
                             "--poll-interval", "0.2"], expectStatus: 5)
        #expect(first.stderr.contains("unsettled"), "\(first.stderr)")
        #expect(try client.getTransactionCount(operatorAddress, block: .pending) == start + 1)

        // 2. Another host with the same key and its own journal: the pending nonce is unexplained.
        let otherHost = dir.appendingPathComponent("other-host").path
        let second = try CLIRunner.run(["run", "--portfolio", file, "--key-file", operatorKey, "--data-dir", otherHost,
                                        "--timeout", "5"], environment: env)
        #expect(second.status == 5, "\(second.stderr)")
        #expect(second.errorLine.contains("did not send") && second.errorLine.contains("nonce \(start)"), "\(second.stderr)")

        // 3. This host again, while the transaction waits in the pool: it waits for it, sends nothing new.
        let third = try CLIRunner.run(["run", "--portfolio", file, "--key-file", operatorKey, "--timeout", "3",
                                       "--poll-interval", "0.2"], environment: env)
        #expect(third.status != 0, "\(third.stdout)")
        #expect(try client.getTransactionCount(operatorAddress, block: .pending) == start + 1)

        // 4. Mined: the next run settles it, finds the portfolio inside its bands, and skips.
        _ = try client.rpc.call("evm_mine", [])
        _ = try client.rpc.call("evm_setAutomine", [.bool(true)])
        automine = true
        let fourth = try json(try cli(["run", "--portfolio", file, "--key-file", operatorKey, "--json"]))
        #expect(fourth["decision"] as? String == "skip", "\(fourth)")
        #expect(try client.getTransactionCount(operatorAddress, block: .latest) == start + 1)
        let history = try #require(try JSONSerialization.jsonObject(with: Data(try cli(["history", "--json"]).stdout.utf8)) as? [[String: Any]])
        let rebalances = history.filter { $0["decision"] as? String == "rebalance" && ($0["transactions"] as? [[String: Any]])?.isEmpty == false }
        let mine = rebalances.filter { ($0["transactions"] as? [[String: Any]] ?? []).contains { $0["nonce"] as? Int == Int(start) } }
        #expect(mine.count == 1, "\(rebalances)")
        #expect(mine.first?["status"] as? String == "completed", "\(mine)")
    }
}
