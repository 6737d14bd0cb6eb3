import EthCore
import EthRPC
import Market

/// Reads one Uniswap V3 pool at a pinned block into the model: slot0 and liquidity, then the
/// initialized ticks of the bitmap words ±`radius` around the price through TickLens (two round
/// trips). Not yet part of the state loader's single multicall.
public enum ConcentratedLiquidityReader {
    static let slot0 = ABIFunction(
        name: "slot0", inputs: [],
        outputs: [.init(type: .uint(160)), .init(type: .int(24)), .init(type: .uint(16)), .init(type: .uint(16)),
                  .init(type: .uint(16)), .init(type: .uint(8)), .init(type: .bool)])
    static let liquidity = ABIFunction(name: "liquidity", inputs: [], outputs: [.init(type: .uint(128))])
    static let populatedTicksInWord = ABIFunction(
        name: "getPopulatedTicksInWord", inputs: [.init(type: .address), .init(type: .int(16))],
        outputs: [.init(type: .array(.tuple([.int(24), .int(128), .uint(128)])))])

    public static func read(_ entry: UniswapV3Deployment.PoolEntry, tickLens: Address, client: EthClient, block: UInt64,
                            radius: Int) throws(StateLoadError) -> ConcentratedLiquidityPool {
        let subject = "Uniswap V3 pool \(entry.tokens.joined(separator: "/")) \(entry.fee) (\(entry.address))"
        func decode(_ fn: ABIFunction, _ pending: Pending<[UInt8]>) throws(StateLoadError) -> [ABIValue] {
            let raw: [UInt8]
            do { raw = try pending.get() } catch { throw .callFailed(subject: subject, function: fn.name, reason: error.description) }
            do { return try fn.decodeOutput(raw) } catch { throw .badReturn(subject: subject, function: fn.name, detail: error.description) }
        }
        func tick(_ v: ABIValue, _ fn: ABIFunction) throws(StateLoadError) -> Int {
            guard case .int(let i) = v, let m = i.magnitude.uint64Value, m <= UInt64(TickMath.maxTick) else {
                throw .badReturn(subject: subject, function: fn.name, detail: "not a tick: \(v)")
            }
            return i.isNegative ? -Int(m) : Int(m)
        }

        let (s, l): (Pending<[UInt8]>, Pending<[UInt8]>)
        do {
            (s, l) = try client.batch(at: .number(block)) { b in
                (b.call(to: entry.address, data: slot0.selector), b.call(to: entry.address, data: liquidity.selector))
            }
        } catch { throw .rpc(error) }
        let slot = try decode(slot0, s)
        guard case .uint(let price) = slot[0], case .uint(let active) = try decode(liquidity, l)[0] else {
            throw .badReturn(subject: subject, function: "slot0", detail: "no price")
        }
        let current = try tick(slot[1], slot0)
        let window = ConcentratedLiquidityPool.Window.words(around: current, spacing: entry.tickSpacing, radius: radius)
        let firstWord = (window.lowerTick / entry.tickSpacing) >> 8
        var calls: [[UInt8]] = []
        for word in firstWord...(firstWord + 2 * radius) {
            do { calls.append(try populatedTicksInWord.encodeCall([.address(entry.address), .int(Int256(word))])) } catch {
                throw .badReturn(subject: subject, function: "getPopulatedTicksInWord", detail: "word \(word): \(error)")
            }
        }
        let words: [Pending<[UInt8]>]
        do { words = try client.batch(at: .number(block)) { b in calls.map { b.call(to: tickLens, data: $0) } } } catch { throw .rpc(error) }
        var ticks: [ConcentratedLiquidityPool.Tick] = []
        for word in words {
            guard case .array(let entries) = try decode(populatedTicksInWord, word)[0] else { continue }
            for e in entries {
                guard case .tuple(let fields) = e, fields.count == 3, case .int(let net) = fields[1] else {
                    throw .badReturn(subject: subject, function: "getPopulatedTicksInWord", detail: "not a populated tick: \(e)")
                }
                ticks.append(.init(index: try tick(fields[0], populatedTicksInWord), liquidityNet: net))
            }
        }
        return ConcentratedLiquidityPool(
            address: entry.address, tokens: entry.tokens, fee: entry.fee, tickSpacing: entry.tickSpacing, sqrtPriceX96: price,
            tick: current, liquidity: active, ticks: ticks.sorted { $0.index < $1.index }, window: window, dex: "uniswap-v3")
    }
}
