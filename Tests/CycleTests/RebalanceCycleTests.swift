import Cycle
import EthCore
import EthRPC
import EthSigning
import Execution
import Foundation
@testable import Market
import Strategy
import TestSupport
import Testing

/// The cycle's control flow against a scripted node: what it refuses before it reads any state.
/// (The devnet tests run it whole: plan, dry run, send, confirm, report.)
@Suite struct RebalanceCycleTests {
    /// Dev account 8 of the devnet's public test mnemonic: public devnet key, not a secret.
    static let key = try! PrivateKey(hex: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97")
    static let vault = try! Address("0x00000000000000000000000000000000000000aa")

    static func network() -> NetworkConfig {
        NetworkConfig(name: "test", chainId: 31337, mainnet: false, rpcUrlEnv: "TEST_RPC_URL", defaultRpcUrl: nil,
                      multicall3: Address.zero, wrappedNative: nil, tokens: [], dexes: [], pools: nil,
                      gas: .init(maxFeePerGas: UInt256(300_000_000_000), maxPriorityFeePerGas: UInt256(5_000_000_000)),
                      confirmations: 1, replaceAfterBlocks: 3, sources: [:])
    }

    static func portfolio(operator: Address = key.address) -> PortfolioConfig {
        PortfolioConfig(network: "test", mode: .vault, operator: `operator`, vault: vault, quoteToken: "USDC",
                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)], policy: Policy())
    }

    static func hex(_ n: UInt64) -> JSONValue { .string("0x" + String(n, radix: 16)) }

    func cycle(_ transport: ScriptedTransport, journal: Journal, portfolio: PortfolioConfig = portfolio(),
               events: Events = Events()) -> RebalanceCycle {
        let client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: .none))
        return RebalanceCycle(session: NodeSession(client: client, network: Self.network()), journal: journal, portfolio: portfolio,
                              portfolioFile: "p.json",
                              confirmation: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 3, pollIntervalSeconds: 0, timeoutSeconds: 1),
                              onEvent: { events.append($0) }, now: { 1_764_000_000 })
    }

    @Test func aKeyThatIsNotTheOperatorIsRefusedBeforeAnyRequest() throws {
        let transport = ScriptedTransport { method, _ in .failure(.init(code: -32601, message: "unexpected \(method)")) }
        let other = try Address("0x00000000000000000000000000000000000000bb")
        let refusing = cycle(transport, journal: try Journal(path: ":memory:"), portfolio: Self.portfolio(operator: other))
        do {
            _ = try refusing.run(key: Self.key)
            Issue.record("expected a refusal")
        } catch {
            guard case .keyIsNotOperator = error else { Issue.record("unexpected \(error)"); return }
            #expect("\(error)".contains("p.json names operator"))
        }
        #expect(transport.requests.isEmpty)
    }

    /// Another host with the same key has a transaction in the node's pool: nothing is read or planned.
    @Test func anUnexplainedPendingNonceStopsTheCycleBeforeTheStateIsRead() throws {
        let events = Events()
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_getTransactionCount": return .success(Self.hex(params.last?.stringValue == "pending" ? 8 : 7))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let result = try cycle(transport, journal: try Journal(path: ":memory:"), events: events).run(key: Self.key)
        #expect(result.status == .unsettled && result.runId == nil)
        #expect(result.reason?.contains("nonce 7") == true && result.reason?.contains("did not send") == true)
        #expect(!transport.requests.joined().contains("eth_call"), "the state was not read")
        #expect(events.values.contains { if case .unsettled = $0 { return true } else { return false } })
    }

    /// A journaled transaction whose broadcast got an error reply, still unknown to the node and
    /// refused again when re-broadcast (same bytes): the cycle reconciles first, then stops.
    @Test func anUnsettledJournalRowIsReconciledThenStopsTheCycle() throws {
        let journal = try Journal(path: ":memory:")
        let run = try journal.beginRun(network: "test", portfolio: "p.json", mode: .vault, blockNumber: 1, decision: .rebalance,
                                       reasons: [], plan: nil, status: .sending)
        let signed = DynamicFeeTransaction(chainId: 31337, nonce: 7, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(100),
                                           gasLimit: 300_000, to: Self.vault, value: .zero, data: [1, 2, 3]).sign(with: Self.key)
        try journal.recordSigned(runId: run, intent: "rebalance", sender: Self.key.address, nonce: 7, hash: signed.transactionHash,
                                 raw: signed.rawHex, maxFeePerGas: UInt256(100), maxPriorityFeePerGas: UInt256(1), gasLimit: 300_000)
        let rebroadcast = Rebroadcasts()
        let transport = ScriptedTransport { method, params in
            switch method {
            case "eth_chainId": return .success("0x7a69")
            case "eth_blockNumber": return .success(Self.hex(20))
            case "eth_getTransactionReceipt", "eth_getTransactionByHash": return .success(.null)
            case "eth_getTransactionCount": return .success(Self.hex(7))
            case "eth_sendRawTransaction":
                rebroadcast.append(params.first?.stringValue ?? "")
                return .failure(.init(code: -32000, message: "insufficient funds for gas * price + value"))
            default: return .failure(.init(code: -32601, message: "unexpected \(method)"))
            }
        }
        let result = try cycle(transport, journal: journal).run(key: Self.key)
        #expect(result.status == .unsettled)
        #expect(result.reason?.contains(signed.transactionHash.hex) == true)
        #expect(rebroadcast.values == [signed.rawHex], "the same bytes, never a new signature")
        #expect(!transport.requests.joined().contains("eth_call"), "the state was not read")
        #expect(try journal.transactions(runId: run).map(\.status) == [.signed])
    }
}

final class Events: @unchecked Sendable {
    private let lock = NSLock()
    private var _values: [CycleEvent] = []
    var values: [CycleEvent] { lock.withLock { _values } }
    func append(_ e: CycleEvent) { lock.withLock { _values.append(e) } }
}

final class Rebroadcasts: @unchecked Sendable {
    private let lock = NSLock()
    private var _values: [String] = []
    var values: [String] { lock.withLock { _values } }
    func append(_ v: String) { lock.withLock { _values.append(v) } }
}
