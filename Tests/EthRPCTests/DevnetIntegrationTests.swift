import EthCore
import Foundation
import TestSupport
import Testing

@testable import EthRPC

/// Against the real devnet (py-evm behind HTTP JSON-RPC), at DEVNET_RPC_URL or http://127.0.0.1:8545.
/// These tests FAIL when the devnet is not running: `scripts/test` starts it first.
@Suite("Devnet integration (needs a running devnet)")
struct DevnetIntegrationTests {
    /// Addresses from networks/devnet.json when the repository has it; otherwise the devnet's
    /// deterministic deployment addresses (same deployer, same nonces on every start).
    struct Devnet {
        var multicall3 = "0xcA11bde05977b3631167028862bE2a173976CA11"
        var usdc = "0x5A42F032Bf0431ff012ff6e04C221f66Bebd2EEf"

        init() {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let file = root.appendingPathComponent("networks/devnet.json")
            guard let data = try? Data(contentsOf: file), let json = try? JSONValue.parse(Array(data)) else { return }
            if let m = json["multicall3"]?.stringValue { multicall3 = m }
            for token in json["tokens"]?.arrayValue ?? [] where token["symbol"] == "USDC" {
                if let a = token["address"]?.stringValue { usdc = a }
            }
        }
    }

    /// Dev account 0: the standard public test mnemonic's first account (public devnet account, not a secret).
    static let dev0 = testAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    static let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"

    func connect() throws -> (EthClient, CountingTransport) {
        var config = HTTPTransport.Configuration(url: Self.url)
        config.connectTimeoutMilliseconds = 2_000
        config.totalTimeoutMilliseconds = 30_000
        let transport = CountingTransport(try HTTPTransport(config))
        let policy = RetryPolicy(maxRetries: 2, baseDelaySeconds: 0.1, maxDelaySeconds: 0.5)
        let client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: policy))
        do {
            _ = try client.chainId()
        } catch {
            throw DevnetUnreachable(message: "devnet not reachable at \(transport.endpointDescription) (start it with scripts/devnet-start, or set DEVNET_RPC_URL): \(error)")
        }
        return (client, transport)
    }

    struct DevnetUnreachable: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func selector(_ signature: String) -> [UInt8] { Array(Keccak256.hash(signature).prefix(4)) }

    @Test func chainIdBlockAndBalance() throws {
        let (client, _) = try connect()
        #expect(try client.chainId() == 31337)
        let number = try client.blockNumber()
        #expect(number > 0)
        let header = try client.getBlock(.number(number))
        #expect(header.number == number)
        #expect(header.timestamp > 1_600_000_000)
        #expect(header.baseFeePerGas != nil)
        #expect(header.hash.count == 32)
        #expect(try client.getBalance(Self.dev0, block: .number(number)) > UInt256(0))
        let latest = try client.getTransactionCount(Self.dev0, block: .latest)
        #expect(try client.getTransactionCount(Self.dev0, block: .pending) >= latest)
        #expect(try client.getCode(Self.dev0, block: .latest).isEmpty)
        let multicall = try Address(Devnet().multicall3)
        #expect(try !client.getCode(multicall, block: .latest).isEmpty)
        #expect(try client.gasPrice() > UInt256(0))
        #expect(try client.maxPriorityFeePerGas() > UInt256(0))
        #expect(try client.estimateGas(CallRequest(to: Address.zero, data: [], from: Self.dev0, value: UInt256(1))) == 21_000)
    }

    @Test func revertingCallHasDecodedReason() throws {
        let (client, _) = try connect()
        let usdc = try Address(Devnet().usdc)
        // transfer(dev0, 1) from an address holding no USDC.
        let data = Self.selector("transfer(address,uint256)") + Self.dev0.word + UInt256(1).bigEndianBytes
        let poor = try Address("0x0000000000000000000000000000000000000001")
        do {
            _ = try client.call(to: usdc, data: data, from: poor, block: .latest)
            Issue.record("expected a revert")
        } catch {
            guard case .executionReverted(let info) = error else {
                Issue.record("expected executionReverted, got \(error)")
                return
            }
            #expect(info.reason == .error("ERC20: transfer amount exceeds balance"))
            #expect(!error.isRetryable)
        }
    }

    @Test func feeHistory() throws {
        let (client, _) = try connect()
        let number = try client.blockNumber()
        let history = try client.feeHistory(blockCount: 4, newest: .number(number), percentiles: [25, 75])
        let blocks = Int(min(4, number + 1))
        #expect(history.oldestBlock == number + 1 - UInt64(blocks))
        #expect(history.baseFeePerGas.count == blocks + 1)
        #expect(history.gasUsedRatio.count == blocks)
        #expect(history.reward.count == blocks)
        #expect(history.reward.allSatisfy { $0.count == 2 && $0[0] <= $0[1] })
    }

    @Test func pinnedSnapshotInOneRoundTrip() throws {
        let (client, counter) = try connect()
        let devnet = Devnet()
        let multicall = try Address(devnet.multicall3)
        let usdc = try Address(devnet.usdc)
        let number = try client.blockNumber()
        let before = counter.count
        let calls = [
            Multicall3.Call(target: multicall, callData: Self.selector("getEthBalance(address)") + Self.dev0.word),
            Multicall3.Call(target: usdc, callData: Self.selector("balanceOf(address)") + Self.dev0.word),
            Multicall3.Call(target: multicall, callData: Self.selector("getBlockNumber()")),
            // Fails inside the multicall (allowFailure): reported per call, with the revert data.
            Multicall3.Call(
                target: usdc,
                callData: Self.selector("transfer(address,uint256)") + Address.zero.word + UInt256(1).bigEndianBytes),
        ]
        let (header, fees, balance, multi) = try client.batch(at: .number(number)) { b in
            (b.header(), b.feeHistory(blockCount: 2, percentiles: [50]), b.balance(of: Self.dev0),
             b.aggregate3(multicall: multicall, calls: calls))
        }
        #expect(counter.count == before + 1, "header, fee history, balance and multicall in one HTTP request")
        #expect(try header.get().number == number)
        #expect(try fees.get().baseFeePerGas.count == 3)
        let results = try multi.get()
        #expect(results.count == 4)
        let ethBalance = try balance.get()
        #expect(results[0].success && UInt256(bigEndian: results[0].returnData) == ethBalance)
        #expect(results[1].success && UInt256(bigEndian: results[1].returnData).map { $0 > UInt256(0) } == true)
        #expect(results[2].success && UInt256(bigEndian: results[2].returnData) == UInt256(number))
        #expect(!results[3].success)
        #expect(RevertReason.decode(results[3].returnData) == .error("ERC20: transfer to the zero address"))
    }

    @Test func chunkedMulticallAgainstTheNode() throws {
        let (client, counter) = try connect()
        let multicall = try Address(Devnet().multicall3)
        let number = try client.blockNumber()
        let before = counter.count
        let calls = Array(repeating: Multicall3.Call(target: multicall, callData: Self.selector("getChainId()")), count: 120)
        let results = try client.aggregate3(
            multicall: multicall, calls: calls, block: .number(number), budget: Multicall3.Budget(maxCalls: 50))
        #expect(counter.count == before + 1)
        #expect(results.count == 120)
        #expect(results.allSatisfy { $0.success && UInt256(bigEndian: $0.returnData) == UInt256(31337) })
    }

    @Test func receiptTransactionAndLogsOfAMinedTransaction() throws {
        let (client, _) = try connect()
        // Find the most recent block with a transaction (the fixtures deploy and fund at startup).
        var number = try client.blockNumber()
        var hash: [UInt8]? = nil
        while hash == nil {
            let block = try client.rpc.call("eth_getBlockByNumber", [EthJSON.quantity(number), false])
            if let first = block["transactions"]?.arrayValue?.first?.stringValue { hash = try Hex.decode(first) }
            if number == 0 { break }
            number -= 1
        }
        let txHash = try #require(hash)
        let receipt = try #require(try client.getTransactionReceipt(txHash))
        #expect(receipt.transactionHash == txHash)
        #expect(receipt.gasUsed >= 21_000)
        #expect(receipt.effectiveGasPrice != nil)
        let tx = try #require(try client.getTransactionByHash(txHash))
        #expect(tx.hash == txHash && !tx.isPending && tx.blockNumber == receipt.blockNumber)
        let logs = try client.getLogs(LogFilter(fromBlock: .number(receipt.blockNumber), toBlock: .number(receipt.blockNumber)))
        #expect(logs.count >= receipt.logs.count)
        #expect(try client.getTransactionReceipt([UInt8](repeating: 0x42, count: 32)) == nil)
    }

    @Test func garbageRawTransactionIsATypedError() throws {
        let (client, _) = try connect()
        #expect(throws: RPCError.self) { try client.sendRawTransaction([0x02, 0x01, 0x02]) }
    }
}
