import EthCore

/// eth_getLogs filter. `topics[i]` nil matches anything at position i; a list matches any of its values.
public struct LogFilter: Sendable, Equatable {
    public enum Range: Sendable, Equatable {
        case blocks(from: BlockTag, to: BlockTag)
        case blockHash([UInt8])
    }

    public var range: Range
    public var addresses: [Address]
    public var topics: [[[UInt8]]?]

    public init(range: Range, addresses: [Address] = [], topics: [[[UInt8]]?] = []) {
        self.range = range
        self.addresses = addresses
        self.topics = topics
    }

    public init(fromBlock: BlockTag, toBlock: BlockTag, addresses: [Address] = [], topics: [[[UInt8]]?] = []) {
        self.init(range: .blocks(from: fromBlock, to: toBlock), addresses: addresses, topics: topics)
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        switch range {
        case .blocks(let from, let to):
            o["fromBlock"] = from.json
            o["toBlock"] = to.json
        case .blockHash(let hash):
            o["blockHash"] = EthJSON.data(hash)
        }
        if addresses.count == 1 {
            o["address"] = EthJSON.address(addresses[0])
        } else if !addresses.isEmpty {
            o["address"] = .array(addresses.map(EthJSON.address))
        }
        if !topics.isEmpty {
            o["topics"] = .array(topics.map { alternatives -> JSONValue in
                guard let alternatives else { return .null }
                if alternatives.count == 1 { return EthJSON.data(alternatives[0]) }
                return .array(alternatives.map(EthJSON.data))
            })
        }
        return .object(o)
    }
}
