import EthCore

/// A typed eth_ request: the JSON-RPC call plus how to decode its result.
/// Built by the `Eth` factory functions; sent alone with `EthClient.send` or in an `EthBatch`.
public struct EthRequest<Value: Sendable>: Sendable {
    public let call: RPCCall
    let decode: @Sendable (JSONValue) throws(RPCError) -> Value

    init(_ method: String, _ params: [JSONValue], decode: @escaping @Sendable (JSONValue) throws(RPCError) -> Value) {
        call = RPCCall(method, params)
        self.decode = decode
    }

    /// The same call with a different result decoding (e.g. ABI-decoding eth_call bytes).
    public func map<T: Sendable>(_ transform: @escaping @Sendable (Value) throws(RPCError) -> T) -> EthRequest<T> {
        let decode = self.decode
        return EthRequest<T>(call.method, call.params) { value throws(RPCError) in try transform(try decode(value)) }
    }
}

/// Factories for every typed eth_ request. State reads take a `BlockTag`: callers pin the block.
public enum Eth {
    public static func chainId() -> EthRequest<UInt64> {
        EthRequest("eth_chainId", []) { v throws(RPCError) in try EthJSON.uint64(v, .init("eth_chainId")) }
    }

    public static func blockNumber() -> EthRequest<UInt64> {
        EthRequest("eth_blockNumber", []) { v throws(RPCError) in try EthJSON.uint64(v, .init("eth_blockNumber")) }
    }

    /// The header of a block; `.notFound` when the node does not have it (yet).
    public static func getBlock(_ block: BlockTag) -> EthRequest<BlockHeader> {
        EthRequest("eth_getBlockByNumber", [block.json, false]) { v throws(RPCError) in
            if v.isNull { throw .notFound("\(block) (eth_getBlockByNumber returned null)") }
            return try BlockHeader.decode(v, method: "eth_getBlockByNumber")
        }
    }

    public static func getBalance(_ address: Address, block: BlockTag) -> EthRequest<UInt256> {
        EthRequest("eth_getBalance", [EthJSON.address(address), block.json]) { v throws(RPCError) in
            try EthJSON.uint256(v, .init("eth_getBalance"))
        }
    }

    public static func getCode(_ address: Address, block: BlockTag) -> EthRequest<[UInt8]> {
        EthRequest("eth_getCode", [EthJSON.address(address), block.json]) { v throws(RPCError) in
            try EthJSON.bytes(v, .init("eth_getCode"))
        }
    }

    public static func getTransactionCount(_ address: Address, block: BlockTag) -> EthRequest<UInt64> {
        EthRequest("eth_getTransactionCount", [EthJSON.address(address), block.json]) { v throws(RPCError) in
            try EthJSON.uint64(v, .init("eth_getTransactionCount"))
        }
    }

    public static func call(_ request: CallRequest, block: BlockTag) -> EthRequest<[UInt8]> {
        EthRequest("eth_call", [request.json, block.json]) { v throws(RPCError) in try EthJSON.bytes(v, .init("eth_call")) }
    }

    public static func call(
        to: Address, data: [UInt8], from: Address? = nil, value: UInt256? = nil, block: BlockTag
    ) -> EthRequest<[UInt8]> {
        call(CallRequest(to: to, data: data, from: from, value: value), block: block)
    }

    public static func estimateGas(_ request: CallRequest, block: BlockTag = .latest) -> EthRequest<UInt64> {
        EthRequest("eth_estimateGas", [request.json, block.json]) { v throws(RPCError) in
            try EthJSON.uint64(v, .init("eth_estimateGas"))
        }
    }

    public static func gasPrice() -> EthRequest<UInt256> {
        EthRequest("eth_gasPrice", []) { v throws(RPCError) in try EthJSON.uint256(v, .init("eth_gasPrice")) }
    }

    public static func maxPriorityFeePerGas() -> EthRequest<UInt256> {
        EthRequest("eth_maxPriorityFeePerGas", []) { v throws(RPCError) in
            try EthJSON.uint256(v, .init("eth_maxPriorityFeePerGas"))
        }
    }

    /// `blockCount` blocks ending at `newest`; `percentiles` ascending in 0...100.
    public static func feeHistory(blockCount: UInt64, newest: BlockTag, percentiles: [Double]) -> EthRequest<FeeHistory> {
        let ps = JSONValue.array(percentiles.map { .number(Eth.percentileText($0)) })
        return EthRequest("eth_feeHistory", [EthJSON.quantity(blockCount), newest.json, ps]) { v throws(RPCError) in
            try FeeHistory.decode(v, method: "eth_feeHistory")
        }
    }

    /// Broadcasts signed transaction bytes; returns the transaction hash.
    public static func sendRawTransaction(_ raw: [UInt8]) -> EthRequest<[UInt8]> {
        EthRequest("eth_sendRawTransaction", [EthJSON.data(raw)]) { v throws(RPCError) in
            try EthJSON.hash(v, .init("eth_sendRawTransaction"))
        }
    }

    /// nil when the node does not know the hash.
    public static func getTransactionByHash(_ hash: [UInt8]) -> EthRequest<Transaction?> {
        EthRequest("eth_getTransactionByHash", [EthJSON.data(hash)]) { v throws(RPCError) in
            v.isNull ? nil : try Transaction.decode(v, method: "eth_getTransactionByHash")
        }
    }

    /// nil while the transaction is pending or unknown.
    public static func getTransactionReceipt(_ hash: [UInt8]) -> EthRequest<Receipt?> {
        EthRequest("eth_getTransactionReceipt", [EthJSON.data(hash)]) { v throws(RPCError) in
            v.isNull ? nil : try Receipt.decode(v, method: "eth_getTransactionReceipt")
        }
    }

    public static func getLogs(_ filter: LogFilter) -> EthRequest<[Log]> {
        EthRequest("eth_getLogs", [filter.json]) { v throws(RPCError) in try Log.decodeList(v, method: "eth_getLogs") }
    }

    /// Percentiles as JSON numbers: integers without a fraction, others with up to 4 decimals.
    static func percentileText(_ p: Double) -> String {
        let clamped = p.isFinite ? min(max(p, 0), 100) : 0
        if clamped == clamped.rounded() { return String(Int(clamped)) }
        let scaled = Int((clamped * 10_000).rounded())
        var fraction = String(scaled % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(scaled / 10_000).\(fraction)"
    }
}
