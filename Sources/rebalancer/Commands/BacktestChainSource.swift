import Backtest
import EthCore
import EthRPC
import Foundation
import Market

/// `backtest --from-block A --to-block B`: reads what ChainCandles computes from (the pairs' reserves
/// at A, every Uniswap V2 `Sync` log of the configured pairs in A+1...B, the blocks' timestamps).
/// Logs come in `chunk`-block eth_getLogs requests, each retried by the client's RetryPolicy; a node
/// that refuses a range as too large gets half of it, down to one block.
struct BacktestChainSource {
    let client: EthClient
    let network: NetworkConfig
    let fromBlock: UInt64
    let toBlock: UInt64
    let chunk: UInt64
    /// Block timestamps per JSON-RPC batch.
    static let timestampsPerBatch = 100

    /// Checks the range against the node's head before anything else is read.
    func checkRange(head: UInt64) throws {
        guard fromBlock <= toBlock else { throw CLIError("--from-block: \(fromBlock) is after --to-block \(toBlock)") }
        guard toBlock <= head else { throw CLIError("--to-block: \(toBlock) is beyond the node's head \(head)") }
    }

    var pools: [NetworkConfig.PoolEntry] { (network.pools ?? []).filter { $0.kind == .constantProduct } }

    func input(quote: String, symbols: [String], every: UInt64) throws -> ChainCandles.Input {
        let pools = self.pools
        guard !pools.isEmpty else {
            throw CLIError("--from-block: \(ConfigLoading.networkLabel(network.name)) lists no constant-product pools to read Sync logs from")
        }
        let getReserves: [UInt8] = [0x09, 0x02, 0xf1, 0xac]
        let (header, calls) = try rpc {
            try client.batch(at: .number(fromBlock)) { b in (b.header(), pools.map { b.call(to: $0.address, data: getReserves) }) }
        }
        var start: [Address: [UInt256]] = [:]
        for (pool, call) in zip(pools, calls) {
            // A pair created after the start block has no code there yet: it joins with its first Sync.
            guard let output = try? call.get(), !output.isEmpty else { continue }
            start[pool.address] = try reporting("--from-block") {
                try ReserveSync.decodeReserves(pool: pool.address, block: fromBlock, output: output)
            }
        }
        let syncs = try logs(pools.map(\.address))
        let times = try timestamps(Set(syncs.map(\.block)).union([toBlock]).sorted())
        let entries = pools.map { ChainCandles.PoolEntry(address: $0.address, tokens: $0.tokens, feeBps: $0.feeBps ?? network.dex(named: $0.dex)?.feeBps ?? 30) }
        return ChainCandles.Input(pools: entries, tokens: network.tokenList, quote: quote, symbols: symbols, startReserves: start,
                                  startTime: try rpc { try header.get() }.timestamp, syncs: syncs, blockTimes: times,
                                  endTime: times[toBlock] ?? 0, every: every)
    }

    func logs(_ addresses: [Address]) throws -> [ReserveSync] {
        var out: [ReserveSync] = []
        var size = max(1, chunk)
        var from = fromBlock + 1
        while from <= toBlock {
            let to = min(toBlock, from + size - 1)
            let filter = LogFilter(fromBlock: .number(from), toBlock: .number(to), addresses: addresses, topics: [[ReserveSync.topic]])
            let logs: [Log]
            do { logs = try client.getLogs(filter) } catch {
                if size > 1, Self.refusesRange(error) {
                    size = max(1, size / 2)
                    continue
                }
                throw CLIError("--from-block: eth_getLogs for blocks \(from)-\(to): \(error)")
            }
            for log in logs where !log.removed {
                out.append(try reporting("--from-block") {
                    try ReserveSync.decode(pool: log.address, topics: log.topics, data: log.data, block: log.blockNumber, logIndex: log.logIndex)
                })
            }
            from = to + 1
        }
        return out
    }

    /// Providers word it differently: "block range is too wide", "query returned more than 10000
    /// results", "exceed maximum block range", "Log response size exceeded" (-32005 on several).
    static func refusesRange(_ error: RPCError) -> Bool {
        switch error {
        case .responseTooLarge: return true
        case .rpc(let code, let message):
            let m = message.lowercased()
            return code == -32005 || ["range", "too many", "more than", "exceed", "too large", "limit"].contains { m.contains($0) }
        default: return false
        }
    }

    func timestamps(_ blocks: [UInt64]) throws -> [UInt64: UInt64] {
        var times: [UInt64: UInt64] = [:]
        var index = 0
        while index < blocks.count {
            let slice = Array(blocks[index..<min(blocks.count, index + Self.timestampsPerBatch)])
            let headers = try rpc { try client.batch(at: .latest) { b in slice.map { b.add(Eth.getBlock(.number($0))) } } }
            for pending in headers {
                let header = try rpc { try pending.get() }
                times[header.number] = header.timestamp
            }
            index += slice.count
        }
        return times
    }

    private func rpc<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw CLIError("--from-block: reading blocks \(fromBlock)-\(toBlock): \(error)") }
    }
}
