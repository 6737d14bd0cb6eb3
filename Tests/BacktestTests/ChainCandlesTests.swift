import Backtest
import EthCore
import Market
import Testing

/// Candles from chain logs: the Sync decoder, the pricing of each pool state and the bucketing.
@Suite struct ChainCandlesTests {
    static let usdcWeth = Fixture.address(20), wethWbtc = Fixture.address(21)

    static func word(_ value: UInt256) -> [UInt8] { value.bigEndianBytes }

    static func units(_ whole: UInt64, decimals: Int) -> UInt256 {
        var v = UInt256(whole)
        for _ in 0..<decimals { v = v * UInt256(10) }
        return v
    }

    @Test func syncTopicIsTheKeccakOfTheSignature() {
        #expect(Hex.encode(ReserveSync.topic) == "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1")
    }

    @Test func decodesBothReservesOfASyncLog() throws {
        let data = Self.word(UInt256(2_000_000_000_000)) + Self.word(UInt256(decimal: "1000000000000000000000")!)
        let sync = try ReserveSync.decode(pool: Self.usdcWeth, topics: [ReserveSync.topic], data: data, block: 7, logIndex: 3)
        #expect(sync == ReserveSync(pool: Self.usdcWeth, block: 7, logIndex: 3,
                                    reserves: [UInt256(2_000_000_000_000), UInt256(decimal: "1000000000000000000000")!]))
    }

    @Test func refusesLogsThatAreNoSync() {
        let good = Self.word(UInt256(1)) + Self.word(UInt256(2))
        let otherTopic = Keccak256.hash("Transfer(address,address,uint256)")
        #expect(throws: ChainCandleError.self) {
            try ReserveSync.decode(pool: Self.usdcWeth, topics: [otherTopic], data: good, block: 1, logIndex: 0)
        }
        #expect(throws: ChainCandleError.self) {
            try ReserveSync.decode(pool: Self.usdcWeth, topics: [ReserveSync.topic], data: good + [0], block: 1, logIndex: 0)
        }
        // 2^112 does not fit a uint112 reserve.
        var wide = [UInt8](repeating: 0, count: 32)
        wide[17] = 1
        #expect(throws: ChainCandleError.self) {
            try ReserveSync.decode(pool: Self.usdcWeth, topics: [ReserveSync.topic], data: wide + Self.word(UInt256(2)), block: 1, logIndex: 0)
        }
        #expect(throws: ChainCandleError.self) {
            try ReserveSync.decode(pool: Self.usdcWeth, topics: [ReserveSync.topic], data: good, block: nil, logIndex: nil)
        }
    }

    @Test func bucketsOpenAtThePreviousCloseAndCarryGapsForward() {
        let samples = [(0, 10.0), (100, 12.0), (150, 8.0), (3700, 9.0)].map { ChainCandles.Sample(time: UInt64($0.0), price: $0.1) }
        let (candles, carried) = ChainCandles.bucket(samples, from: 0, to: 3 * 3600 + 5, every: 3600)
        #expect(candles == [
            Candle(time: 0, open: 10, high: 12, low: 8, close: 8),
            Candle(time: 3600, open: 8, high: 9, low: 8, close: 9),
            Candle(time: 7200, open: 9, high: 9, low: 9, close: 9),
            Candle(time: 10800, open: 9, high: 9, low: 9, close: 9),
        ])
        #expect(carried == [7200, 10800])
    }

    /// WETH at 2000 USDC from its pair; WBTC has no USDC pair and is priced through WETH (20 WETH).
    /// A Sync moving the USDC/WETH pair to 2200 moves both.
    @Test func pricesEachStateThroughTheDeepestPathWithDecimals() throws {
        let pools = [ChainCandles.PoolEntry(address: Self.usdcWeth, tokens: ["USDC", "WETH"], feeBps: 30),
                     ChainCandles.PoolEntry(address: Self.wethWbtc, tokens: ["WETH", "WBTC"], feeBps: 30)]
        let start: [Address: [UInt256]] = [
            Self.usdcWeth: [Self.units(2_000_000, decimals: 6), Self.units(1000, decimals: 18)],
            Self.wethWbtc: [Self.units(200, decimals: 18), Self.units(10, decimals: 8)],
        ]
        let sync = ReserveSync(pool: Self.usdcWeth, block: 11, logIndex: 0,
                               reserves: [Self.units(2_200_000, decimals: 6), Self.units(1000, decimals: 18)])
        let input = ChainCandles.Input(pools: pools, tokens: Fixture.tokens, quote: "USDC", symbols: ["WETH", "WBTC"],
                                       startReserves: start, startTime: 3600, syncs: [sync], blockTimes: [11: 3600 * 2 + 60],
                                       endTime: 3600 * 3, every: 3600)
        let result = try ChainCandles.build(input)
        let weth = try #require(result.candles.series["WETH"]), wbtc = try #require(result.candles.series["WBTC"])
        #expect(weth.map(\.time) == [3600, 7200, 10800])
        #expect(weth.map(\.close).map { ($0 * 1e6).rounded() / 1e6 } == [2000, 2200, 2200])
        #expect(wbtc.map(\.close).map { ($0 * 1e6).rounded() / 1e6 } == [40000, 44000, 44000])
        #expect(result.carriedForward["WETH"] == [10800])
        #expect(result.candles.interval == 3600)

        // Two Syncs in one block: only the block's last state is a price.
        var sandwich = input
        sandwich.syncs = [ReserveSync(pool: Self.usdcWeth, block: 11, logIndex: 0,
                                      reserves: [Self.units(4_000_000, decimals: 6), Self.units(1000, decimals: 18)]), sync]
        sandwich.syncs[1].logIndex = 1
        let once = try ChainCandles.prices(sandwich)
        #expect(once["WETH"]?.map { ($0.price * 1e6).rounded() / 1e6 } == [2000, 2200])

        var unpriced = input
        unpriced.startReserves[Self.wethWbtc] = nil
        #expect(throws: ChainCandleError.noPrice(token: "WBTC", quote: "USDC")) { try ChainCandles.build(unpriced) }
        var missingTime = input
        missingTime.blockTimes = [:]
        #expect(throws: ChainCandleError.missingBlockTime(block: 11)) { try ChainCandles.build(missingTime) }
    }
}
