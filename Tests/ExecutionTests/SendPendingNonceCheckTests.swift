import EthCore
import EthRPC
import EthSigning
import Foundation
import TestSupport
import Testing

@testable import Execution

/// Nothing is planned while the operator has transactions the chain has not settled.
@Suite struct SendPendingNonceCheckTests {
    let key = SendFixtures.key8

    func node(latest: UInt64, pending: UInt64) -> ScriptedTransport {
        ScriptedTransport { method, params in
            guard method == "eth_getTransactionCount", params.count == 2 else {
                return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
            return .success(SendFixtures.hex(params[1].stringValue == "pending" ? pending : latest))
        }
    }

    @Test func unexplainedNonces() {
        #expect(PendingNonceCheck.unexplained(latest: 7, pending: 7) == nil)
        #expect(PendingNonceCheck.unexplained(latest: 7, pending: 8) == 7...7)
        #expect(PendingNonceCheck.unexplained(latest: 7, pending: 10) == 7...9)
        #expect(PendingNonceCheck.unexplained(latest: 7, pending: 3) == nil)  // a node without a pool view
    }

    @Test func aQuietOperatorPassesInOneRequest() throws {
        let t = node(latest: 5, pending: 5)
        try PendingNonceCheck(client: SendFixtures.client(t), journal: try Journal(path: ":memory:")).verifyQuiet(key.address)
        #expect(t.requests == [["eth_getTransactionCount", "eth_getTransactionCount"]])
    }

    /// Another host (or data directory) with the same key has a rebalance in the node's pool.
    @Test func pendingNoncesTheJournalDidNotSendStopPlanning() throws {
        let t = node(latest: 5, pending: 6)
        let check = PendingNonceCheck(client: SendFixtures.client(t), journal: try Journal(path: ":memory:"))
        do {
            try check.verifyQuiet(key.address)
            Issue.record("expected a refusal")
        } catch {
            guard case .unexplainedPendingNonces(let sender, let nonces) = error else { Issue.record("unexpected \(error)"); return }
            #expect(sender == key.address && nonces == 5...5)
            #expect("\(error)".contains("nonce 5") && "\(error)".contains("did not send"))
        }
    }

    /// A journaled transaction whose broadcast got an error reply stays unsettled: no plan, no node needed.
    @Test func anUnsettledJournalRowStopsPlanning() throws {
        let j = try Journal(path: ":memory:")
        let run = try j.beginRun(network: "test", portfolio: "p", mode: .eoa, blockNumber: nil, decision: .rebalance,
                                 reasons: [], plan: nil, status: .sending)
        let s = DynamicFeeTransaction(chainId: 31337, nonce: 5, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(100),
                                      gasLimit: 21_000, to: SendFixtures.account9, value: UInt256(1)).sign(with: key)
        try j.recordSigned(runId: run, intent: "rebalance", sender: key.address, nonce: 5, hash: s.transactionHash,
                           raw: s.rawHex, maxFeePerGas: UInt256(100), maxPriorityFeePerGas: UInt256(1), gasLimit: 21_000)
        let t = node(latest: 5, pending: 5)
        do {
            try PendingNonceCheck(client: SendFixtures.client(t), journal: j).verifyQuiet(key.address)
            Issue.record("expected a refusal")
        } catch {
            guard case .unsettled(let rows) = error else { Issue.record("unexpected \(error)"); return }
            #expect(rows.count == 1 && rows[0].contains(s.hashHex))
        }
        #expect(t.requests.isEmpty)
    }
}
