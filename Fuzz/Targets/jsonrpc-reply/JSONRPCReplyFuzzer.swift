import EthCore
import EthRPC

// A node's reply body, hostile: the JSON parser, the JSON-RPC envelope (single and batch, ids,
// error objects and their revert data) and the typed eth_ decoders must all end in a typed error,
// never a trap. Input: one byte choosing the request, then the reply body, which answers every
// request of a fresh client (so its first request has id 1, a batch ids 1, 2, ...; the seeds use
// them). One request per input keeps the rate up; the corpus covers them all.

private struct FixedReply: RPCTransport {
    let body: [UInt8]
    func send(_ request: [UInt8]) throws(RPCError) -> [UInt8] { body }
}

private let someAddress = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
private let someHash = [UInt8](repeating: 0xab, count: 32)

@_cdecl("LLVMFuzzerTestOneInput")
public func jsonRPCReplyFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let choice = input.first else { return 0 }
    let body = Array(input.dropFirst())
    func client() -> EthClient {
        EthClient(rpc: JSONRPCClient(transport: FixedReply(body: body), retryPolicy: .none))
    }
    func attempt<T>(_ call: (EthClient) throws(RPCError) -> T) {
        do { _ = try call(client()) } catch { _ = error.description }
    }
    switch choice % 15 {
    case 0:
        // The serializer's output is JSON that parses to the same value.
        if let value = try? JSONValue.parse(body), (try? JSONValue.parse(value.serialized)) != value {
            fatalError("JSONValue: parse(serialize(v)) != v for \(value.serializedString)")
        }
    case 1:
        attempt { c throws(RPCError) in try c.rpc.call("eth_blockNumber") }
    case 2:
        attempt { c throws(RPCError) in try c.rpc.batch([RPCCall("eth_chainId"), RPCCall("eth_blockNumber")]) }
    case 3:
        attempt { c throws(RPCError) in try c.chainId() }
    case 4:
        attempt { c throws(RPCError) in try c.getBalance(someAddress, block: .latest) }
    case 5:
        attempt { c throws(RPCError) in try c.getBlock(.latest) }
    case 6:
        attempt { c throws(RPCError) in try c.feeHistory(blockCount: 4, newest: .latest, percentiles: [10, 50]) }
    case 7:
        attempt { c throws(RPCError) in try c.call(CallRequest(to: someAddress, data: [0x09, 0x02, 0xf1, 0xac]), block: .latest) }
    case 8:
        attempt { c throws(RPCError) in try c.estimateGas(CallRequest(to: someAddress, data: [])) }
    case 9:
        attempt { c throws(RPCError) in try c.sendRawTransaction([0xc0]) }
    case 10:
        attempt { c throws(RPCError) in try c.sendRawTransactions([[0xc0], [0xc1, 0x80]]) }
    case 11:
        attempt { c throws(RPCError) in try c.getTransactionByHash(someHash) }
    case 12:
        attempt { c throws(RPCError) in try c.getTransactionReceipt(someHash) }
    case 13:
        attempt { c throws(RPCError) in try c.getLogs(LogFilter(fromBlock: .number(1), toBlock: .latest)) }
    case 14:
        attempt { c throws(RPCError) in
            try c.aggregate3(
                multicall: someAddress, calls: [Multicall3.Call(target: someAddress, callData: [0x09, 0x02, 0xf1, 0xac])],
                block: .number(7))
        }
    default: break
    }
    return 0
}
