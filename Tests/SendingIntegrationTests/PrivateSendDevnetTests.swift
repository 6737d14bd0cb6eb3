import EthCore
import EthRPC
import EthSigning
import Foundation
import Testing

@testable import Execution
@testable import Market

/// The devnet's stand-in private relay (devnet/relay.py): its URL from DEVNET_RELAY_URL, else the
/// node's `devnet_relayUrl`. A test that finds neither FAILS. Each test uses its own lanes (the
/// first path segment), so one relay process stands in for several independent relays.
struct DevnetRelay {
    let base: String
    let control: JSONRPCClient

    init(_ d: Devnet) throws {
        if let url = ProcessInfo.processInfo.environment["DEVNET_RELAY_URL"], !url.isEmpty {
            base = url
        } else {
            guard let url = try? d.raw("devnet_relayUrl").stringValue else {
                throw DevnetUnreachable(description: "the devnet at \(Devnet.url) serves no private relay (devnet_relayUrl); start it with scripts/devnet-start, or set DEVNET_RELAY_URL")
            }
            base = url
        }
        control = JSONRPCClient(transport: try HTTPTransport(url: base), retryPolicy: .none)
    }

    /// A lane of its own: a relay nobody else in the run uses (a short path: longer segments
    /// would be masked as secrets in its name).
    func lane(_ name: String) -> PrivateRelay {
        .custom(url: "\(base)/\(name.prefix(2))\(UUID().uuidString.prefix(6).lowercased())")
    }

    func configure(_ relay: PrivateRelay, mode: String, requests: Int? = nil, delaySeconds: Double? = nil) throws {
        let lane = String(relay.rpcURL.dropFirst(base.count + 1))
        var request: [String: JSONValue] = ["lane": .string(lane), "mode": .string(mode)]
        if let requests { request["requests"] = JSONValue(requests) }
        if let delaySeconds { request["delaySeconds"] = .number(String(delaySeconds)) }
        _ = try control.call("relay_configure", [.object(request)])
    }
}

/// Private submission against the real devnet and its relay: what a public watcher sees, revert
/// protection, fallback, bundles, the signature header, relay faults.
@Suite("Private sending on the devnet (needs a running devnet with its relay)", .serialized)
struct PrivateSendDevnetTests {
    static let reputationKey = try! PrivateKey(hex: "0x" + String(repeating: "5e", count: 32))

    func confirmer(_ d: Devnet, _ j: Journal, channel: SendChannel, events: Box<[ConfirmerEvent]>,
                   mineEachPoll: Bool) -> Confirmer {
        Confirmer(client: d.client, journal: j, network: d.network, key: d.key8,
                  policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 2, pollIntervalSeconds: 0.05, timeoutSeconds: 60),
                  progress: { e in events.value.append(e) },
                  sleep: { _ in
                      if mineEachPoll { _ = try? d.raw("evm_mine") } else { Thread.sleep(forTimeInterval: 0.05) }
                  },
                  channel: channel)
    }

    func blockHashes(_ d: Devnet, _ number: UInt64) throws -> [String] {
        let block = try d.raw("eth_getBlockByNumber", [.string("0x" + String(number, radix: 16)), .bool(false)])
        return (block["transactions"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// What a searcher polling the public node sees of a pending transaction.
    func publicView(_ d: Devnet, _ hash: Hash32) throws -> (byHash: Bool, inPendingBlock: Bool, pendingNonce: UInt64) {
        let byHash = try d.client.getTransactionByHash(hash.bytes) != nil
        let pending = try d.raw("eth_getBlockByNumber", ["pending", .bool(false)])
        let listed = (pending["transactions"]?.arrayValue ?? []).contains { $0.stringValue == hash.hex }
        return (byHash, listed, try d.nonce(Devnet.account8, .pending))
    }

    @Test func aWatcherOfThePublicPoolSeesNothingOfAPrivateSend() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let channel = SendChannel(via: .relays([relay.lane("protect")]))
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
        let sent = try sender.send(runId: run, transactions: [d.transfer("private transfer", value: 11)])

        // The watcher polls the public node while the transaction waits for a block.
        for _ in 0..<3 {
            let view = try publicView(d, sent[0].hash)
            #expect(!view.byHash && !view.inPendingBlock && view.pendingNonce == start)
        }
        let record = try #require(try j.transactions(runId: run).first)
        #expect(record.sentVia == channel.via.firstRouteName && record.status == .broadcast)

        let events = Box<[ConfirmerEvent]>([])
        let outcomes = try confirmer(d, j, channel: channel, events: events, mineEachPoll: true).confirm(sent)
        #expect(outcomes.map(\.status) == [.mined])
        #expect(outcomes[0].sentVia == channel.via.firstRouteName)
        #expect(outcomes[0].inclusionBlocks != nil && outcomes[0].inclusionSeconds != nil)
        #expect(try d.nonce(Devnet.account8) == start + 1)
        // Included first in its block, as a builder puts private order flow.
        let receipt = try #require(try d.client.getTransactionReceipt(sent[0].hash.bytes))
        #expect(try blockHashes(d, receipt.blockNumber).first == sent[0].hash.hex)
    }

    @Test func aRevertingPrivateTransactionCostsNoGasAndItsNonceIsCancelledPrivately() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let before = try d.client.getBalance(Devnet.account8, block: .latest)
        // USDC.transfer(account 9, 2^255): account 8 holds far less, so it reverts.
        let usdc = try #require(d.network.token("USDC")).address
        let calldata = Array(Keccak256.hash(Array("transfer(address,uint256)".utf8)).prefix(4))
            + [UInt8](repeating: 0, count: 12) + Devnet.account9.bytes + [0x80] + [UInt8](repeating: 0, count: 31)
        let failing = PlannedTransaction(label: "reverting swap", from: d.key8.address, to: usdc, data: calldata,
                                         value: .zero, gasEstimate: 100_000)
        let channel = SendChannel(via: .relays([relay.lane("noreverts")]))
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
        let sent = try sender.send(runId: run, transactions: [failing])
        #expect(try d.client.getTransactionReceipt(sent[0].hash.bytes) == nil)
        #expect(try d.client.getBalance(Devnet.account8, block: .latest) == before, "a dropped revert costs nothing")

        let events = Box<[ConfirmerEvent]>([])
        let outcomes = try confirmer(d, j, channel: channel, events: events, mineEachPoll: false).confirm(sent)
        // The relay said FAILED; a fresh simulation still fails, so the nonce is freed by a private
        // zero-value self-transfer: the only gas spent is its 21000.
        #expect(outcomes.map(\.status) == [.cancelled])
        #expect(events.value.contains { if case .relayStatus(_, _, _, "FAILED") = $0 { true } else { false } })
        #expect(try d.client.getTransactionReceipt(sent[0].hash.bytes) == nil)
        let cost = UInt256(try #require(outcomes[0].gasUsed)).multiplied(by: try #require(outcomes[0].effectiveGasPrice))!
        #expect(outcomes[0].gasUsed == 21_000)
        #expect(try d.client.getBalance(Devnet.account8, block: .latest) == before - cost)
        #expect(try d.nonce(Devnet.account8) == start + 1)
    }

    @Test func theFallbackFiresAfterKBlocksAndNeverYieldsTwoInclusions() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let first = relay.lane("first"), second = relay.lane("second")
        try relay.configure(first, mode: "withhold")  // takes it, no builder ever includes it
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let channel = SendChannel(via: .relays([first, second]), fallback: FallbackPolicy(afterBlocks: 2))
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
        let sent = try sender.send(runId: run, transactions: [d.transfer("fallback transfer", value: 13)])
        let head = try d.client.blockNumber()

        let events = Box<[ConfirmerEvent]>([])
        let outcomes = try confirmer(d, j, channel: channel, events: events, mineEachPoll: true).confirm(sent)
        #expect(outcomes.map(\.status) == [.mined])
        let fellBack = events.value.compactMap { e -> String? in if case .fellBack(_, _, let from, let to) = e { "\(from)>\(to)" } else { nil } }
        #expect(fellBack == ["\(first.name)>\(second.name)"])
        let receipt = try #require(try d.client.getTransactionReceipt(sent[0].hash.bytes))
        #expect(receipt.blockNumber >= head + 2, "not before K blocks")
        #expect(outcomes[0].sentVia == "\(first.name),\(second.name)")
        #expect(try j.transactions(runId: run).map(\.hash) == [sent[0].hash], "the same signed bytes, never re-signed")

        // The first relay lets go of the same bytes now: nothing executes a second time.
        try relay.configure(first, mode: "normal")
        try d.mine()
        try d.mine()
        #expect(try d.nonce(Devnet.account8) == start + 1)
        let status = try RelayClient(relay: first, reputationKey: nil).status(of: sent[0].hash)
        #expect(status == .included)
    }

    /// With a reputation key: eth_sendPrivateTransaction valid for the fallback window, and on
    /// fallback eth_cancelPrivateTransaction at the relay left behind.
    @Test func withAReputationKeyPrivateTransactionsCarryMaxBlockNumberAndAreCancelledOnFallback() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let first = relay.lane("pa"), second = relay.lane("pb")
        try relay.configure(first, mode: "withhold")
        try relay.configure(second, mode: "withhold")
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let channel = SendChannel(via: .relays([first, second]), fallback: FallbackPolicy(afterBlocks: 2),
                                  reputationKey: Self.reputationKey)
        let head = try d.client.blockNumber()
        let sent = try TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
            .send(runId: try d.beginRun(j), transactions: [d.transfer("private tx", value: 23)])
        let atFirst = try RelayClient(relay: first, reputationKey: nil)
        #expect(try atFirst.status(of: sent[0].hash) == .pending)
        let status = try JSONValue.parse(try HTTPTransport({
            var c = HTTPTransport.Configuration(url: first.statusURL! + sent[0].hash.hex); c.httpGet = true; return c }()).send([]))
        #expect(status["maxBlockNumber"]?.intValue == Int(head) + 3, "the window of K = 2 blocks and one of overlap")

        let events = Box<[ConfirmerEvent]>([])
        let leftBehind = Box<RelayTxStatus?>(nil)
        let confirmer = Confirmer(
            client: d.client, journal: j, network: d.network, key: d.key8,
            policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 2, pollIntervalSeconds: 0, timeoutSeconds: 60),
            progress: { e in events.value.append(e) },
            sleep: { _ in
                if leftBehind.value == nil, events.value.contains(where: { if case .fellBack = $0 { true } else { false } }) {
                    leftBehind.value = try? atFirst.status(of: sent[0].hash)  // before the second relay includes it
                    try? relay.configure(second, mode: "normal")
                }
                _ = try? d.raw("evm_mine")
            },
            channel: channel)
        let outcomes = try confirmer.confirm(sent)
        #expect(outcomes.map(\.status) == [.mined])
        #expect(outcomes[0].sentVia == "\(first.name),\(second.name)")
        #expect(leftBehind.value == .cancelled, "the relay left behind was told to stop offering it")
        #expect(try blockHashes(d, try #require(outcomes[0].blockNumber)).contains(sent[0].hash.hex))
        try relay.configure(first, mode: "normal")
        try d.mine()
        #expect(try d.nonce(Devnet.account8) == (try d.nonce(Devnet.account8, .pending)))
    }

    @Test func toThePublicMempoolOnlyWithFallbackPublicAndAFreshSimulation() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let only = relay.lane("only")
        try relay.configure(only, mode: "withhold")
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let start = try d.nonce(Devnet.account8, .pending)
        let events = Box<[ConfirmerEvent]>([])

        // Without --fallback public the bytes never leave the relays: after K blocks they go back
        // to the (only) relay, and the public node never sees them.
        let privateOnly = SendChannel(via: .relays([only]), fallback: FallbackPolicy(afterBlocks: 2))
        let run1 = try d.beginRun(j)
        let held = try TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: privateOnly)
            .send(runId: run1, transactions: [d.transfer("held", value: 21)])
        var stuckPolicy = confirmer(d, j, channel: privateOnly, events: events, mineEachPoll: true)
        stuckPolicy.policy.timeoutSeconds = 1.5
        #expect(throws: SendError.self) { _ = try stuckPolicy.confirm(held) }
        #expect(try d.client.getTransactionByHash(held[0].hash.bytes) == nil)
        #expect(try d.nonce(Devnet.account8) == start)

        // With it: after K blocks, a fresh simulation passes, and the same bytes go public.
        let withPublic = SendChannel(via: .relays([only]), fallback: FallbackPolicy(afterBlocks: 2, toPublic: true))
        let outcomes = try confirmer(d, j, channel: withPublic, events: events, mineEachPoll: true).confirm(held)
        #expect(outcomes.map(\.status) == [.mined])
        #expect(outcomes[0].sentVia == "\(only.name),public")
        #expect(outcomes[0].hash == held[0].hash)
        try relay.configure(only, mode: "normal")
        try d.mine()
        #expect(try d.nonce(Devnet.account8) == start + 1, "one inclusion")
    }

    @Test func eoaOneAtATimeSendsEachOnceThePreviousLanded() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let lane = relay.lane("serial")
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        let channel = SendChannel(via: .relays([lane]), batching: .oneAtATime)
        let sent = try TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
            .send(runId: run, transactions: [d.transfer("approve", value: 1), d.transfer("swap 1", value: 2), d.transfer("swap 2", value: 3)])
        // Only the first went to the relay (automine: it landed at once); the others wait their turn.
        #expect(try j.transactions(runId: run).map(\.status) == [.broadcast, .signed, .signed])
        #expect(try d.nonce(Devnet.account8) == start + 1)
        let events = Box<[ConfirmerEvent]>([])
        let outcomes = try confirmer(d, j, channel: channel, events: events, mineEachPoll: false).confirm(sent)
        #expect(outcomes.map(\.status) == [.mined, .mined, .mined])
        let blocks = outcomes.compactMap(\.blockNumber)
        #expect(blocks.count == 3 && blocks[0] < blocks[1] && blocks[1] < blocks[2], "one at a time: \(blocks)")
        // Inclusion is counted from each one's turn, not from the run's start.
        #expect(outcomes.map(\.inclusionBlocks) == [1, 1, 1], "\(outcomes.map(\.inclusionBlocks))")
        #expect(try d.nonce(Devnet.account8) == start + 3)
    }

    @Test func eoaBundlesAreRetargetedEachBlockAndLandWhole() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let lane = relay.lane("bundle")
        try relay.configure(lane, mode: "withhold")  // the first targets pass unbuilt
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let j = try Devnet.tempJournal()
        let run = try d.beginRun(j)
        let start = try d.nonce(Devnet.account8, .pending)
        #expect(throws: SendError.self) {
            _ = try TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network,
                                      channel: SendChannel(via: .relays([lane]), batching: .bundle))
                .send(runId: run, transactions: [d.transfer("no key", value: 1)])
        }
        #expect(try j.transactions(runId: run).isEmpty, "nothing signed without a reputation key")
        let channel = SendChannel(via: .relays([lane]), fallback: FallbackPolicy(afterBlocks: 50), reputationKey: Self.reputationKey,
                                  batching: .bundle)
        let sent = try TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
            .send(runId: run, transactions: [d.transfer("approve", value: 1), d.transfer("swap", value: 2)])
        let polls = Box(0)
        let events = Box<[ConfirmerEvent]>([])
        let confirmer = Confirmer(
            client: d.client, journal: j, network: d.network, key: d.key8,
            policy: ConfirmationPolicy(confirmations: 1, replaceAfterBlocks: 2, pollIntervalSeconds: 0, timeoutSeconds: 60),
            progress: { e in events.value.append(e) },
            sleep: { _ in
                polls.value += 1
                if polls.value == 3 { try? relay.configure(lane, mode: "normal") }  // a builder takes it from now on
                _ = try? d.raw("evm_mine")
            },
            channel: channel)
        let outcomes = try confirmer.confirm(sent)
        #expect(outcomes.map(\.status) == [.mined, .mined])
        #expect(outcomes[0].blockNumber == outcomes[1].blockNumber, "the bundle lands whole, in one block")
        #expect(try blockHashes(d, try #require(outcomes[0].blockNumber)) == sent.map(\.hash.hex))
        #expect(try d.nonce(Devnet.account8) == start + 2)
    }

    @Test func bundlesLandAllOrNothingAndNeedAValidSignature() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let lane = relay.lane("bundles")
        try d.setAutomine(false)
        defer { try? d.setAutomine(true) }
        let start = try d.nonce(Devnet.account8, .pending)
        let fee = UInt256(50_000_000_000)
        func transfer(_ nonce: UInt64, to: Address = Devnet.account9, data: [UInt8] = [], gas: UInt64 = 21_000) -> SignedTransaction {
            DynamicFeeTransaction(chainId: d.network.chainId, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                  maxFeePerGas: fee, gasLimit: gas, to: to, value: UInt256(1), data: data).sign(with: d.key8)
        }
        let usdc = try #require(d.network.token("USDC")).address
        let reverting = Array(Keccak256.hash(Array("transfer(address,uint256)".utf8)).prefix(4))
            + [UInt8](repeating: 0, count: 12) + Devnet.account9.bytes + [0x80] + [UInt8](repeating: 0, count: 31)
        let good = transfer(start), bad = transfer(start + 1, to: usdc, data: reverting, gas: 100_000)
        let client = RelayClient(relay: lane, reputationKey: Self.reputationKey)

        // One member would revert: the block gets neither.
        try client.sendBundle([good.raw, bad.raw], blockNumber: try d.client.blockNumber() + 1)
        try d.mine()
        #expect(try d.nonce(Devnet.account8) == start)
        #expect(try d.client.getTransactionReceipt(good.transactionHash.bytes) == nil)

        // Both good: both land, in order, in the target block.
        let second = transfer(start + 1)
        let target = try d.client.blockNumber() + 1
        let bundleHash = try client.sendBundle([good.raw, second.raw], blockNumber: target)
        #expect(bundleHash == Hex.encode(Keccak256.hash(good.transactionHash.bytes + second.transactionHash.bytes)))
        try d.mine()
        #expect(try blockHashes(d, target) == [good.transactionHash.hex, second.transactionHash.hex])
        #expect(try d.nonce(Devnet.account8) == start + 2)

        // The relay refuses a bundle without the header (401) or with a signature that does not
        // match the body or the claimed address (403).
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":"eth_sendBundle","params":[{"txs":[],"blockNumber":"0x1"}]}"#.utf8)
        // (The transport hands a JSON-RPC error body up whatever the HTTP status; the relay's
        // pytest checks the 401/403 statuses themselves.)
        func refusal(_ header: String?) throws -> String? {
            var configuration = HTTPTransport.Configuration(url: lane.rpcURL)
            if let header { configuration.headers = [try HTTPHeader(name: RelayClient.signatureHeader, value: header)] }
            let reply = try JSONValue.parse(try HTTPTransport(configuration).send(body))
            return reply["error"]?["message"]?.stringValue
        }
        #expect(try refusal(nil)?.contains("missing X-Flashbots-Signature") == true)
        let valid = RelayClient.signature(of: body, key: Self.reputationKey)
        let otherBody = RelayClient.signature(of: body + [0x20], key: Self.reputationKey)
        let impostor = d.key9.address.lowercaseHex + ":" + valid.split(separator: ":")[1]
        #expect(try refusal(otherBody)?.contains("signature mismatch") == true)
        #expect(try refusal(impostor)?.contains("signature mismatch") == true)
        // The signature this client computes passes (the bundles above needed it too); an empty
        // bundle is all the relay objects to.
        let accepted = try refusal(valid)
        #expect(accepted?.contains("txs") == true && accepted?.contains("signature") == false)
    }

    @Test func aRelayTimeoutIsSettledThroughItsStatusAPIAndA5xxThroughTheReconciler() throws {
        let d = try Devnet()
        let relay = try DevnetRelay(d)
        let lane = relay.lane("faulty")
        let j = try Devnet.tempJournal()
        let start = try d.nonce(Devnet.account8, .pending)
        let channel = SendChannel(via: .relays([lane]), relayTimeoutMilliseconds: 700)
        let sender = TransactionSender(client: d.client, journal: j, key: d.key8, network: d.network, channel: channel)
        let events = Box<[ConfirmerEvent]>([])

        // Timeout: the relay took it but answered too late. Its status API says so: sent, confirmed.
        try relay.configure(lane, mode: "timeout", requests: 1, delaySeconds: 2)
        let run1 = try d.beginRun(j)
        let sent = try sender.send(runId: run1, transactions: [d.transfer("timed out", value: 17)])
        #expect(sent.count == 1)
        #expect(try confirmer(d, j, channel: channel, events: events, mineEachPoll: false).confirm(sent).map(\.status) == [.mined])
        #expect(try d.nonce(Devnet.account8) == start + 1)

        // 503: the relay did not take it. The send reports it; the transaction stays journaled and
        // unsettled; the reconciler sends the same bytes to the relay again and it lands once.
        try relay.configure(lane, mode: "error", requests: 1)
        let run2 = try d.beginRun(j)
        #expect(throws: SendError.self) { _ = try sender.send(runId: run2, transactions: [d.transfer("refused", value: 19)]) }
        let journaled = try j.transactions(runId: run2)
        #expect(journaled.map(\.status) == [.signed])
        #expect(try d.nonce(Devnet.account8) == start + 1)
        let reconciler = Reconciler(client: d.client, journal: j, channel: channel)
        let settled = try reconciler.settle(confirmer: confirmer(d, j, channel: channel, events: events, mineEachPoll: false))
        #expect(settled.report.decisions.map(\.action) == [.rebroadcast])
        #expect(settled.outcomes.map(\.status) == [.mined])
        #expect(settled.outcomes.map(\.hash) == journaled.map(\.hash))
        #expect(try d.nonce(Devnet.account8) == start + 2)
    }
}
