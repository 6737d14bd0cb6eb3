import Cycle
import EthCore
import EthRPC
import Foundation
import Market
import Strategy

/// `daemon --portfolios`: the state read of one tick for 1, 10 and 50 portfolios on one network,
/// read together (one pinned block, one batch) against each portfolio reading alone (what 50
/// single-portfolio daemons cost the node), in round trips and wall time. Needs a node:
/// DEVNET_RPC_URL (scripts/devnet-start); skipped with a note without one.
enum FleetBench {
    /// Counts the HTTP requests that reach the node.
    final class CountingTransport: RPCTransport, @unchecked Sendable {
        let inner: HTTPTransport
        private let lock = NSLock()
        private var count = 0
        init(_ inner: HTTPTransport) { self.inner = inner }
        var requests: Int { lock.withLock { count } }
        func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
            lock.withLock { count += 1 }
            return try inner.send(body)
        }
        var endpointDescription: String { inner.endpointDescription }
    }

    static func run() -> [Row] {
        guard let url = ProcessInfo.processInfo.environment["DEVNET_RPC_URL"], !url.isEmpty else {
            print("\n(no DEVNET_RPC_URL: the several-portfolio state read is not measured)")
            return []
        }
        guard let network = must(try? NetworkConfig.load(name: "devnet"), "networks/devnet.json"),
              let http = must(try? HTTPTransport(HTTPTransport.Configuration(url: url)), "devnet transport") else { return [] }
        var rows: [Row] = []
        for n in [1, 10, 50] {
            // EOA portfolios of n different holders (the devnet's funded accounts and fresh ones alike).
            let portfolios: [PortfolioConfig] = (0..<n).compactMap { i in
                guard let holder = Address(bytes: [UInt8](repeating: 0, count: 12) + [UInt8](repeating: UInt8(i + 1), count: 8)) else { return nil }
                let json = """
                    {"network": "devnet", "mode": "eoa", "operator": "\(holder.checksummed)", "quoteToken": "USDC",
                     "targets": [{"token": "WETH", "percent": 50}, {"token": "USDC", "percent": 50}]}
                    """
                return must(try? JSONDecoder().decode(PortfolioConfig.self, from: Data(json.utf8)), "bench portfolio")
            }
            func session() -> (NodeSession, CountingTransport) {
                let counting = CountingTransport(http)
                return (NodeSession(client: EthClient(rpc: JSONRPCClient(transport: counting)), network: network), counting)
            }
            // Warm: the first read of a session may discover pairs; the devnet file lists its pools.
            let (shared, sharedCount) = session()
            _ = must(try? shared.read(portfolios: portfolios), "shared read warm-up")
            let before = sharedCount.requests
            let start = Date()
            let rounds = 5
            for _ in 0..<rounds { if let states = must(try? shared.read(portfolios: portfolios), "shared read") { fold(states.count) } }
            let sharedSeconds = Date().timeIntervalSince(start) / Double(rounds)
            let sharedTrips = Double(sharedCount.requests - before) / Double(rounds)

            let (alone, aloneCount) = session()
            _ = must(try? alone.read(portfolio: portfolios[0]), "single read warm-up")
            let beforeAlone = aloneCount.requests
            let startAlone = Date()
            for _ in 0..<rounds {
                for p in portfolios { if let s = must(try? alone.read(portfolio: p), "single read") { fold(s.state.block.number) } }
            }
            let aloneSeconds = Date().timeIntervalSince(startAlone) / Double(rounds)
            let aloneTrips = Double(aloneCount.requests - beforeAlone) / Double(rounds)
            rows.append(Row(name: "state read per tick, \(n) portfolio\(n == 1 ? "" : "s") (round trips, ms)",
                            value: String(format: "%.0f rt, %.1f ms", sharedTrips, sharedSeconds * 1000),
                            reference: String(format: "each alone %.0f rt, %.1f ms", aloneTrips, aloneSeconds * 1000),
                            ratio: String(format: "%.2f× the time", sharedSeconds / aloneSeconds)))
        }
        return rows
    }
}
