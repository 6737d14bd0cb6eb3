import EthCore
import EthRPC
import Foundation
import Market
import Strategy

/// Reading the network file, the portfolio file and connecting to the node, each failure as one
/// line naming the file and field or the argument.
enum ConfigLoading {
    /// networks/NAME.json, validated; the error names the file and the field.
    static func network(named name: String) throws -> NetworkConfig {
        do { return try NetworkConfig.load(name: name) } catch { throw CLIError("\(error)") }
    }

    static func networkLabel(_ name: String) -> String { "networks/\(name).json" }

    /// The portfolio file, decoded (unknown fields refused) but not yet checked against a network.
    static func portfolio(path: String) throws -> PortfolioConfig {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw CLIError("\(path): cannot read the file: \(error)")
        }
        do {
            return try JSONDecoder().decode(PortfolioConfig.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw CLIError("\(path): \(InvalidJSON.describe(data))")
            }
            throw CLIError("\(path): \(describe(error))")
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// A token without a pool path to the quote token: the snapshot or node lacks pools.
    static func noPrice(token: String, quote: String, poolSource: String) -> String {
        "\(poolSource): no pool path prices \(token) in \(quote) (the pools read there do not link \(token) to \(quote))"
    }

    /// Checks the portfolio against the tokens it will be valued with.
    static func validate(_ portfolio: PortfolioConfig, file: String, knownTokens: Set<String>) throws {
        do { try portfolio.validate(knownTokens: knownTokens) } catch { throw CLIError("\(file): \(error)") }
    }

    /// `field.path: reason` for a JSONDecoder error.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let i = key.intValue { text += "[\(i)]" } else { text += text.isEmpty ? key.stringValue : "." + key.stringValue }
            }
            return text
        }
        func located(_ keys: [any CodingKey], _ message: String) -> String {
            let p = path(keys)
            return p.isEmpty ? message : "\(p): \(message)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return located(context.codingPath + [key], "missing")
        case .typeMismatch(let type, let context):
            return located(context.codingPath, "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return located(context.codingPath, "expected \(typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return located(context.codingPath, context.debugDescription)
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is UInt64.Type, is Int64.Type: "an integer"
        default: "\(type)"
        }
    }
}

/// The node to read from, chosen among `--rpc-url`s (or the network's default), with the chain
/// head when several nodes were compared (it pins the read without another request).
struct NodeConnection {
    var client: EthClient
    var head: BlockHeader?
    /// Nodes that were not used and why, for stderr.
    var refused: [String]

    /// `deadline`: the command's total (read-only commands); without one each request still has
    /// `timeout` seconds, retries included.
    static func open(urls: [String], network: NetworkConfig, timeout: Double = 30, deadline: RPCDeadline? = nil) throws -> NodeConnection {
        var list = urls.filter { !$0.isEmpty }
        if list.isEmpty {
            do {
                list = [try RPCEndpoint.resolveURL(explicit: nil, networkVariable: network.rpcUrlEnv,
                                                   defaultURL: network.defaultRpcUrl)]
            } catch { throw CLIError("--rpc-url: \(error)") }
        }
        var clients: [EthClient] = []
        for url in list {
            let policy = RetryPolicy(callTimeoutSeconds: timeout, deadline: deadline)
            do { clients.append(try EthClient(HTTPTransport.Configuration(url: url), retryPolicy: policy)) } catch {
                throw CLIError("--rpc-url \(RedactedURL(url).display): \(error)")
            }
        }
        guard let only = clients.first else { throw CLIError("--rpc-url: no RPC URL given") }
        if clients.count == 1 { return NodeConnection(client: only, head: nil, refused: []) }
        do {
            let choice = try NodeSelection.choose(clients, now: Clock.now())
            return NodeConnection(client: choice.client, head: choice.head, refused: choice.refused)
        } catch { throw CLIError("--rpc-url: \(error)") }
    }
}

enum Clock {
    static func now() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }
}

/// A line on stderr (notes and warnings; stdout stays clean for --json).
func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The portfolio's state read from the node: the holder's balances and allowances for every
/// router and vault, the operator's gas money, every pool, at one pinned block. Refused nodes and
/// an old block are reported on stderr (the block age against the portfolio's policy).
enum StateReading {
    static func read(network: NetworkConfig, portfolio: PortfolioConfig, rpc: RPCOptions, block: UInt64?,
                     deadline: RPCDeadline? = nil) throws -> LoadedState {
        let connection = try NodeConnection.open(urls: rpc.urls, network: network, timeout: rpc.rpcTimeout, deadline: deadline)
        for line in connection.refused { note("warning: \(line)") }
        let loader = StateLoader(client: connection.client, network: network, networkFile: ConfigLoading.networkLabel(network.name))
        // The rebalancing vault is a spender only when the holder is another address (EOA mode deposits).
        let extra = portfolio.vault.map { $0 == portfolio.holder ? [] : [$0] } ?? []
        let maxAge = portfolio.policy.maxBlockAgeSeconds
        let pinned: BlockTag = block.map { .number($0) } ?? connection.head.map { .number($0.number) } ?? .latest
        let request = StateRequest(
            holder: portfolio.holder, operator: portfolio.operator,
            spenders: StateRequest.spenders(of: network, extra: extra), block: pinned,
            maxBlockAgeSeconds: maxAge.isFinite && maxAge > 0 ? UInt64(min(maxAge, 1e12)) : nil,
            vault: portfolio.mode == .vault ? portfolio.vault : nil)
        let loaded: LoadedState
        do { loaded = try loader.load(request) } catch { throw CLIError("\(error)") }
        if let stale = loaded.stale {
            note("warning: stale block: \(stale.summary) (policy.maxBlockAgeSeconds)")
        }
        return loaded
    }
}
