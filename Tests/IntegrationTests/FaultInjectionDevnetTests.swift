import EthCore
import EthRPC
import Execution
import Foundation
import Market
import Strategy
import Testing

/// A hostile link between the client and the real devnet: a seeded share of requests gets a
/// garbled or truncated reply, a 503, a 429, a dropped connection or a timeout, before or after
/// the node saw the request. The only mock is this transport.
final class FaultInjectingTransport: RPCTransport, @unchecked Sendable {
    let inner: HTTPTransport
    let faultRate: Double
    private let lock = NSLock()
    private var state: UInt64
    private(set) var injected = 0
    private(set) var requests = 0
    var endpointDescription: String { inner.endpointDescription }

    init(_ inner: HTTPTransport, faultRate: Double, seed: UInt64) {
        self.inner = inner
        self.faultRate = faultRate
        state = seed | 1
    }

    /// xorshift64*: reproducible faults for a given seed.
    private func next() -> Double {
        lock.withLock {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return Double((state &* 2_685_821_657_736_338_717) >> 11) / Double(1 << 53)
        }
    }

    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        lock.withLock { requests += 1 }
        guard next() < faultRate else { return try inner.send(body) }
        lock.withLock { injected += 1 }
        let url = inner.endpointDescription
        switch Int(next() * 6) {
        case 0: return Array(try inner.send(body).prefix(7))                    // truncated after the node answered
        case 1: return Array("{\"jsonrpc\":\"2.0\",\"id\":".utf8) + [0xff, 0x00]  // garbled
        case 2: throw .httpServerError(status: 503, url: url, body: "upstream unavailable")
        case 3: throw .rateLimited(url: url, retryAfterSeconds: nil)
        case 4: _ = try? inner.send(body); throw .transport(.connectionLost, url: url, detail: "reset by peer")
        default: throw .timeout(url: url, milliseconds: 12_000)
        }
    }
}

@Suite(.serialized) struct FaultInjectionDevnetTests {
    @Test func runsCompleteWithThirtyPercentOfRepliesFaulty() throws {
        _ = try Devnet.connect()   // unreachable fails here, not as an injected fault
        let network = try Devnet.network()
        let portfolio = PortfolioConfig(network: "devnet", mode: .eoa, operator: Devnet.dev0, quoteToken: "USDC",
                                        targets: [TargetWeight(token: "WETH", percent: 40), TargetWeight(token: "WBTC", percent: 30),
                                                  TargetWeight(token: "USDC", percent: 30)],
                                        policy: DryRunDevnetTests.policy())
        var completed = 0, injected = 0, requests = 0
        var failures: [String] = []
        for run in 0..<10 {
            let faulty = FaultInjectingTransport(try HTTPTransport(HTTPTransport.Configuration(url: Devnet.url)),
                                                 faultRate: 0.3, seed: 0x5eed_0000 + UInt64(run))
            let client = EthClient(rpc: JSONRPCClient(transport: faulty, retryPolicy: RetryPolicy(
                maxRetries: 3, baseDelaySeconds: 0.01, maxDelaySeconds: 0.05)))
            do {
                // What a status/plan run asks of the node: the chain id, the head, then the state in one round trip.
                #expect(try client.chainId() == network.chainId)
                let head = try client.blockNumber()
                let state = try DryRunDevnetTests.load(client, network: network, portfolio: portfolio)
                #expect(state.block.number >= head)
                _ = try PlanningPipeline.run(state: state, network: network, portfolio: portfolio, now: state.block.timestamp)
                completed += 1
            } catch {
                failures.append("run \(run): \(error)")
            }
            injected += faulty.injected
            requests += faulty.requests
        }
        print("30 % injected faults: \(completed)/10 runs completed (\(injected) faults in \(requests) requests)")
        #expect(completed == 10, "\(failures)")
        #expect(injected > 0)
    }
}
