import Foundation

/// Where the RPC URL comes from: `--rpc-url`, then the network's own variable (networks/<name>.json
/// `rpcUrlEnv`), then `ETH_RPC_URL`, then the network's `defaultRpcUrl` (local networks only).
/// The URL may hold an API key: print only `RedactedURL(url).display`.
public enum RPCEndpoint {
    public static let genericEnvironmentVariable = "ETH_RPC_URL"

    public static func resolveURL(
        explicit: String?, networkVariable: String?, defaultURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RPCError) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        var tried: [String] = []
        for name in [networkVariable, genericEnvironmentVariable].compactMap({ $0 }) where !tried.contains(name) {
            tried.append(name)
            if let value = environment[name], !value.isEmpty { return value }
        }
        if let defaultURL, !defaultURL.isEmpty { return defaultURL }
        throw .invalidArgument("no RPC URL: pass --rpc-url or set \(tried.joined(separator: " or "))")
    }
}
