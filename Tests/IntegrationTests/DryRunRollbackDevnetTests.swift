import EthCore
import EthRPC
import Execution
import Foundation
import Market
import Strategy
import Testing

/// A node whose `evm_revert` fails (a fork that lost the snapshot, a proxy that drops the call):
/// the fault is injected at the transport, everything else is the real devnet. The snapshot it
/// refused is kept so the test can roll the shared devnet back itself afterwards.
final class FailingRevertTransport: RPCTransport, @unchecked Sendable {
    let inner: HTTPTransport
    private let lock = NSLock()
    private var refused: [String] = []
    var refusedSnapshots: [String] { lock.withLock { refused } }
    var endpointDescription: String { inner.endpointDescription }

    init(_ inner: HTTPTransport) { self.inner = inner }

    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        guard let request = try? JSONValue.parse(body), request["method"]?.stringValue == "evm_revert" else {
            return try inner.send(body)
        }
        if let id = request["params"]?.arrayValue?.first?.stringValue { lock.withLock { refused.append(id) } }
        let reply: JSONValue = ["jsonrpc": "2.0", "id": request["id"] ?? .null,
                                "error": ["code": -32000, "message": "snapshot not found"]]
        return Array(reply.serialized)
    }
}

@Suite(.serialized) struct DryRunRollbackDevnetTests {
    @Test func aFailedRollbackIsAnErrorThatSaysWhatStayedOnChain() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account4()
        let vault = try DryRunDevnet.deployVault(client, network: network, operator: op.address)
        try DryRunDevnet.fundWithWrappedEther(client, network: network, vault: vault, whole: 5)
        let portfolio = PortfolioConfig(network: "devnet", mode: .vault, operator: op.address, vault: vault, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: DryRunDevnetTests.policy())
        let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        let plan = try #require(result.plan)

        var config = HTTPTransport.Configuration(url: Devnet.url)
        config.connectTimeoutMilliseconds = 2_000
        let faulty = FailingRevertTransport(try HTTPTransport(config))
        let failing = EthClient(rpc: JSONRPCClient(transport: faulty, retryPolicy: .none))
        let nonceBefore = try client.getTransactionCount(op.address, block: .latest)
        let headBefore = try client.blockNumber()
        var thrown: SimulationError?
        do {
            let report = try Simulator(client: failing).simulate(plan, context: DryRunDevnetTests.context(network, state, result, quote: "USDC"))
            Issue.record("the dry run reported success (agrees: \(report.agrees)) although its vault call stayed mined")
        } catch {
            thrown = error
        }
        // The measured call really stayed mined: the error must say so, not "agrees to the wei".
        let nonceAfter = try client.getTransactionCount(op.address, block: .latest)
        #expect(nonceAfter == nonceBefore + 1)
        guard case .rollbackFailed(let reason, let stayed)? = thrown else {
            Issue.record("expected rollbackFailed, got \(String(describing: thrown))"); return
        }
        #expect(reason.contains("snapshot not found"))
        #expect(stayed.contains("block \(headBefore + 1) stays on chain") && stayed.contains(op.address.checksummed) && stayed.contains("nonce moved"), "\(stayed)")
        print("failed rollback: \(thrown!)")

        // Put the shared devnet back for the other suites.
        for id in faulty.refusedSnapshots.reversed() { _ = try client.rpc.call("evm_revert", [.string(id)]) }
        #expect(try client.getTransactionCount(op.address, block: .latest) == nonceBefore)
    }

    @Test func eoaReplayWhoseRollbackFailsIsAnError() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let op = try DryRunDevnet.account5()
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: op.address, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 50), TargetWeight(token: "USDC", percent: 50)],
                                        policy: DryRunDevnetTests.policy())
        let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
        let result = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
        let plan = try #require(result.plan)
        let faulty = FailingRevertTransport(try HTTPTransport(HTTPTransport.Configuration(url: Devnet.url)))
        let failing = EthClient(rpc: JSONRPCClient(transport: faulty, retryPolicy: .none))
        let nonceBefore = try client.getTransactionCount(op.address, block: .latest)
        defer {
            // Put the shared devnet back for the other suites.
            for id in faulty.refusedSnapshots.reversed() { _ = try? client.rpc.call("evm_revert", [.string(id)]) }
        }
        do {
            _ = try Simulator(client: failing).simulate(plan, context: DryRunDevnetTests.context(network, state, result, quote: "USDC"))
            Issue.record("the EOA dry run reported a result although its replay stayed mined")
        } catch .rollbackFailed(_, let stayed) {
            #expect(stayed.contains(op.address.checksummed) && stayed.contains("nonce moved"), "\(stayed)")
        } catch {
            Issue.record("expected rollbackFailed, got \(error)")
        }
        #expect(try client.getTransactionCount(op.address, block: .latest) > nonceBefore, "the replay did mine")
    }
}
