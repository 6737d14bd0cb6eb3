import EthCore

/// The transaction object of eth_call / eth_estimateGas.
public struct CallRequest: Sendable, Equatable {
    public var from: Address?
    /// nil estimates a contract creation.
    public var to: Address?
    public var data: [UInt8]
    public var value: UInt256?
    public var gas: UInt64?
    public var maxFeePerGas: UInt256?
    public var maxPriorityFeePerGas: UInt256?

    public init(
        to: Address?, data: [UInt8], from: Address? = nil, value: UInt256? = nil, gas: UInt64? = nil,
        maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil
    ) {
        self.to = to
        self.data = data
        self.from = from
        self.value = value
        self.gas = gas
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if let from { o["from"] = EthJSON.address(from) }
        if let to { o["to"] = EthJSON.address(to) }
        // "data", not "input": every node accepts it, while some (and strict test servers) reject "input".
        o["data"] = EthJSON.data(data)
        if let value { o["value"] = EthJSON.quantity(value) }
        if let gas { o["gas"] = EthJSON.quantity(gas) }
        if let maxFeePerGas { o["maxFeePerGas"] = EthJSON.quantity(maxFeePerGas) }
        if let maxPriorityFeePerGas { o["maxPriorityFeePerGas"] = EthJSON.quantity(maxPriorityFeePerGas) }
        return .object(o)
    }
}
