import TestSupport
import EthCore
import Foundation
import Testing

@testable import EthRPC

/// The typed eth_ API against a scripted local node: request shapes and result decoding.
@Suite("Typed eth_ client")
struct EthClientTests {
    static let account = testAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    static let multicall = testAddress("0xcA11bde05977b3631167028862bE2a173976CA11")
    static let hash = "0x" + String(repeating: "ab", count: 32)

    static let block: JSONValue = [
        "number": "0x4b4", "hash": .string(hash), "parentHash": .string("0x" + String(repeating: "cd", count: 32)),
        "timestamp": "0x692e1f00", "baseFeePerGas": "0x342770c0", "gasLimit": "0x1c9c380", "gasUsed": "0x5208",
        "miner": "0x0000000000000000000000000000000000000000", "transactions": [],
    ]

    static let log: JSONValue = [
        "address": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        "topics": .array([.string("0x" + String(repeating: "11", count: 32))]), "data": "0x0001",
        "blockNumber": "0x4b4", "transactionHash": .string(hash), "logIndex": "0x0", "removed": false,
    ]

    static let receipt: JSONValue = [
        "transactionHash": .string(hash), "status": "0x1", "blockNumber": "0x4b4", "blockHash": .string(hash),
        "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "to": nil, "gasUsed": "0x5208",
        "cumulativeGasUsed": "0xa410", "effectiveGasPrice": "0x3b9aca00",
        "contractAddress": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        "logs": .array([log]),
    ]

    static func node(_ answer: @escaping @Sendable (String, [JSONValue]) -> Result<JSONValue, FakeNode.RPCFailure>) throws
        -> (LocalHTTPServer, EthClient)
    {
        let server = try LocalHTTPServer { _, request in FakeNode.reply(to: request, answer: answer) }
        let client = EthClient(rpc: JSONRPCClient(transport: try HTTPTransport(url: server.url), retryPolicy: .none))
        return (server, client)
    }

    @Test func decodesScalarsAndHeader() throws {
        let (server, client) = try Self.node { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_blockNumber": return .success("0x4b4")
            case "eth_getBlockByNumber":
                return params == ["0x4b4", false] || params == ["latest", false] ? .success(Self.block) : .success(nil)
            case "eth_getBalance": return .success("0x21e19e0c9bab2400000")
            case "eth_getCode": return .success("0x6080")
            case "eth_getTransactionCount": return .success(params.last == "pending" ? "0x3" : "0x2")
            case "eth_gasPrice": return .success("0x3b9aca00")
            case "eth_maxPriorityFeePerGas": return .success("0x59682f00")
            case "eth_estimateGas": return .success("0x5208")
            default: return .failure(.init(code: -32601, message: "no \(method)"))
            }
        }
        #expect(try client.chainId() == 31337)
        #expect(try client.blockNumber() == 1204)
        let header = try client.getBlock(.number(1204))
        #expect(header.number == 1204)
        #expect(header.timestamp == 0x692e1f00)
        #expect(header.baseFeePerGas == UInt256(0x342770c0))
        #expect(header.gasLimit == 30_000_000 && header.gasUsed == 21_000)
        #expect(header.hash == [UInt8](repeating: 0xab, count: 32))
        #expect(throws: RPCError.notFound("block 5 (eth_getBlockByNumber returned null)")) { try client.getBlock(.number(5)) }
        #expect(try client.getBalance(Self.account, block: .latest) == UInt256(decimal: "10000000000000000000000"))
        #expect(try client.getCode(Self.account, block: .latest) == [0x60, 0x80])
        #expect(try client.getTransactionCount(Self.account, block: .pending) == 3)
        #expect(try client.getTransactionCount(Self.account, block: .latest) == 2)
        #expect(try client.gasPrice() == UInt256(1_000_000_000))
        #expect(try client.maxPriorityFeePerGas() == UInt256(1_500_000_000))
        #expect(try client.estimateGas(CallRequest(to: Self.account, data: [], from: Self.account, value: UInt256(1))) == 21_000)

        let sent = server.requests.compactMap(\.json)
        let balance = try #require(sent.first { $0["method"] == "eth_getBalance" })
        #expect(balance["params"] == ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "latest"])
        let estimate = try #require(sent.first { $0["method"] == "eth_estimateGas" })
        #expect(estimate["params"]?.arrayValue?.first?["value"] == "0x1")
        #expect(estimate["params"]?.arrayValue?.first?["data"] == "0x")
    }

    @Test func decodesReceiptTransactionLogsAndFeeHistory() throws {
        let (server, client) = try Self.node { method, params in
            switch method {
            case "eth_getTransactionReceipt":
                return params.first == .string(Self.hash) ? .success(Self.receipt) : .success(nil)
            case "eth_getTransactionByHash":
                return .success([
                    "hash": .string(Self.hash), "type": "0x2", "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
                    "to": nil, "nonce": "0x0", "value": "0x0", "input": "0x6080", "gas": "0x1e8480",
                    "maxFeePerGas": "0x77359400", "maxPriorityFeePerGas": "0x3b9aca00", "chainId": "0x7a69",
                    "blockNumber": nil, "blockHash": nil,
                ])
            case "eth_getLogs": return .success(.array([Self.log]))
            case "eth_feeHistory":
                return .success([
                    "oldestBlock": "0x4b2", "baseFeePerGas": ["0x3b9aca00", "0x3b9aca01", "0x3b9aca02"],
                    "gasUsedRatio": [.number("0.5"), .number("1e-1")], "reward": [["0x1", "0x2"], ["0x3", "0x4"]],
                ])
            case "eth_sendRawTransaction": return .success(.string(Self.hash))
            default: return .failure(.init(code: -32601, message: "no \(method)"))
            }
        }
        let hash = [UInt8](repeating: 0xab, count: 32)
        let receipt = try #require(try client.getTransactionReceipt(hash))
        #expect(receipt.status && receipt.blockNumber == 1204 && receipt.gasUsed == 21_000)
        #expect(receipt.effectiveGasPrice == UInt256(1_000_000_000))
        #expect(receipt.fee == UInt256(21_000_000_000_000))
        #expect(receipt.to == nil)
        #expect(receipt.contractAddress == (try Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")))
        #expect(receipt.logs.count == 1 && receipt.logs[0].data == [0, 1] && receipt.logs[0].topics[0] == [UInt8](repeating: 0x11, count: 32))
        #expect(try client.getTransactionReceipt([UInt8](repeating: 0, count: 32)) == nil)

        let tx = try #require(try client.getTransactionByHash(hash))
        #expect(tx.isPending && tx.type == 2 && tx.to == nil && tx.chainId == 31337)
        #expect(tx.maxFeePerGas == UInt256(2_000_000_000) && tx.input == [0x60, 0x80])

        let logs = try client.getLogs(LogFilter(fromBlock: .number(1), toBlock: .latest, addresses: [Self.account], topics: [nil, [hash]]))
        #expect(logs.count == 1)
        let logRequest = try #require(server.requests.compactMap(\.json).first { $0["method"] == "eth_getLogs" })
        #expect(logRequest["params"] == [[
            "fromBlock": "0x1", "toBlock": "latest", "address": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "topics": [nil, .string(Self.hash)],
        ]])

        let fees = try client.feeHistory(blockCount: 2, newest: .number(1205), percentiles: [25, 50.5])
        #expect(fees.oldestBlock == 1202)
        #expect(fees.nextBaseFee == UInt256(1_000_000_002))
        #expect(fees.gasUsedRatio == [0.5, 0.1])
        #expect(fees.reward == [[UInt256(1), UInt256(2)], [UInt256(3), UInt256(4)]])
        let feeRequest = try #require(server.requests.compactMap(\.json).first { $0["method"] == "eth_feeHistory" })
        #expect(feeRequest["params"] == ["0x2", "0x4b5", [25, .number("50.5")]])

        #expect(try client.sendRawTransaction([0x02, 0xf8]) == hash)
    }

    @Test func malformedResultsNameTheField() throws {
        let (_, client) = try Self.node { method, _ in
            switch method {
            case "eth_blockNumber": return .success("0xzz")
            case "eth_chainId": return .success(12)
            case "eth_getBlockByNumber":
                var broken = Self.block.objectValue ?? [:]
                broken["timestamp"] = "0x1ffffffffffffffff"
                return .success(.object(broken))
            case "eth_getBalance": return .success(.string("0x1" + String(repeating: "0", count: 64)))
            case "eth_sendRawTransaction": return .success("0x1234")
            default: return .success(nil)
            }
        }
        func message(_ body: () throws(RPCError) -> Void) -> String {
            do {
                try body()
                return "no error"
            } catch {
                guard case .malformedReply(let what) = error else { return "wrong error \(error)" }
                return what
            }
        }
        #expect(message { () throws(RPCError) in _ = try client.blockNumber() }.hasPrefix("eth_blockNumber: '0xzz'"))
        #expect(message { () throws(RPCError) in _ = try client.chainId() }.contains("expected a hex string, got a number"))
        #expect(message { () throws(RPCError) in _ = try client.getBlock(BlockTag.latest) }.hasPrefix("eth_getBlockByNumber.timestamp:"))
        #expect(message { () throws(RPCError) in _ = try client.getBalance(Self.account, block: BlockTag.latest) }.contains("at most 256 bits"))
        #expect(message { () throws(RPCError) in _ = try client.sendRawTransaction([1]) }.contains("expected 32 bytes"))
    }

    @Test func pinnedBatchReadsHeaderFeesAndChunkedMulticallInOneRoundTrip() throws {
        // The node answers each aggregate3 chunk with one (true, word(i)) result per call, numbering calls
        // by their callData's first byte, so the test can check order across chunks.
        let (server, client) = try Self.node { method, params in
            switch method {
            case "eth_getBlockByNumber": return .success(Self.block)
            case "eth_feeHistory":
                return .success(["oldestBlock": "0x4b0", "baseFeePerGas": ["0x1", "0x2"], "gasUsedRatio": [.number("0.5")], "reward": [["0x1"]]])
            case "eth_getBalance": return .success("0x64")
            case "eth_call":
                guard let data = params.first?["data"]?.stringValue, let bytes = try? Hex.decode(data),
                    let count = Multicall3.readWord(bytes, at: 4 + 32)
                else { return .failure(.init(code: -32602, message: "bad call")) }
                // Each call's callData is 1 byte, at a fixed place in its tuple.
                var results: [Multicall3.Result] = []
                for i in 0..<count {
                    guard let rel = Multicall3.readWord(bytes, at: 4 + 64 + 32 * i) else { break }
                    let dataStart = 4 + 64 + rel + 4 * 32
                    results.append(Multicall3.Result(success: bytes[dataStart] % 2 == 0, returnData: [bytes[dataStart]]))
                }
                return .success(.string(Hex.encode(Multicall3Tests.encodeResults(results))))
            default: return .failure(.init(code: -32601, message: "no \(method)"))
            }
        }
        let calls = (0..<25).map { Multicall3.Call(target: Self.multicall, callData: [UInt8($0)]) }
        let (header, fees, balance, multi) = try client.batch(at: .number(1204)) { b in
            (b.header(), b.feeHistory(blockCount: 1, percentiles: [50]), b.balance(of: Self.account),
             b.aggregate3(multicall: Self.multicall, calls: calls, budget: Multicall3.Budget(maxCalls: 10)))
        }
        #expect(try header.get().number == 1204)
        #expect(try fees.get().oldestBlock == 1200)
        #expect(try balance.get() == UInt256(100))
        let results = try multi.get()
        #expect(results.count == 25)
        #expect(results.map(\.returnData) == (0..<25).map { [UInt8($0)] })
        #expect(results.map(\.success) == (0..<25).map { $0 % 2 == 0 })

        // One HTTP request: 3 reads + 3 multicall chunks, every state read pinned to block 1204.
        #expect(server.requestCount == 1)
        let members = try #require(server.requests.first?.json?.arrayValue)
        #expect(members.count == 6)
        for member in members {
            let params = member["params"]?.arrayValue ?? []
            switch member["method"]?.stringValue {
            case "eth_getBlockByNumber": #expect(params.first == "0x4b4")
            case "eth_feeHistory": #expect(params[1] == "0x4b4")
            case "eth_getBalance", "eth_call": #expect(params.last == "0x4b4")
            default: Issue.record("unexpected \(member)")
            }
        }
    }

    @Test func multicallChunkFailureIsReportedAndOtherReadsSurvive() throws {
        let (_, client) = try Self.node { method, _ in
            switch method {
            case "eth_call":
                return .failure(.init(code: 3, message: "execution reverted: Multicall3: call failed",
                                      data: .string(Hex.encode(RPCErrorTests.errorString("Multicall3: call failed")))))
            case "eth_getBalance": return .success("0x1")
            default: return .failure(.init(code: -32601, message: "no"))
            }
        }
        let (multi, balance) = try client.batch(at: .latest) { b in
            (b.aggregate3(multicall: Self.multicall, calls: [Multicall3.Call(target: Self.account, allowFailure: false, callData: [])]),
             b.balance(of: Self.account))
        }
        #expect(try balance.get() == UInt256(1))
        do {
            _ = try multi.get()
            Issue.record("expected the chunk's revert")
        } catch {
            guard case .executionReverted(let info) = error else {
                Issue.record("expected revert, got \(error)")
                return
            }
            #expect(info.reason == .error("Multicall3: call failed"))
        }
    }

    @Test func sendRawTransactionsBatchReportsEachResult() throws {
        let (server, client) = try Self.node { _, params in
            switch params.first {
            case .string("0x01"): return .success(.string(Self.hash))
            case .string("0x03"): return .failure(.init(code: -32000, message: "already known"))
            default: return .failure(.init(code: -32000, message: "nonce too low"))
            }
        }
        let results = try client.sendRawTransactions([[0x01], [0x02], [0x03]])
        #expect(try results[0].get() == [UInt8](repeating: 0xab, count: 32))
        #expect(results[1] == .failure(.nonceTooLow("nonce too low")))
        // Already in the node's pool: sent, with the hash computed locally.
        #expect(try results[2].get() == Keccak256.hash([0x03]))
        #expect(try client.sendRawTransaction([0x03]) == Keccak256.hash([0x03]))
        #expect(throws: RPCError.nonceTooLow("nonce too low")) { try client.sendRawTransaction([0x02]) }
        #expect(server.requestCount == 3)
    }

    @Test func pendingValueBeforeSendIsAnError() {
        let batch = EthBatch(block: .latest)
        let pending = batch.header()
        #expect(throws: RPCError.self) { try pending.get() }
    }

    @Test func percentileText() {
        #expect(Eth.percentileText(25) == "25")
        #expect(Eth.percentileText(50.5) == "50.5")
        #expect(Eth.percentileText(12.34567) == "12.3457")
        #expect(Eth.percentileText(150) == "100")
        #expect(Eth.percentileText(.nan) == "0")
    }
}
