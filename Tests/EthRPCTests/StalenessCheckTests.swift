import TestSupport
import EthCore
import Testing

@testable import EthRPC

@Suite("Stale data detection")
struct StalenessCheckTests {
    static func header(_ number: UInt64, timestamp: UInt64) -> BlockHeader {
        BlockHeader(
            number: number, hash: [UInt8](repeating: 1, count: 32), parentHash: [UInt8](repeating: 0, count: 32),
            timestamp: timestamp, baseFeePerGas: UInt256(7), gasLimit: 30_000_000, gasUsed: 0)
    }

    @Test func oldHeadBlockIsStale() {
        let check = StalenessCheck(maxBlockAgeSeconds: 60, maxBlocksBehind: 3)
        #expect(check.check(Self.header(100, timestamp: 1_000), now: 1_060, node: "n") == nil)
        let report = check.check(Self.header(100, timestamp: 1_000), now: 1_061, node: "n")
        #expect(report?.problems == [.blockTooOld(blockNumber: 100, ageSeconds: 61, maxAgeSeconds: 60)])
        // A block from the future (clock skew) is not stale.
        #expect(check.check(Self.header(100, timestamp: 2_000), now: 1_000, node: "n") == nil)
    }

    @Test func nodeBehindTheBestIsReported() {
        let check = StalenessCheck(maxBlockAgeSeconds: 60, maxBlocksBehind: 3)
        let reports = check.compare(heads: [(node: "a", blockNumber: 100), (node: "b", blockNumber: 97), (node: "c", blockNumber: 96)])
        #expect(reports.count == 1)
        #expect(reports.first?.node == "c")
        #expect(reports.first?.problems == [.behindBest(blockNumber: 96, bestBlockNumber: 100, bestNode: "a", maxBlocksBehind: 3)])
        #expect(reports.first?.summary == "c: at block 96, 4 behind a at 100 (max 3)")
        #expect(check.compare(heads: []).isEmpty)
    }

    @Test func surveyOfLocalNodesFlagsTheLaggingOne() throws {
        func node(_ number: UInt64, timestamp: UInt64) throws -> LocalHTTPServer {
            try LocalHTTPServer { _, request in
                FakeNode.reply(to: request) { _, _ in
                    .success([
                        "number": .string("0x" + String(number, radix: 16)),
                        "hash": .string("0x" + String(repeating: "ab", count: 32)),
                        "parentHash": .string("0x" + String(repeating: "cd", count: 32)),
                        "timestamp": .string("0x" + String(timestamp, radix: 16)),
                        "baseFeePerGas": "0x3b9aca00", "gasLimit": "0x1c9c380", "gasUsed": "0x0",
                    ])
                }
            }
        }
        let fresh = try node(1_000, timestamp: 10_000)
        let lagging = try node(990, timestamp: 9_880)
        let clients = try [fresh, lagging].map { EthClient(rpc: JSONRPCClient(transport: try HTTPTransport(url: $0.url), retryPolicy: .none)) }
        let survey = StalenessCheck(maxBlockAgeSeconds: 60, maxBlocksBehind: 5).survey(clients, now: 10_012)
        #expect(survey.stale.count == 1)
        #expect(survey.stale.first?.node == lagging.url)
        #expect(survey.stale.first?.problems.count == 2)  // behind and too old
        #expect(survey.bestFreshIndex == 0)
    }
}
