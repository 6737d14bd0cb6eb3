import EthCore

/// Requests collected for one JSON-RPC batch (one HTTP round trip), every state read pinned to
/// `block`. Made by `EthClient.batch(at:_:)`; each `add` returns a `Pending` whose value is
/// available once the batch has been sent.
///
/// ```swift
/// let (header, fees, balances) = try client.batch(at: .number(n)) { b in
///     (b.header(), b.feeHistory(blockCount: 5, percentiles: [50]), b.aggregate3(multicall: mc, calls: calls))
/// }
/// let baseFee = try header.get().baseFeePerGas
/// ```
public final class EthBatch {
    /// The block that state reads added through the convenience methods refer to.
    public let block: BlockTag
    private(set) var calls: [RPCCall] = []
    private(set) var results: [Result<JSONValue, RPCError>]? = nil

    init(block: BlockTag) { self.block = block }

    public var count: Int { calls.count }

    /// Adds any typed request (its own block tag, if any, is used as given).
    public func add<T>(_ request: EthRequest<T>) -> Pending<T> {
        let index = calls.count
        calls.append(request.call)
        return Pending(batch: self, range: index..<(index + 1)) { raw throws(RPCError) in
            try request.decode(try raw[0].get())
        }
    }

    /// Adds several raw calls whose answers are combined into one value.
    func addGroup<T>(
        _ group: [RPCCall], combine: @escaping ([Result<JSONValue, RPCError>]) throws(RPCError) -> T
    ) -> Pending<T> {
        let start = calls.count
        calls += group
        return Pending(batch: self, range: start..<calls.count, combine: combine)
    }

    func complete(with results: [Result<JSONValue, RPCError>]) { self.results = results }

    // MARK: reads pinned to `block`

    public func header() -> Pending<BlockHeader> { add(Eth.getBlock(block)) }
    public func balance(of address: Address) -> Pending<UInt256> { add(Eth.getBalance(address, block: block)) }
    public func code(at address: Address) -> Pending<[UInt8]> { add(Eth.getCode(address, block: block)) }
    public func transactionCount(of address: Address) -> Pending<UInt64> {
        add(Eth.getTransactionCount(address, block: block))
    }
    public func call(to: Address, data: [UInt8], from: Address? = nil, value: UInt256? = nil) -> Pending<[UInt8]> {
        add(Eth.call(to: to, data: data, from: from, value: value, block: block))
    }
    public func feeHistory(blockCount: UInt64, percentiles: [Double]) -> Pending<FeeHistory> {
        add(Eth.feeHistory(blockCount: blockCount, newest: block, percentiles: percentiles))
    }
}

/// The future value of a request in an `EthBatch`.
public struct Pending<Value> {
    let batch: EthBatch
    let range: Range<Int>
    let combine: ([Result<JSONValue, RPCError>]) throws(RPCError) -> Value

    /// The decoded value, or this request's own error (other members' errors do not affect it).
    public func get() throws(RPCError) -> Value {
        guard let results = batch.results, range.upperBound <= results.count else {
            throw .invalidArgument("batch result read before the batch was sent")
        }
        return try combine(Array(results[range]))
    }

    public var result: Result<Value, RPCError> {
        do { return .success(try get()) } catch { return .failure(error) }
    }
}
