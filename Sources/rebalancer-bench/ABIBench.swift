import EthCore

/// ABI encode and decode of two calls the rebalancer makes: a Uniswap V2 router swap and a
/// Balancer V2 vault batchSwap (3 swaps over 4 assets).
enum ABIBench {
    static func rows(seconds: Double) -> [Row] {
        var rows: [Row] = []
        for (name, function, args) in cases() {
            guard let calldata = try? function.encodeCall(args), (try? function.decodeInput(calldata)) == args else {
                failures.append("\(name): ABI round trip failed")
                continue
            }
            let encode = opsPerSecond(minSeconds: seconds) {
                if let data = must(try? function.encodeCall(args), "\(name) encode") { fold(data) }
            }
            // The first argument of both calls is a uint: its value and the count reach the checksum.
            let decode = opsPerSecond(minSeconds: seconds) {
                if let values = must(try? function.decodeInput(calldata), "\(name) decode") {
                    fold(values.count)
                    if case .uint(let v)? = values.first { fold(v) }
                }
            }
            rows.append(Row(name: "\(name) encode, \(calldata.count) B (ops/s)", value: count(encode)))
            rows.append(Row(name: "\(name) decode, \(calldata.count) B (ops/s)", value: count(decode)))
        }
        return rows
    }

    static func address(_ byte: UInt8) -> ABIValue {
        .address(Address(bytes: [UInt8](repeating: byte, count: 20)) ?? .zero)
    }

    static func cases() -> [(String, ABIFunction, [ABIValue])] {
        var out: [(String, ABIFunction, [ABIValue])] = []
        if let swap = try? ABIFunction(signature: "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)") {
            out.append(("swapExactTokensForTokens", swap, [
                .uint(UInt256(decimal: "5000000000000000000") ?? .zero), .uint(UInt256(14_837_783_949)),
                .array([address(0x11), address(0x22), address(0x33)]), address(0x44), .uint(UInt256(1_764_000_600)),
            ]))
        }
        if let batch = try? ABIFunction(signature: "batchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool),int256[],uint256)") {
            let poolId = ABIValue.fixedBytes([UInt8](repeating: 0xab, count: 32))
            let swaps: [ABIValue] = (0..<3).map { i in
                .tuple([poolId, .uint(UInt256(UInt64(i))), .uint(UInt256(UInt64(i + 1))),
                        .uint(i == 0 ? UInt256(decimal: "2500000000000000000") ?? .zero : .zero), .bytes([])])
            }
            out.append(("batchSwap", batch, [
                .uint(UInt256(0)), .array(swaps),
                .array([address(0x11), address(0x22), address(0x33), address(0x55)]),
                .tuple([address(0x44), .bool(false), address(0x44), .bool(false)]),
                .array([.int(Int256(2_500_000_000)), .int(Int256(0)), .int(Int256(0)), .int(-Int256(7_400_000_000))]),
                .uint(UInt256(1_764_000_600)),
            ]))
        }
        return out
    }
}
