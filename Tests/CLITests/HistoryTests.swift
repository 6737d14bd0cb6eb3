import EthCore
import Execution
import Foundation
import TestSupport
import Testing

@Suite struct HistoryTests {
    @Test func listsRunsFromTheJournal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        let journal = try Journal(path: dir.appendingPathComponent("devnet/journal.sqlite").path)
        try journal.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 42, decision: .skip,
                             reasons: ["every token is inside its drift bands"], plan: nil, status: .skipped)
        let run = try journal.beginRun(network: "devnet", portfolio: "p.json", mode: .vault, blockNumber: 43, decision: .rebalance,
                                       reasons: [], plan: "{}", status: .sending)
        let tx = try journal.recordSigned(runId: run, intent: "rebalance", sender: Address.zero, nonce: 0,
                                          hash: Hash32.keccak256([1]), raw: "0x02",
                                          maxFeePerGas: UInt256(1), maxPriorityFeePerGas: UInt256(1), gasLimit: 300_000)
        try journal.markMined(tx, block: 44, gasUsed: 212_345, effectiveGasPrice: UInt256(1000), success: true)
        try journal.finishRun(run, status: .completed, outcome: #"{"gasUsed":"212345"}"#)

        let table = try CLIRunner.run(["history", "--data-dir", dir.path])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("rebalance") && lines[1].contains("completed") && lines[1].contains("212345 gas"))
        #expect(lines[2].contains("skip") && lines[2].contains("inside its drift bands"))

        let json = try CLIRunner.run(["history", "--data-dir", dir.path, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["status"] as? String == "completed")
        #expect((entries[0]["transactions"] as? [[String: Any]])?.first?["gasUsed"] as? Int == 212_345)
        #expect((entries[1]["reasons"] as? [String]) == ["every token is inside its drift bands"])
    }

    @Test func missingJournalIsOneLine() throws {
        let result = try CLIRunner.run(["history", "--data-dir", "/nonexistent-rebalancer", "--network", "sepolia"])
        #expect(result.status != 0)
        #expect(result.errorLine == "Error: no journal at /nonexistent-rebalancer/sepolia/journal.sqlite: nothing has run on sepolia with this data directory yet")
    }
}
