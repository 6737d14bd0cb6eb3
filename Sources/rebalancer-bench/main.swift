import EthCore
import Foundation

// Benchmarks for the hot paths, each against a reference measured in the same run.
// Run: swift run -c release rebalancer-bench [--quick]
let quick = CommandLine.arguments.contains("--quick")
let seconds = quick ? 0.3 : 1.0

print("# rebalancer-bench (release build, CPU time, \(ProcessInfo.processInfo.activeProcessorCount) cores)")

do {
    var rows: [Row] = []
    for size in [32, 1024] {
        let input = [UInt8](repeating: 0xab, count: size)
        let ops = opsPerSecond(minSeconds: seconds) { blackHole(Keccak256.hash(input)) }
        let mbs = ops * Double(size) / 1e6
        if let ref = opensslSHA3(bytes: size) {
            rows.append(Row(name: "Keccak-256 \(size) B (MB/s)", value: fmt(mbs), reference: "openssl sha3-256 " + fmt(ref / 1e6),
                            ratio: fmt(mbs / (ref / 1e6) * 100, 0) + " %"))
        } else {
            rows.append(Row(name: "Keccak-256 \(size) B (MB/s)", value: fmt(mbs), reference: "openssl missing"))
        }
    }
    printTable("Keccak-256", rows)
}

do {
    var rows: [Row] = []
    let item = RLPItem.list([.uint(UInt64(9)), .uint(UInt256(20_000_000_000)), .uint(UInt64(21000)),
                             .bytes([UInt8](repeating: 0x35, count: 20)), .uint(UInt256(decimal: "1000000000000000000")!),
                             .bytes([UInt8](repeating: 0x11, count: 200)), .list([])])
    let encoded = RLP.encode(item)
    rows.append(Row(name: "RLP encode tx-like list (ops/s)", value: fmt(opsPerSecond(minSeconds: seconds) { blackHole(RLP.encode(item)) }, 0)))
    rows.append(Row(name: "RLP decode tx-like list (ops/s)", value: fmt(opsPerSecond(minSeconds: seconds) { blackHole(try? RLP.decode(encoded)) }, 0)))
    let a = UInt256(decimal: "123456789012345678901234567890123456789")!
    let b = UInt256(decimal: "987654321098765432109876543210")!
    let d = UInt256(decimal: "1000000000000000000000")!
    rows.append(Row(name: "UInt256 mulDiv 512/256 (ops/s)", value: fmt(opsPerSecond(minSeconds: seconds) { blackHole(UInt256.mulDiv(a, b, d)) }, 0)))
    printTable("RLP and integers", rows)
}

printTable("Routing and planning", RoutingBench.run(seconds: seconds))
