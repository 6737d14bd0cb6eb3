import EthRPC
import Foundation

/// Counts HTTP requests while passing them to the real transport (the only mock: at the transport),
/// so tests can check round trips against the real devnet.
public final class CountingTransport: RPCTransport, @unchecked Sendable {
    public let inner: HTTPTransport
    private let lock = NSLock()
    private var sent = 0
    public var count: Int { lock.withLock { sent } }
    public var endpointDescription: String { inner.endpointDescription }

    public init(_ inner: HTTPTransport) { self.inner = inner }

    public func send(_ body: [UInt8]) throws(RPCError) -> [UInt8] {
        lock.withLock { sent += 1 }
        return try inner.send(body)
    }
}
