import EthCore
import EthRPC
import EthSigning
import Foundation

/// How the sender, confirmer and reconciler get signed bytes out: the public node, or private
/// relays with a fallback rule. Only sends go to a relay; every read stays on the node.
public struct SendChannel: Sendable {
    public var via: SendVia
    public var fallback: FallbackPolicy
    /// Signs relay requests (X-Flashbots-Signature); a separate key, never the operator's.
    public var reputationKey: PrivateKey?
    /// Each relay request's limit; a relay that does not answer in time may still have the
    /// transaction: the status API and the chain decide, never a blind re-sign.
    public var relayTimeoutMilliseconds: Int
    /// How several transactions of one run go to the relays.
    public var batching: PrivateBatching

    public init(via: SendVia, fallback: FallbackPolicy = FallbackPolicy(afterBlocks: 3), reputationKey: PrivateKey? = nil,
                relayTimeoutMilliseconds: Int = 10_000, batching: PrivateBatching = .oneAtATime) {
        self.batching = batching
        self.via = via
        self.fallback = fallback
        self.reputationKey = reputationKey
        self.relayTimeoutMilliseconds = relayTimeoutMilliseconds
    }

    /// Everything to the node's public mempool (how the tool always sent before relays).
    public static let publicMempool = SendChannel(via: .publicMempool)

    public var isPrivate: Bool { via.isPrivate }

    /// Private and in bundles: the confirmer re-targets the whole bundle block by block.
    public var sendsBundles: Bool { isPrivate && batching == .bundle }

    /// Private and one at a time: only the lowest pending nonce is with a relay.
    public var sendsOneAtATime: Bool { isPrivate && batching == .oneAtATime }

    /// The relay a bundle goes to `blocksWaited` blocks after the first try: each relay gets
    /// `fallback.afterBlocks` blocks in turn.
    public func bundleRelay(blocksWaited: UInt64) -> PrivateRelay? {
        let relays = via.relayList
        guard !relays.isEmpty else { return nil }
        return relays[Int((blocksWaited / UInt64(fallback.afterBlocks)) % UInt64(relays.count))]
    }

    public func relayClient(_ relay: PrivateRelay) -> RelayClient {
        RelayClient(relay: relay, reputationKey: reputationKey, timeoutMilliseconds: relayTimeoutMilliseconds)
    }

    /// New transactions, in nonce order, over the first route. Public: one JSON-RPC batch to the
    /// node (a transport failure of the whole batch throws). Private: one request each to the
    /// first relay (relays take no batches); a failure is that member's alone.
    /// One at a time: only the first goes now; the rest answer `.success` as "held back": the
    /// confirmer sends each once the one before it has landed. Bundles: one `eth_sendBundle` for the
    /// next block; its answer is every member's.
    public func broadcast(_ raws: [[UInt8]], client: EthClient) throws(RPCError) -> [Result<Void, RPCError>] {
        guard let first = via.relayList.first else {
            return try client.sendRawTransactions(raws).map { $0.map { _ in () } }
        }
        let relay = relayClient(first)
        if sendsBundles {
            do throws(RPCError) {
                try relay.sendBundle(raws, blockNumber: try client.blockNumber() + 1)
                return raws.map { _ in .success(()) }
            } catch {
                return raws.map { _ in .failure(error) }
            }
        }
        if sendsOneAtATime, raws.count > 1 {
            var results: [Result<Void, RPCError>] = []
            do throws(RPCError) { try sendOne(raws[0], to: first, client: client); results.append(.success(())) } catch {
                results.append(.failure(error))
            }
            return results + raws.dropFirst().map { _ in .success(()) }
        }
        var results: [Result<Void, RPCError>] = []
        for raw in raws {
            do throws(RPCError) {
                try sendOne(raw, to: first, client: client)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// The same bytes again over `route` (a journaled route name); "public" goes to the node. A
    /// relay this channel does not list goes to the named relay of that name, else to this
    /// channel's first relay; a privately sent transaction never falls to the public mempool here.
    public func send(_ raw: [UInt8], route: String, client: EthClient) throws(RPCError) {
        if route == SendVia.publicName {
            _ = try client.sendRawTransaction(raw)
            return
        }
        let builtin = [PrivateRelay.flashbots, PrivateRelay.mevBlocker].first { $0.name == route }
        guard let relay = via.relay(named: route) ?? builtin ?? via.relayList.first else {
            throw .invalidArgument("this transaction went out privately through \(route): re-send it with --send-via naming that relay; never to the public mempool")
        }
        try sendOne(raw, to: relay, client: client)
    }

    /// One transaction to one relay: with a reputation key and a relay that has the API,
    /// `eth_sendPrivateTransaction` valid for the fallback window and one block more (no gap while
    /// the next route takes over; the confirmer cancels it there then); else the plain
    /// `eth_sendRawTransaction`.
    func sendOne(_ raw: [UInt8], to relay: PrivateRelay, client: EthClient) throws(RPCError) {
        let client_ = relayClient(relay)
        guard usesPrivateTransactionAPI(relay) else { return try client_.sendRawTransaction(raw) }
        let head = try client.blockNumber()
        try client_.sendPrivateTransaction(raw, maxBlockNumber: head + UInt64(min(25, fallback.afterBlocks + 1)))
    }

    func usesPrivateTransactionAPI(_ relay: PrivateRelay) -> Bool { reputationKey != nil && relay.privateTransactionURL != nil }

    /// Best effort, when moving on from `route`: `eth_cancelPrivateTransaction` there, so it stops
    /// offering the bytes (the nonce already guarantees one execution). False when not possible.
    @discardableResult
    public func cancel(_ hash: Hash32, at route: String) -> Bool {
        guard let relay = via.relay(named: route), usesPrivateTransactionAPI(relay) else { return false }
        return (try? relayClient(relay).cancelPrivateTransaction(hash)) ?? false
    }

    /// The status API of `route`'s relay; nil for the public route or a relay without one.
    public func status(of hash: Hash32, route: String) throws(RPCError) -> RelayTxStatus? {
        guard let relay = via.relay(named: route) else { return nil }
        return try relayClient(relay).status(of: hash)
    }

    /// Where a transaction goes when `routes` (the ones it went through) did not include it in time:
    /// the next relay it has not been to, then the public mempool only when allowed; nil: none left.
    public func nextRoute(after routes: [String]) -> String? {
        if let next = via.relayList.first(where: { !routes.contains($0.name) }) { return next.name }
        if fallback.toPublic, !routes.contains(SendVia.publicName) { return SendVia.publicName }
        return nil
    }
}
