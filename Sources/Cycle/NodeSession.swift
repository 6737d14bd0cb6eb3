import EthCore
import EthRPC
import Execution
import Foundation
import Market
import MarketLoading
import Strategy

/// The node a process talks to, chosen once: with several RPC URLs the freshest node is used for
/// every read and every send (nodes behind are refused and reported), the chain id is checked
/// once, and one `StateLoader` lives as long as the session, so a daemon keeps the pairs it
/// discovered from tick to tick.
public final class NodeSession: @unchecked Sendable {
    public let network: NetworkConfig
    public let client: EthClient
    /// Nodes that were not chosen, and why.
    public let refused: [String]
    /// The chosen node's head when several were compared (it pins the first read without another request).
    private var comparedHead: BlockHeader?
    private let loader: StateLoader
    private var chainChecked = false
    private let lock = NSLock()

    /// Opens `urls` (or, with none, the network's RPC variable, then `ETH_RPC_URL`, then its default).
    /// `callTimeoutSeconds` bounds each request with its retries; `deadline` the whole command.
    public convenience init(urls: [String], network: NetworkConfig, callTimeoutSeconds: Double = 30,
                            deadline: RPCDeadline? = nil) throws(NodeSessionError) {
        var list = urls.filter { !$0.isEmpty }
        if list.isEmpty {
            do {
                list = [try RPCEndpoint.resolveURL(explicit: nil, networkVariable: network.rpcUrlEnv, defaultURL: network.defaultRpcUrl)]
            } catch { throw .url(display: nil, reason: "\(error)") }
        }
        var clients: [EthClient] = []
        for url in list {
            let policy = RetryPolicy(callTimeoutSeconds: callTimeoutSeconds, deadline: deadline)
            do { clients.append(try EthClient(HTTPTransport.Configuration(url: url), retryPolicy: policy)) } catch {
                throw .url(display: RedactedURL(url).display, reason: "\(error)")
            }
        }
        guard let only = clients.first else { throw .url(display: nil, reason: "no RPC URL given") }
        if clients.count == 1 {
            self.init(client: only, network: network)
            return
        }
        do {
            let choice = try NodeSelection.choose(clients, now: UInt64(max(0, Date().timeIntervalSince1970)))
            self.init(client: choice.client, network: network, refused: choice.refused, head: choice.head)
        } catch { throw .selection("\(error)") }
    }

    /// A session over a client made elsewhere (a test's scripted transport, a fault-injecting proxy).
    public init(client: EthClient, network: NetworkConfig, refused: [String] = [], head: BlockHeader? = nil) {
        self.network = network
        self.client = client
        self.refused = refused
        self.comparedHead = head
        loader = StateLoader(client: client, network: network, networkFile: "networks/\(network.name).json")
    }

    /// The node must be on the network's chain; asked once per session.
    public func verifyChain() throws(NodeSessionError) {
        if lock.withLock({ chainChecked }) { return }
        do { try TransactionSender.verifyChainId(client: client, network: network) } catch { throw .chain("\(error)") }
        lock.withLock { chainChecked = true }
    }

    /// The portfolio's state at one pinned block: the holder's balances and allowances for every
    /// router and vault, the operator's gas money, every pool, and in vault mode the vault's
    /// allowlist and bounds. `block` nil reads the latest block (pinned by number).
    public func read(portfolio: PortfolioConfig, block: UInt64? = nil) throws(StateLoadError) -> LoadedState {
        try loader.load(request(portfolio, pinned: pin(block)))
    }

    /// Several portfolios' states at one block in the round trips of one read (each operator's
    /// pending nonce included): a daemon's tick over many portfolios on this network.
    public func read(portfolios: [PortfolioConfig]) throws(StateLoadError) -> [LoadedState] {
        let pinned = pin(nil)
        return try loader.load(portfolios.map { request($0, pinned: pinned) })
    }

    /// The head found while comparing nodes pins the first read only; later reads ask anew.
    private func pin(_ block: UInt64?) -> BlockTag {
        let compared = lock.withLock { () -> BlockHeader? in defer { comparedHead = nil }; return comparedHead }
        return block.map { .number($0) } ?? compared.map { .number($0.number) } ?? .latest
    }

    private func request(_ portfolio: PortfolioConfig, pinned: BlockTag) -> StateRequest {
        // The rebalancing vault is a spender only when the holder is another address (EOA mode deposits).
        let extra = portfolio.vault.map { $0 == portfolio.holder ? [] : [$0] } ?? []
        let maxAge = portfolio.policy.maxBlockAgeSeconds
        return StateRequest(
            holder: portfolio.holder, operator: portfolio.operator,
            spenders: StateRequest.spenders(of: network, extra: extra), block: pinned,
            maxBlockAgeSeconds: maxAge.isFinite && maxAge > 0 ? UInt64(min(maxAge, 1e12)) : nil,
            vault: portfolio.mode == .vault ? portfolio.vault : nil)
    }
}

public enum NodeSessionError: Error, Sendable, CustomStringConvertible {
    case url(display: String?, reason: String)
    case selection(String)
    case chain(String)

    public var description: String {
        switch self {
        case .url(let display, let reason): return display.map { "\($0): \(reason)" } ?? reason
        case .selection(let why): return why
        case .chain(let why): return why
        }
    }
}
