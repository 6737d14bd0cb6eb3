import EthCore

/// A Uniswap V2 pair's reserves after one `Sync(uint112,uint112)` event: the pair emits it on every
/// swap, mint, burn and `sync`, so its last Sync in a block is the pair's state after that block.
public struct ReserveSync: Sendable, Equatable {
    public var pool: Address
    public var block: UInt64
    public var logIndex: UInt64
    public var reserves: [UInt256]

    public init(pool: Address, block: UInt64, logIndex: UInt64, reserves: [UInt256]) {
        self.pool = pool
        self.block = block
        self.logIndex = logIndex
        self.reserves = reserves
    }

    /// keccak256("Sync(uint112,uint112)"), the event's topic 0.
    public static let topic: [UInt8] = Keccak256.hash("Sync(uint112,uint112)")

    /// One log as eth_getLogs returns it; anything but two words that fit 112 bits is refused, so a
    /// log of another event or contract never becomes a price.
    public static func decode(pool: Address, topics: [[UInt8]], data: [UInt8], block: UInt64?,
                              logIndex: UInt64?) throws(ChainCandleError) -> ReserveSync {
        func bad(_ why: String) -> ChainCandleError { .badLog(pool: pool.checksummed, block: block, why) }
        guard topics.first == topic else { throw bad("not a Sync(uint112,uint112) event") }
        guard data.count == 64 else { throw bad("Sync data is \(data.count) bytes, expected 64") }
        guard let block, let logIndex else { throw bad("log of a pending block") }
        var reserves: [UInt256] = []
        for word in [data[0..<32], data[32..<64]] {
            // uint112: the top 18 bytes of each word are zero.
            guard word.prefix(18).allSatisfy({ $0 == 0 }), let value = UInt256(bigEndian: word) else {
                throw bad("a reserve does not fit uint112")
            }
            reserves.append(value)
        }
        return ReserveSync(pool: pool, block: block, logIndex: logIndex, reserves: reserves)
    }

    /// `getReserves()` output: (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast).
    public static func decodeReserves(pool: Address, block: UInt64, output: [UInt8]) throws(ChainCandleError) -> [UInt256] {
        guard output.count >= 64 else {
            throw .badLog(pool: pool.checksummed, block: block, "getReserves returned \(output.count) bytes, expected 96")
        }
        let state = try decode(pool: pool, topics: [topic], data: Array(output.prefix(64)), block: block, logIndex: 0)
        return state.reserves
    }
}
