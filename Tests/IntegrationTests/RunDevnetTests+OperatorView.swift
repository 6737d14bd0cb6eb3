import Foundation
import TestSupport
import Testing

/// Issue "The operator's view": a real rebalance logged as JSON lines, one per stage, with the
/// run's identity as metadata and no secret anywhere, and its metrics written for node_exporter.
extension RunDevnetTests {
    @Test func aRunLogsEveryStageAsJSONLinesWithoutASecretAndWritesItsMetrics() throws {
        let (file, operatorKey, _) = try driftedVault("logs", tenth: true)
        let metricsFile = dir.appendingPathComponent("rebalancer.prom").path
        // User info in the RPC URL (the devnet ignores it): the logs must never show it.
        let password = "s3cretPassw0rdInTheURL"
        let credentialed = Devnet.url.replacingOccurrences(of: "://", with: "://operator:\(password)@")
        let result = try CLIRunner.run(["run", "--portfolio", file, "--key-file", operatorKey, "--rpc-url", credentialed, "--json",
                                        "--log-format", "json", "--log-level", "debug", "--metrics-file", metricsFile], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        for secret in [password, String(Self.operatorKey.dropFirst(2)), String(Self.ownerKey.dropFirst(2))] {
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "a secret reached the output")
        }
        let lines = result.stderr.split(separator: "\n").map(String.init)
        var stages: [String: [[String: Any]]] = [:]
        for line in lines {
            let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON line: \(line)")
            #expect(object["network"] as? String == "devnet" && object["portfolio"] as? String == file, "\(line)")
            #expect(object["level"] is String && object["time"] is String && object["message"] is String, "\(line)")
            if let stage = object["stage"] as? String { stages[stage, default: []].append(object) }
        }
        for stage in ["read", "decide", "plan", "dry run", "send", "confirm", "report"] {
            #expect(stages[stage] != nil, "no \(stage) line in:\n\(result.stderr)")
        }
        #expect((stages["read"]?.first?["node"] as? String)?.contains("****") == true, "\(stages["read"] ?? [])")
        for sent in stages["send"] ?? [] {
            #expect((sent["txHash"] as? String)?.count == 66 && sent["nonce"] is NSNumber && sent["runId"] is NSNumber, "\(sent)")
        }

        // run --json carries the time per stage.
        let output = try json(result)
        let timings = try #require(output["timings"] as? [[String: Any]])
        #expect(timings.map { $0["stage"] as? String } == ["reconcile", "read", "decide and plan", "dry run", "journal", "sign and send", "confirm", "report"],
                "\(timings)")
        #expect(timings.allSatisfy { (($0["seconds"] as? NSNumber)?.doubleValue ?? -1) >= 0 })

        // The cost: fees, impact and gas add up, predicted and actual; nothing else trades on this
        // devnet meanwhile, so the chain paid the predicted outputs and only the gas can differ.
        let cost = try #require(output["cost"] as? [String: Any], "run --json without cost: \(output)")
        for side in ["predicted", "actual"] {
            let b = try #require((cost[side] as? [String: Any])?.compactMapValues { ($0 as? NSNumber)?.doubleValue }, "\(side): \(cost)")
            let (fees, impact, gas, total) = (b["poolFees"] ?? -1, b["priceImpact"] ?? -1, b["gas"] ?? -1, b["total"] ?? -1)
            #expect(fees > 0 && gas > 0 && abs(fees + impact + gas - total) < 1e-6, "\(side): \(b)")
            #expect((b["percentOfTraded"] ?? 0) > 0 && (b["percentOfTraded"] ?? 100) < 5 && (b["percentOfPortfolio"] ?? 100) < (b["percentOfTraded"] ?? 0),
                    "\(side): \(b)")
        }
        let predicted = try #require((cost["predicted"] as? [String: Any])?.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        let actual = try #require((cost["actual"] as? [String: Any])?.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        #expect(abs((predicted["priceImpact"] ?? 0) - (actual["priceImpact"] ?? 1)) < 1e-6, "\(cost)")

        // The journal keeps it in the run's report: history shows it, with the stage timings.
        let history = try #require(try JSONSerialization.jsonObject(with: Data(try cli(["history", "--json"]).stdout.utf8)) as? [[String: Any]])
        let latest = try #require(history.first { ($0["id"] as? NSNumber)?.int64Value == (output["runId"] as? NSNumber)?.int64Value })
        let report = try #require(latest["outcome"] as? [String: Any], "\(latest)")
        #expect((report["cost"] as? [String: Any])?["actual"] != nil && (report["timings"] as? [[String: Any]])?.count == 8, "\(report)")
        #expect(try cli(["history"]).stdout.contains("cost actual "))

        // The textfile collector's file: one completed tick, gas spent, nothing pending.
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        let labels = "network=\"devnet\",portfolio=\"\(file)\""
        #expect(metrics.contains("rebalancer_ticks_total{\(labels),outcome=\"completed\"} 1\n"), "\(metrics)")
        #expect(metrics.contains("rebalancer_pending_transactions{\(labels)} 0\n"), "\(metrics)")
        let gas = metrics.split(separator: "\n").first { $0.hasPrefix("rebalancer_gas_spent_wei_total{") }
        #expect(gas.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 > 0 } == true, "\(metrics)")
        #expect(metrics.contains("rebalancer_drift_points{\(labels),token=\"WETH\"}"), "\(metrics)")
    }
}
