import EthCore
import EthRPC
import EthSigning
import Foundation
import Market
import TestSupport
import Testing

/// The devnet these tests run against: DEVNET_RPC_URL (scripts/test sets it) or 127.0.0.1:8545.
/// Unreachable is a failure, never a skip.
enum Devnet {
    static let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// networks/devnet.json of this checkout (the devnet deploys its fixtures at these addresses).
    static func network() throws -> NetworkConfig {
        try NetworkConfig.load(path: repositoryRoot.appendingPathComponent("networks/devnet.json").path)
    }

    /// Dev account 0 (anvil's first account; public devnet account, not a secret): holds every fixture token.
    static let dev0 = (try? Address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")) ?? .zero

    /// Dev account 7's key: anvil's public test mnemonic (public devnet key, not a secret). Only these
    /// tests send from it, so its nonces are not raced by other suites.
    static func account7() throws -> PrivateKey {
        try PrivateKey(hex: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356", source: "dev account 7")
    }

    struct Unreachable: Error, CustomStringConvertible {
        let description: String
    }

    /// A client whose HTTP requests are counted; throws (the test fails) when the devnet does not answer.
    static func connect() throws -> (EthClient, CountingTransport) {
        var config = HTTPTransport.Configuration(url: url)
        config.connectTimeoutMilliseconds = 2_000
        let transport = CountingTransport(try HTTPTransport(config))
        let client = EthClient(rpc: JSONRPCClient(
            transport: transport, retryPolicy: RetryPolicy(maxRetries: 2, baseDelaySeconds: 0.1, maxDelaySeconds: 0.5)))
        do { _ = try client.chainId() } catch {
            throw Unreachable(description: "devnet not reachable at \(transport.endpointDescription) (scripts/devnet-start, or set DEVNET_RPC_URL): \(error)")
        }
        return (client, transport)
    }

    /// Signs an EIP-1559 transaction with `key` (the Swift signer), sends it through the Swift RPC
    /// client and waits for its receipt.
    static func send(_ client: EthClient, key: PrivateKey, to: Address?, data: [UInt8], value: UInt256 = .zero,
                     gasLimit: UInt64 = 500_000) throws -> Receipt {
        let nonce = try client.getTransactionCount(key.address, block: .pending)
        let header = try client.getBlock(.latest)
        let tip = UInt256(1_000_000_000)
        let maxFee = (header.baseFeePerGas ?? .zero) * 2 + tip
        let tx = DynamicFeeTransaction(chainId: 31337, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                       gasLimit: gasLimit, to: to, value: value, data: data)
        let signed = tx.sign(with: key)
        let hash = try client.sendRawTransaction(signed.raw)
        #expect(hash == signed.hash)
        for _ in 0..<200 {
            if let receipt = try client.getTransactionReceipt(hash) { return receipt }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Unreachable(description: "no receipt for \(Hex.encode(hash)) after 10 s")
    }

    /// Init code that deploys `runtime` unchanged: CODECOPY the runtime that follows this 12-byte
    /// prefix into memory and RETURN it.
    static func initCode(deploying runtime: [UInt8]) -> [UInt8] {
        precondition(runtime.count < 256, "test runtime code fits a PUSH1 length")
        let n = UInt8(runtime.count)
        // PUSH1 n, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 n, PUSH1 0, RETURN
        return [0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3] + runtime
    }

    static func selector(_ signature: String) -> [UInt8] { Array(Keccak256.hash(signature).prefix(4)) }

    /// A direct eth_call returning one uint256 word.
    static func callWord(_ client: EthClient, _ to: Address, _ data: [UInt8], block: UInt64) throws -> UInt256 {
        let out = try client.call(to: to, data: data, block: .number(block))
        return UInt256(bigEndian: out.prefix(32)) ?? .max
    }
}

/// A node that is behind: asked for its latest block, it answers with the block `lag` below the
/// devnet's head (the real devnet serves both; only the request is rewritten, at the transport).
final class LaggingTransport: RPCTransport, @unchecked Sendable {
    let inner: HTTPTransport
    let lag: UInt64
    var endpointDescription: String { "http://lagging-node.invalid" }

    init(_ inner: HTTPTransport, lag: UInt64) {
        self.inner = inner
        self.lag = lag
    }

    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("eth_getBlockByNumber"), text.contains("\"latest\"") else { return try inner.send(body) }
        let reply = try inner.send(Array(#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}"#.utf8))
        let replyText = String(decoding: reply, as: UTF8.self)
        guard let start = replyText.range(of: "\"0x"), let end = replyText[start.upperBound...].firstIndex(of: "\""),
              let head = UInt64(replyText[start.upperBound..<end], radix: 16), head >= lag
        else { throw .malformedReply("lagging test transport: no head in \(replyText)") }
        let behind = "\"0x" + String(head - lag, radix: 16) + "\""
        return try inner.send(Array(text.replacingOccurrences(of: "\"latest\"", with: behind).utf8))
    }
}
