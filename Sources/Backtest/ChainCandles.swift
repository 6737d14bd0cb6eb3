import EthCore
import Market
import Strategy

/// Candles built from pool states read off a chain: the pairs' reserves at the start block, then
/// every `Sync` log after it. Each state is priced the way a live run values the portfolio
/// (`Valuation`: the deepest path to the quote token, reserves scaled by the tokens' decimals), and
/// the prices are cut into `every`-second buckets. Computing only: the caller fetches the logs.
public enum ChainCandles {
    /// A configured constant-product pool: address, token0/token1 symbols, fee.
    public struct PoolEntry: Sendable, Equatable {
        public var address: Address
        public var tokens: [String]
        public var feeBps: UInt64

        public init(address: Address, tokens: [String], feeBps: UInt64) {
            self.address = address
            self.tokens = tokens
            self.feeBps = feeBps
        }
    }

    public struct Input: Sendable {
        public var pools: [PoolEntry]
        public var tokens: [Token]
        public var quote: String
        /// The tokens to build candles for (the quote token is 1 by definition).
        public var symbols: [String]
        /// Reserves at the start block (pools holding nothing are left out of pricing).
        public var startReserves: [Address: [UInt256]]
        public var startTime: UInt64
        public var syncs: [ReserveSync]
        public var blockTimes: [UInt64: UInt64]
        /// The end block's timestamp: buckets run up to the one containing it.
        public var endTime: UInt64
        public var every: UInt64

        public init(pools: [PoolEntry], tokens: [Token], quote: String, symbols: [String], startReserves: [Address: [UInt256]],
                    startTime: UInt64, syncs: [ReserveSync], blockTimes: [UInt64: UInt64], endTime: UInt64, every: UInt64) {
            self.pools = pools
            self.tokens = tokens
            self.quote = quote
            self.symbols = symbols
            self.startReserves = startReserves
            self.startTime = startTime
            self.syncs = syncs
            self.blockTimes = blockTimes
            self.endTime = endTime
            self.every = every
        }
    }

    /// One price of one token at one time (a state after a log, or the start).
    public struct Sample: Sendable, Equatable {
        public var time: UInt64
        public var price: Double

        public init(time: UInt64, price: Double) {
            self.time = time
            self.price = price
        }
    }

    public struct Result: Sendable {
        public var candles: CandleSet
        /// Per token, the opening times of candles without any log: their price is the previous
        /// close carried forward.
        public var carriedForward: [String: [UInt64]]
    }

    public static func build(_ input: Input) throws(ChainCandleError) -> Result {
        guard input.every > 0 else { throw .badInterval }
        let samples = try prices(input)
        var series: [String: [Candle]] = [:]
        var carried: [String: [UInt64]] = [:]
        for symbol in input.symbols {
            let (candles, gaps) = bucket(samples[symbol] ?? [], from: input.startTime, to: max(input.endTime, input.startTime),
                                         every: input.every)
            series[symbol] = candles
            carried[symbol] = gaps
        }
        return Result(candles: CandleSet(series: series, interval: input.every), carriedForward: carried)
    }

    /// The prices of every symbol at the start and after every block with a Sync.
    public static func prices(_ input: Input) throws(ChainCandleError) -> [String: [Sample]] {
        var reserves = input.startReserves
        let known = Set(input.pools.map(\.address))
        var samples: [String: [Sample]] = [:]
        func record(at time: UInt64, required: Bool) throws(ChainCandleError) {
            var pools: [any Pool] = []
            for entry in input.pools {
                guard let r = reserves[entry.address], r.count == 2, r[0] > .zero, r[1] > .zero,
                      let pool = try? ConstantProductPool(address: entry.address, tokens: entry.tokens, reserves: r, feeBps: entry.feeBps)
                else { continue }
                pools.append(pool)
            }
            let market = MarketView(tokens: input.tokens, balances: [:], pools: pools, blockTimestamp: time, gasPriceWei: .zero,
                                    wrappedNative: nil)
            for symbol in input.symbols {
                // After the start a token can lose its path only if a pool was drained; it keeps its last price.
                guard let table = try? Valuation.prices(of: [symbol], quote: input.quote, market: market),
                      let price = table.price(symbol) else {
                    if required { throw .noPrice(token: symbol, quote: input.quote) }
                    continue
                }
                samples[symbol, default: []].append(Sample(time: time, price: price))
            }
        }
        try record(at: input.startTime, required: true)
        let ordered = input.syncs.sorted { ($0.block, $0.logIndex) < ($1.block, $1.logIndex) }
        // Priced once per block, after its last Sync: states inside a block (a sandwich's middle)
        // were never a price anyone could trade at from outside it, and this keeps long ranges cheap.
        var k = 0
        while k < ordered.count {
            let block = ordered[k].block
            guard let time = input.blockTimes[block] else { throw .missingBlockTime(block: block) }
            while k < ordered.count, ordered[k].block == block {
                let sync = ordered[k]
                guard known.contains(sync.pool) else { throw .unknownPool(sync.pool.checksummed) }
                reserves[sync.pool] = sync.reserves
                k += 1
            }
            try record(at: max(time, input.startTime), required: false)
        }
        return samples
    }

    /// OHLC per bucket `[t, t + every)` from the bucket holding `from` to the one holding `to`. A
    /// bucket opens at the previous close (a pool's price is a state, so it holds until the next
    /// log); a bucket without samples is the previous close carried forward, and is listed.
    public static func bucket(_ samples: [Sample], from: UInt64, to: UInt64, every: UInt64) -> (candles: [Candle], carried: [UInt64]) {
        guard let first = samples.first else { return ([], []) }
        let start = from / every * every, end = to / every * every
        var candles: [Candle] = [], carried: [UInt64] = []
        var k = 0
        var close = first.price
        var t = start
        while t <= end {
            let open = close
            var high = close, low = close
            var any = false
            while k < samples.count, samples[k].time < t + every {
                let p = samples[k].price
                high = max(high, p)
                low = min(low, p)
                close = p
                any = true
                k += 1
            }
            if !any { carried.append(t) }
            candles.append(Candle(time: t, open: open, high: high, low: low, close: close))
            t += every
        }
        return (candles, carried)
    }
}
