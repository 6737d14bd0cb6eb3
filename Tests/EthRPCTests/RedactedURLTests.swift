import Testing

@testable import EthRPC

@Suite("RPC URL masking")
struct RedactedURLTests {
    @Test(arguments: [
        ("https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://mainnet.infura.io/v3/****"),
        ("https://eth-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUv", "https://eth-mainnet.g.alchemy.com/v2/****"),
        ("https://rpc.example.org/eth?apikey=SECRET123&x=1", "https://rpc.example.org/eth?apikey=****&x=****"),
        ("https://user:hunter2secret@node.example.org:8545/", "https://****@node.example.org:8545/"),
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("http://localhost:8545/rpc", "http://localhost:8545/rpc"),
        ("https://node.example.org/rpc#tokenfragment", "https://node.example.org/rpc"),
    ])
    func masksSecrets(_ raw: String, _ expected: String) {
        #expect(RedactedURL(raw).display == expected)
        #expect("\(RedactedURL(raw))" == expected)
    }

    @Test func redactsSecretsInOtherText() {
        let url = RedactedURL("https://user:pw-secret-1@host.example/v3/0123456789abcdef0123?key=qwerty")
        let text = "failed https://user:pw-secret-1@host.example/v3/0123456789abcdef0123?key=qwerty; key 0123456789abcdef0123, qwerty, pw-secret-1"
        let cleaned = url.redact(text)
        #expect(!cleaned.contains("0123456789abcdef0123"))
        #expect(!cleaned.contains("qwerty"))
        #expect(!cleaned.contains("pw-secret-1"))
        #expect(cleaned.contains("host.example"))
    }

    @Test func transportDescribesItselfMasked() throws {
        let transport = try HTTPTransport(url: "https://mainnet.example.io/v3/0123456789abcdef0123456789abcdef")
        #expect(transport.endpointDescription == "https://mainnet.example.io/v3/****")
        let client = EthClient(rpc: JSONRPCClient(transport: transport))
        #expect(client.endpointDescription == "https://mainnet.example.io/v3/****")
    }
}
