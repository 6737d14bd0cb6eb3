import EthCore
import EthRPC
import EthSigning
import Foundation
import Market

@testable import Execution

struct DevnetUnreachable: Error, CustomStringConvertible { var description: String }

/// Records every HTTP body while passing it to the real transport (to count batch requests).
final class RecordingTransport: RPCTransport, @unchecked Sendable {
    let inner: HTTPTransport
    private let lock = NSLock()
    private var _bodies: [JSONValue] = []
    var endpointDescription: String { inner.endpointDescription }
    init(_ inner: HTTPTransport) { self.inner = inner }

    /// Method names per HTTP request.
    var requests: [[String]] {
        lock.withLock { _bodies }.map { b in (b.arrayValue ?? [b]).compactMap { $0["method"]?.stringValue } }
    }

    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        if let json = try? JSONValue.parse(body) { lock.withLock { _bodies.append(json) } }
        return try inner.send(body)
    }
}

/// The devnet at DEVNET_RPC_URL (default http://127.0.0.1:8545). Only dev accounts 8 and 9 are used
/// here, so other suites (on accounts 0…7) are not disturbed. The tests FAIL when it is unreachable.
struct Devnet {
    static let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"] ?? "http://127.0.0.1:8545"
    /// Public devnet keys (the standard public test mnemonic's accounts 8 and 9), not secrets.
    static let key8Hex = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"
    static let key9Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"
    static let account8 = try! Address("0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f")
    static let account9 = try! Address("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720")

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let client: EthClient
    let transport: RecordingTransport
    let network: NetworkConfig
    let key8: PrivateKey
    let key9: PrivateKey

    init() throws {
        var config = HTTPTransport.Configuration(url: Self.url)
        config.connectTimeoutMilliseconds = 2_000
        config.totalTimeoutMilliseconds = 60_000
        transport = RecordingTransport(try HTTPTransport(config))
        client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: RetryPolicy(maxRetries: 1, baseDelaySeconds: 0.1)))
        do {
            _ = try client.chainId()
        } catch {
            throw DevnetUnreachable(description: "devnet not reachable at \(Self.url) (start it with scripts/devnet-start, or set DEVNET_RPC_URL): \(error)")
        }
        network = try NetworkConfig.load(path: Self.repoRoot.appendingPathComponent("networks/devnet.json").path)
        key8 = try PrivateKey(hex: Self.key8Hex)
        key9 = try PrivateKey(hex: Self.key9Hex)
        guard key8.address == Self.account8, key9.address == Self.account9 else {
            throw DevnetUnreachable(description: "dev keys do not match accounts 8 and 9")
        }
    }

    func raw(_ method: String, _ params: [JSONValue] = []) throws -> JSONValue {
        try client.rpc.call(method, params)
    }

    func setAutomine(_ on: Bool) throws { _ = try raw("evm_setAutomine", [.bool(on)]) }
    func mine() throws { _ = try raw("evm_mine") }
    func nonce(_ a: Address, _ tag: BlockTag = .latest) throws -> UInt64 { try client.getTransactionCount(a, block: tag) }

    static func tempJournal() throws -> Journal {
        try Journal(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("send-it-\(UUID().uuidString)/journal.sqlite").path)
    }

    func beginRun(_ j: Journal) throws -> Int64 {
        try j.beginRun(network: "devnet", portfolio: "test", mode: .eoa, blockNumber: nil, decision: .rebalance,
                       reasons: [], plan: nil, status: .sending)
    }

    func transfer(_ label: String, value: UInt64, to: Address = Devnet.account9) -> PlannedTransaction {
        PlannedTransaction(label: label, from: key8.address, to: to, data: [], value: UInt256(value), gasEstimate: 21_000)
    }
}

final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ value: T) { _value = value }
    var value: T {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
