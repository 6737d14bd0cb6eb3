import EthCore
import EthRPC
import EthSigning
import Foundation

/// What a relay's status API says of a transaction (Flashbots Protect's codes:
/// docs.flashbots.net/flashbots-protect/additional-documentation/status-api).
public enum RelayTxStatus: String, Sendable, Equatable, Codable {
    /// Received; builders are trying to include it.
    case pending = "PENDING"
    case included = "INCLUDED"
    /// Given up on (not included within its block window, or it would revert).
    case failed = "FAILED"
    case cancelled = "CANCELLED"
    /// The relay never received it.
    case unknown = "UNKNOWN"

    /// The relay will not include it any more: move on to the next route.
    public var isFinalMiss: Bool { self == .failed || self == .cancelled || self == .unknown }
}

/// Talks to one private relay: sends (never reads chain state) and its status API.
///
/// Requests carry `X-Flashbots-Signature: <address>:<signature>` when a reputation key is given:
/// the EIP-191 `personal_sign` signature, by that key, of the 0x-prefixed hex keccak-256 of the
/// exact body bytes (docs.flashbots.net/flashbots-auction/advanced/rpc-endpoint, "Authentication").
/// The reputation key only builds the relay's view of this searcher; it never signs a transaction.
public struct RelayClient: Sendable {
    public let relay: PrivateRelay
    public let reputationKey: PrivateKey?
    public var timeoutMilliseconds: Int

    public static let signatureHeader = "X-Flashbots-Signature"

    public init(relay: PrivateRelay, reputationKey: PrivateKey?, timeoutMilliseconds: Int = 10_000) {
        self.relay = relay
        self.reputationKey = reputationKey
        self.timeoutMilliseconds = max(1, timeoutMilliseconds)
    }

    /// Protect / MEV Blocker style: the plain `eth_sendRawTransaction`. Never retried here: a
    /// timeout may mean "received" — the caller asks the status API and the chain instead.
    public func sendRawTransaction(_ raw: [UInt8]) throws(RPCError) {
        _ = try call("eth_sendRawTransaction", [.string(Hex.encode(raw))])
    }

    /// `eth_sendPrivateTransaction`: private until `maxBlockNumber` (Flashbots clamps it to 25
    /// blocks ahead), then dropped; `fast` shares it with every registered builder. Signed.
    public func sendPrivateTransaction(_ raw: [UInt8], maxBlockNumber: UInt64) throws(RPCError) {
        let url = relay.privateTransactionURL ?? relay.rpcURL
        let request: JSONValue = .object([
            "tx": .string(Hex.encode(raw)),
            "maxBlockNumber": .string("0x" + String(maxBlockNumber, radix: 16)),
            "preferences": .object(["fast": .bool(true)]),
        ])
        _ = try call("eth_sendPrivateTransaction", [request], url: url)
    }

    /// `eth_cancelPrivateTransaction`: true when the relay stopped offering it to builders.
    public func cancelPrivateTransaction(_ hash: Hash32) throws(RPCError) -> Bool {
        let url = relay.privateTransactionURL ?? relay.rpcURL
        return try call("eth_cancelPrivateTransaction", [.object(["txHash": .string(hash.hex)])], url: url).boolValue ?? false
    }

    /// `eth_sendBundle` for one target block: all of `raws` in that block, in order, or none.
    /// Returns the relay's bundle hash.
    @discardableResult
    public func sendBundle(_ raws: [[UInt8]], blockNumber: UInt64) throws(RPCError) -> String? {
        let bundle: JSONValue = .object([
            "txs": .array(raws.map { .string(Hex.encode($0)) }),
            "blockNumber": .string("0x" + String(blockNumber, radix: 16)),
        ])
        return try call("eth_sendBundle", [bundle])["bundleHash"]?.stringValue
    }

    /// The status API's answer; nil when this relay has none.
    public func status(of hash: Hash32) throws(RPCError) -> RelayTxStatus? {
        guard let base = relay.statusURL else { return nil }
        var configuration = HTTPTransport.Configuration(url: base + hash.hex)
        configuration.httpGet = true
        configuration.totalTimeoutMilliseconds = timeoutMilliseconds
        let body = try HTTPTransport(configuration).send([])
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch { throw .malformedReply("\(relay.name) status API: \(error)") }
        guard let text = value["status"]?.stringValue else { throw .malformedReply("\(relay.name) status API: no \"status\"") }
        guard let status = RelayTxStatus(rawValue: text) else {
            throw .malformedReply("\(relay.name) status API: unknown status \"\(text)\"")
        }
        return status
    }

    private func call(_ method: String, _ params: [JSONValue], url: String? = nil) throws(RPCError) -> JSONValue {
        let transport = SignedRelayTransport(url: url ?? relay.rpcURL, key: reputationKey, timeoutMilliseconds: timeoutMilliseconds)
        return try JSONRPCClient(transport: transport, retryPolicy: .none).call(method, params)
    }

    /// The header value for `body` (public for tests of the relay's check).
    public static func signature(of body: [UInt8], key: PrivateKey) -> String {
        let message = Hex.encode(Keccak256.hash(body))
        return key.address.lowercaseHex + ":" + Hex.encode(PersonalMessage.sign(message, with: key))
    }
}

/// HTTP POST to a relay with the signature header computed over each body.
struct SignedRelayTransport: RPCTransport {
    let url: String
    let key: PrivateKey?
    let timeoutMilliseconds: Int

    var endpointDescription: String { RedactedURL(url).display }

    func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        var configuration = HTTPTransport.Configuration(url: url)
        configuration.totalTimeoutMilliseconds = timeoutMilliseconds
        if let key {
            configuration.headers = [try HTTPHeader(name: RelayClient.signatureHeader, value: RelayClient.signature(of: body, key: key))]
        }
        return try HTTPTransport(configuration).send(body)
    }
}
