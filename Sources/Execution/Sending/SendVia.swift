import EthRPC
import Foundation

/// A private relay: an endpoint that takes signed transactions and keeps them out of the public
/// mempool until a builder includes them. Reads never go here; they stay on the node.
public struct PrivateRelay: Sendable, Equatable {
    /// How the journal and the reports name it ("flashbots", "mevblocker", or the URL with
    /// secrets masked).
    public var name: String
    /// Where `eth_sendRawTransaction` / `eth_sendBundle` go.
    public var rpcURL: String
    /// The Protect-style status API: `GET <statusURL><hash>`; nil when the relay has none.
    public var statusURL: String?
    /// Where `eth_sendPrivateTransaction` (with `maxBlockNumber`) and `eth_cancelPrivateTransaction`
    /// go, signed; used instead of `eth_sendRawTransaction` when a reputation key is given. nil: the
    /// relay has no such API.
    public var privateTransactionURL: String?

    public init(name: String, rpcURL: String, statusURL: String?, privateTransactionURL: String? = nil) {
        self.name = name
        self.rpcURL = rpcURL
        self.statusURL = statusURL
        self.privateTransactionURL = privateTransactionURL
    }

    /// Flashbots Protect: `eth_sendRawTransaction` to https://rpc.flashbots.net (kept private for
    /// up to 25 blocks, never included if it reverts); status from
    /// https://protect.flashbots.net/tx/<hash>
    /// (docs.flashbots.net/flashbots-protect/quick-start and …/additional-documentation/status-api).
    /// With a reputation key, `eth_sendPrivateTransaction` / `eth_cancelPrivateTransaction` to
    /// https://relay.flashbots.net (…/additional-documentation/eth-sendPrivateTransaction).
    public static let flashbots = PrivateRelay(name: "flashbots", rpcURL: "https://rpc.flashbots.net",
                                               statusURL: "https://protect.flashbots.net/tx/",
                                               privateTransactionURL: "https://relay.flashbots.net")
    /// MEV Blocker's "no revert" endpoint: plain `eth_sendRawTransaction`, simulated against the
    /// pending block and never included if it would revert (docs.cow.fi/mevblocker, Endpoints).
    /// It has no status API; the receipt on the node is the answer.
    public static let mevBlocker = PrivateRelay(name: "mevblocker", rpcURL: "https://rpc.mevblocker.io/noreverts", statusURL: nil)

    /// Any other relay by URL: it takes the Flashbots conventions at that one URL (Protect's
    /// `eth_sendRawTransaction`, the relay's private-transaction and bundle methods) and serves the
    /// status API at `<url>/tx/<hash>` (how the devnet's stand-in relay serves them).
    public static func custom(url: String) -> PrivateRelay {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        return PrivateRelay(name: RedactedURL(url).display, rpcURL: url, statusURL: base + "/tx/", privateTransactionURL: url)
    }
}

/// Where signed transactions go: the node's public mempool, or private relays in fallback order.
public enum SendVia: Sendable, Equatable, CustomStringConvertible {
    case publicMempool
    case relays([PrivateRelay])

    /// The journal's and the reports' name of the public route.
    public static let publicName = "public"

    /// `public`, `flashbots`, `mevblocker`, an http(s) URL, or a comma-separated list of relays
    /// (names or URLs) in fallback order. A single named relay falls back to the other named one.
    public static func parse(_ text: String, argument: String = "--send-via") throws(SendError) -> SendVia {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts == [publicName] { return .publicMempool }
        var relays: [PrivateRelay] = []
        for part in parts {
            switch part {
            case "flashbots": relays.append(.flashbots)
            case "mevblocker": relays.append(.mevBlocker)
            case _ where part.hasPrefix("http://") || part.hasPrefix("https://"): relays.append(.custom(url: part))
            default:
                throw .invalidArgument("\(argument) \"\(part)\": expected public, flashbots, mevblocker or an http(s) relay URL"
                                       + (parts.count > 1 ? " (a list names relays only)" : ""))
            }
        }
        if parts == ["flashbots"] { relays.append(.mevBlocker) }
        if parts == ["mevblocker"] { relays.append(.flashbots) }
        // Names must tell relays apart (the journal records routes by name): URLs whose secrets
        // mask to the same text are told apart by their place in the list.
        for i in relays.indices where relays.filter({ $0.name == relays[i].name }).count > 1 {
            relays[i].name += "#\(i + 1)"
        }
        return .relays(relays)
    }

    public var isPrivate: Bool { if case .relays = self { return true } else { return false } }

    public var relayList: [PrivateRelay] { if case .relays(let r) = self { return r } else { return [] } }

    /// The name the journal records for a transaction's first send.
    public var firstRouteName: String { relayList.first?.name ?? Self.publicName }

    public func relay(named name: String) -> PrivateRelay? { relayList.first { $0.name == name } }

    public var description: String {
        switch self {
        case .publicMempool: return Self.publicName
        case .relays(let relays): return relays.map(\.name).joined(separator: " → ")
        }
    }
}

/// How a run of several transactions (EOA mode: approvals, then swaps) goes to a relay. A relay
/// simulates each transaction against the pending block, where a later nonce cannot run yet.
public enum PrivateBatching: String, Sendable, Equatable, CaseIterable {
    /// One at a time: the next is sent once the previous has landed.
    case oneAtATime = "one-at-a-time"
    /// All in one `eth_sendBundle` per target block until included, all or nothing. Needs a
    /// reputation key (the relay requires the signature header for bundles).
    case bundle
}

/// What happens when a private transaction is not included in time.
public struct FallbackPolicy: Sendable, Equatable {
    /// Blocks without inclusion before the same signed bytes go to the next relay.
    public var afterBlocks: Int
    /// After the last relay, the public mempool — only after a fresh simulation still succeeds
    /// (every minOut is checked on chain, so a call that does not revert meets them all).
    public var toPublic: Bool

    public init(afterBlocks: Int, toPublic: Bool = false) {
        self.afterBlocks = max(1, afterBlocks)
        self.toPublic = toPublic
    }
}
