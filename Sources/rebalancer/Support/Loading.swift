import Cycle
import EthCore
import EthRPC
import Foundation
import Market
import MarketLoading
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

enum Clock {
    static func now() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }
}

/// A line on stderr (notes and warnings; stdout stays clean for --json).
func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The portfolio's state read from the node through one `NodeSession` (the node chosen among
/// `--rpc-url`s once); refused nodes and an old block are reported on stderr (the block age against
/// the portfolio's policy).
enum StateReading {
    static func session(network: NetworkConfig, rpc: RPCOptions, deadline: RPCDeadline? = nil) throws -> NodeSession {
        let session = try reporting("--rpc-url") {
            try NodeSession(urls: rpc.urls, network: network, callTimeoutSeconds: rpc.rpcTimeout, deadline: deadline)
        }
        for line in session.refused { note("warning: \(line)") }
        return session
    }

    static func read(network: NetworkConfig, portfolio: PortfolioConfig, rpc: RPCOptions, block: UInt64?,
                     deadline: RPCDeadline? = nil) throws -> LoadedState {
        try read(session(network: network, rpc: rpc, deadline: deadline), portfolio: portfolio, block: block)
    }

    static func read(_ session: NodeSession, portfolio: PortfolioConfig, block: UInt64?) throws -> LoadedState {
        let loaded: LoadedState
        do { loaded = try session.read(portfolio: portfolio, block: block) } catch { throw CLIError("\(error)") }
        if let stale = loaded.stale {
            note("warning: stale block: \(stale.summary) (policy.maxBlockAgeSeconds)")
        }
        return loaded
    }
}
