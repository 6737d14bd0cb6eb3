import EthCore
import EthRPC
import Foundation
import Market
import TestSupport
import Testing
@testable import rebalancer

/// How `backtest --from-block` asks a node for Sync logs: chunked eth_getLogs, a range the node
/// refuses halved, a transient failure retried by the client, any other refusal one line.
@Suite struct BacktestChainSourceTests {
    static let pair = Address(bytes: [UInt8](repeating: 0, count: 19) + [0x42]) ?? .zero

    static func hex(_ n: UInt64) -> String { "0x" + String(n, radix: 16) }

    /// One Sync log per block, reserves (block, 2·block).
    static func syncLog(block: UInt64) -> JSONValue {
        func word(_ n: UInt64) -> [UInt8] { UInt256(n).bigEndianBytes }
        return ["address": .string(pair.checksummed), "topics": .array(["0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1"]),
                "data": .string(Hex.encode(word(block) + word(2 * block))), "blockNumber": .string(hex(block)),
                "logIndex": "0x0", "removed": false]
    }

    static func range(_ params: [JSONValue]) -> (UInt64, UInt64) {
        let from = params.first?["fromBlock"]?.stringValue.flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0
        let to = params.first?["toBlock"]?.stringValue.flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0
        return (from, to)
    }

    /// A node serving one Sync per block that refuses ranges longer than `maxRange` blocks.
    static func source(maxRange: UInt64, chunk: UInt64, refusal: ScriptedTransport.Failure? = nil) throws
        -> (BacktestChainSource, ScriptedTransport) {
        let transport = ScriptedTransport { method, params in
            guard method == "eth_getLogs" else { return .failure(.init(code: -32601, message: "unexpected \(method)")) }
            let (from, to) = range(params)
            if let refusal { return .failure(refusal) }
            guard to - from + 1 <= maxRange else {
                return .failure(.init(code: -32000, message: "block range is too wide: max \(maxRange) blocks"))
            }
            return .success(.array((from...to).map(syncLog)))
        }
        let client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: RetryPolicy(maxRetries: 2, baseDelaySeconds: 0)))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let network = try NetworkConfig.load(path: root.appendingPathComponent("networks/devnet.json").path)
        return (BacktestChainSource(client: client, network: network, fromBlock: 100, toBlock: 120, chunk: chunk), transport)
    }

    @Test func aRefusedRangeIsHalvedAndEveryBlockIsReadOnce() throws {
        let (source, transport) = try Self.source(maxRange: 4, chunk: 16)
        let syncs = try source.logs([Self.pair])
        #expect(syncs.map(\.block) == Array(101...120))
        #expect(syncs.first?.reserves == [UInt256(101), UInt256(202)])
        let asked = transport.bodies.map { Self.range($0["params"]?.arrayValue ?? []) }
        // 101-116 and 101-108 refused, then 4-block chunks.
        #expect(asked.map { "\($0.0)-\($0.1)" } == ["101-116", "101-108", "101-104", "105-108", "109-112", "113-116", "117-120"])
    }

    @Test func anotherRefusalIsOneLineNamingTheOption() throws {
        let (source, _) = try Self.source(maxRange: 100, chunk: 16, refusal: .init(code: -32000, message: "method disabled"))
        #expect { try source.logs([Self.pair]) } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("--from-block: eth_getLogs for blocks 101-116") && !text.contains("\n")
        }
    }

    @Test func rangeMessagesOfCommonProvidersCountAsRefusals() {
        for message in ["query returned more than 10000 results", "exceed maximum block range: 5000", "Log response size exceeded."] {
            #expect(BacktestChainSource.refusesRange(.rpc(code: -32000, message: message)), "\(message)")
        }
        #expect(!BacktestChainSource.refusesRange(.rpc(code: -32000, message: "header not found")))
    }
}
