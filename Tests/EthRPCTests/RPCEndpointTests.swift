import Testing

@testable import EthRPC

@Suite("RPC URL resolution")
struct RPCEndpointTests {
    @Test func precedence() throws {
        let env = ["DEVNET_RPC_URL": "http://a", "ETH_RPC_URL": "http://b"]
        #expect(try RPCEndpoint.resolveURL(explicit: "http://x", networkVariable: "DEVNET_RPC_URL", defaultURL: "http://d", environment: env) == "http://x")
        #expect(try RPCEndpoint.resolveURL(explicit: nil, networkVariable: "DEVNET_RPC_URL", defaultURL: "http://d", environment: env) == "http://a")
        #expect(try RPCEndpoint.resolveURL(explicit: "", networkVariable: "OTHER", defaultURL: "http://d", environment: env) == "http://b")
        #expect(try RPCEndpoint.resolveURL(explicit: nil, networkVariable: "OTHER", defaultURL: "http://d", environment: [:]) == "http://d")
    }

    @Test func missingURLNamesTheVariables() {
        do {
            _ = try RPCEndpoint.resolveURL(explicit: nil, networkVariable: "MAINNET_RPC_URL", defaultURL: nil, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidArgument("no RPC URL: pass --rpc-url or set MAINNET_RPC_URL or ETH_RPC_URL"))
        }
    }
}
