import EthCore
import EthSigning
import Foundation
import Testing
import EthRPC
import TestSupport

@testable import Execution

@Suite struct SendViaTests {
    @Test func namesExpandToTheDocumentedEndpointsWithTheOtherAsFallback() throws {
        #expect(try SendVia.parse("public") == .publicMempool)
        let flashbots = try SendVia.parse("flashbots").relayList
        #expect(flashbots.map(\.name) == ["flashbots", "mevblocker"])
        #expect(flashbots[0].rpcURL == "https://rpc.flashbots.net" && flashbots[0].statusURL == "https://protect.flashbots.net/tx/")
        #expect(flashbots[1].rpcURL == "https://rpc.mevblocker.io/noreverts" && flashbots[1].statusURL == nil)
        #expect(try SendVia.parse("mevblocker").relayList.map(\.name) == ["mevblocker", "flashbots"])
        #expect(try SendVia.parse("mevblocker, flashbots").relayList.map(\.name) == ["mevblocker", "flashbots"])
    }

    @Test func aURLServesTheStatusAPIBesideItAndSecretsStayOutOfItsName() throws {
        let relays = try SendVia.parse("https://relay.example/rpc/0123456789abcdef0123,https://relay.example/rpc/fedcba9876543210fedc").relayList
        #expect(relays[0].statusURL == "https://relay.example/rpc/0123456789abcdef0123/tx/")
        #expect(!relays[0].name.contains("0123456789abcdef") && relays[0].name != relays[1].name)
    }

    @Test func badRoutesAreRefusedWithTheArgumentNamed() {
        for bad in ["", "flashbot", "public,flashbots", "ftp://relay", "flashbots,"] {
            #expect(throws: SendError.self) { _ = try SendVia.parse(bad) }
            do { _ = try SendVia.parse(bad); Issue.record("\(bad) accepted") } catch { #expect("\(error)".hasPrefix("--send-via")) }
        }
    }

    @Test func theNextRouteIsTheNextRelayThenPublicOnlyWhenAllowed() throws {
        let via = try SendVia.parse("flashbots")
        let privateOnly = SendChannel(via: via, fallback: FallbackPolicy(afterBlocks: 2))
        #expect(privateOnly.nextRoute(after: ["flashbots"]) == "mevblocker")
        #expect(privateOnly.nextRoute(after: ["flashbots", "mevblocker"]) == nil)
        let toPublic = SendChannel(via: via, fallback: FallbackPolicy(afterBlocks: 2, toPublic: true))
        #expect(toPublic.nextRoute(after: ["flashbots", "mevblocker"]) == "public")
        #expect(toPublic.nextRoute(after: ["flashbots", "mevblocker", "public"]) == nil)
    }

    /// The header the Flashbots relay checks: `<address>:<EIP-191 signature of the hex keccak of the body>`.
    @Test func theSignatureHeaderRecoversToTheReputationKey() throws {
        let key = try PrivateKey(hex: "0x" + String(repeating: "5e", count: 32))
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":"eth_sendBundle","params":[]}"#.utf8)
        let header = RelayClient.signature(of: body, key: key)
        let parts = header.split(separator: ":").map(String.init)
        #expect(parts.count == 2 && parts[0] == key.address.lowercaseHex)
        let message = Array(Hex.encode(Keccak256.hash(body)).utf8)
        #expect(message.count == 66)
        #expect(try PersonalMessage.recoverAddress(message: message, signature: try Hex.decode(parts[1])) == key.address)
    }

    @Test func reportsSayHowItWasSentAndHowLongInclusionTook() {
        var outcome = SendOutcome(label: "rebalance", runId: 1, journalId: 1, hash: Hash32.keccak256([1]), nonce: 0, status: .mined,
                                  gasUsed: 21_000, effectiveGasPrice: nil, blockNumber: 9, logs: [], replacements: 0)
        #expect(outcome.sendingText == "public")
        outcome.sentVia = "flashbots,mevblocker"
        outcome.inclusionBlocks = 4
        outcome.inclusionSeconds = 47.25
        #expect(outcome.sendingText == "flashbots → mevblocker, 4 blocks, 47.2 s")
        #expect(SendingSummary(outcome).sentVia == "flashbots,mevblocker")
    }

    /// A command sending publicly (a vault command's reconcile) meets a transaction journaled as
    /// sent through a relay it cannot name: it refuses instead of leaking it to the public mempool.
    @Test func aPrivatelySentTransactionNeverFallsToThePublicMempool() throws {
        let transport = ScriptedTransport { _, _ in .success(.string("0x" + String(repeating: "00", count: 32))) }
        let client = EthClient(rpc: JSONRPCClient(transport: transport, retryPolicy: .none))
        do {
            try SendChannel.publicMempool.send([0x02, 0x01], route: "http://127.0.0.1:1/****", client: client)
            Issue.record("sent")
        } catch {
            #expect("\(error)".contains("never to the public mempool"))
        }
        #expect(transport.requests.isEmpty, "nothing went to the node")
    }
}
