import EthCore

/// The typed Ethereum JSON-RPC API over a `JSONRPCClient`.
public final class EthClient: Sendable {
    public let rpc: JSONRPCClient

    public init(rpc: JSONRPCClient) { self.rpc = rpc }

    /// A client over HTTP(S) for `configuration.url`.
    public convenience init(
        _ configuration: HTTPTransport.Configuration, retryPolicy: RetryPolicy = .default,
        rateLimiter: RateLimiter? = nil
    ) throws(RPCError) {
        let transport = try HTTPTransport(configuration)
        self.init(rpc: JSONRPCClient(transport: transport, retryPolicy: retryPolicy, rateLimiter: rateLimiter))
    }

    public convenience init(url: String, retryPolicy: RetryPolicy = .default) throws(RPCError) {
        try self.init(HTTPTransport.Configuration(url: url), retryPolicy: retryPolicy)
    }

    /// The node's URL with secrets masked.
    public var endpointDescription: String { rpc.endpointDescription }

    public func send<T>(_ request: EthRequest<T>) throws(RPCError) -> T {
        try request.decode(try rpc.call(request.call))
    }

    /// Collects requests in `build` and sends them as one JSON-RPC batch; the `Pending` values
    /// returned from `build` are readable afterwards. Throws only when the whole batch failed.
    public func batch<R>(at block: BlockTag, _ build: (EthBatch) throws(RPCError) -> R) throws(RPCError) -> R {
        let batch = EthBatch(block: block)
        let built = try build(batch)
        batch.complete(with: try rpc.batch(batch.calls))
        return built
    }

    /// Sends several signed transactions (consecutive nonces) in one batch; one result per transaction.
    /// "already known" counts as sent, as in `sendRawTransaction`.
    public func sendRawTransactions(_ transactions: [[UInt8]]) throws(RPCError) -> [Result<[UInt8], RPCError>] {
        let pending = try batch(at: .pending) { b in transactions.map { b.add(Eth.sendRawTransaction($0)) } }
        return zip(transactions, pending).map { raw, p in
            if case .failure(.alreadyKnown) = p.result { return .success(Keccak256.hash(raw)) }
            return p.result
        }
    }

    // MARK: single requests

    public func chainId() throws(RPCError) -> UInt64 { try send(Eth.chainId()) }
    public func blockNumber() throws(RPCError) -> UInt64 { try send(Eth.blockNumber()) }
    public func getBlock(_ block: BlockTag) throws(RPCError) -> BlockHeader { try send(Eth.getBlock(block)) }
    public func getBalance(_ address: Address, block: BlockTag) throws(RPCError) -> UInt256 {
        try send(Eth.getBalance(address, block: block))
    }
    public func getCode(_ address: Address, block: BlockTag) throws(RPCError) -> [UInt8] {
        try send(Eth.getCode(address, block: block))
    }
    public func getTransactionCount(_ address: Address, block: BlockTag) throws(RPCError) -> UInt64 {
        try send(Eth.getTransactionCount(address, block: block))
    }
    public func call(
        to: Address, data: [UInt8], from: Address? = nil, value: UInt256? = nil, block: BlockTag
    ) throws(RPCError) -> [UInt8] {
        try send(Eth.call(to: to, data: data, from: from, value: value, block: block))
    }
    public func call(_ request: CallRequest, block: BlockTag) throws(RPCError) -> [UInt8] {
        try send(Eth.call(request, block: block))
    }
    public func estimateGas(_ request: CallRequest, block: BlockTag = .latest) throws(RPCError) -> UInt64 {
        try send(Eth.estimateGas(request, block: block))
    }
    public func gasPrice() throws(RPCError) -> UInt256 { try send(Eth.gasPrice()) }
    public func maxPriorityFeePerGas() throws(RPCError) -> UInt256 { try send(Eth.maxPriorityFeePerGas()) }
    public func feeHistory(blockCount: UInt64, newest: BlockTag, percentiles: [Double]) throws(RPCError) -> FeeHistory {
        try send(Eth.feeHistory(blockCount: blockCount, newest: newest, percentiles: percentiles))
    }
    /// Broadcasts signed transaction bytes and returns the transaction hash. Re-sending bytes the
    /// node already holds (e.g. a retry after a timeout whose first attempt arrived) is not an
    /// error: the node's "already known" answer returns the hash, keccak256 of the raw bytes.
    public func sendRawTransaction(_ raw: [UInt8]) throws(RPCError) -> [UInt8] {
        do {
            return try send(Eth.sendRawTransaction(raw))
        } catch .alreadyKnown {
            return Keccak256.hash(raw)
        }
    }
    public func getTransactionByHash(_ hash: [UInt8]) throws(RPCError) -> Transaction? {
        try send(Eth.getTransactionByHash(hash))
    }
    public func getTransactionReceipt(_ hash: [UInt8]) throws(RPCError) -> Receipt? {
        try send(Eth.getTransactionReceipt(hash))
    }
    public func getLogs(_ filter: LogFilter) throws(RPCError) -> [Log] { try send(Eth.getLogs(filter)) }

    /// Multicall3 `aggregate3` at `block`, chunked by `budget`; all chunks go in one JSON-RPC batch.
    public func aggregate3(
        multicall: Address, calls: [Multicall3.Call], block: BlockTag, budget: Multicall3.Budget = .default
    ) throws(RPCError) -> [Multicall3.Result] {
        try batch(at: block) { b in b.aggregate3(multicall: multicall, calls: calls, budget: budget) }.get()
    }
}
