import EthCore
import Foundation

// Benchmarks for the hot paths, each against a reference measured in the same run where one exists.
// Run: swift run -c release rebalancer-bench [--quick] [--check]
//   --check: exit 1 when a target (the README's) is missed.
// Any failure while measuring (a route or plan that did not come out) exits 2 whatever the flags.
//   --profile-plan: only the 10-token plan on 200 pools, 20 times, untimed (for valgrind --tool=callgrind).
let arguments = Set(CommandLine.arguments.dropFirst())
for unknown in arguments.subtracting(["--quick", "--check", "--profile-plan"]) {
    FileHandle.standardError.write(Data("rebalancer-bench: unknown argument \(unknown) (use --quick, --check, --profile-plan)\n".utf8))
    exit(64)
}
if arguments.contains("--profile-plan") {
    try RoutingBench.profilePlan(times: 20)
    print("checksum 0x\(String(checksum, radix: 16)), failures \(failures.count)")
    exit(failures.isEmpty ? 0 : 2)
}
let quick = arguments.contains("--quick")
let seconds = quick ? 0.3 : 1.0

print("# rebalancer-bench (release build, user CPU time\(quick ? ", --quick" : ""), \(ProcessInfo.processInfo.activeProcessorCount) cores)")

var targets: [Target] = []

do {
    var rows: [Row] = []
    for size in [32, 1024] {
        let input = [UInt8](repeating: 0xab, count: size)
        let ops = opsPerSecond(minSeconds: seconds) { fold(Keccak256.hash(input)) }
        let mbs = ops * Double(size) / 1e6
        if let ref = opensslSHA3(bytes: size, seconds: quick ? 1 : 3) {
            let ratio = mbs / (ref / 1e6)
            rows.append(Row(name: "Keccak-256 \(size) B (MB/s)", value: fmt(mbs), reference: "openssl sha3-256 " + fmt(ref / 1e6),
                            ratio: percent(ratio)))
            if size == 1024 { targets.append(Target(name: "Keccak-256 1 KiB vs openssl sha3-256", measured: fmt(ratio * 100) + " %", goal: "≥ 70 %", met: ratio >= 0.70)) }
        } else {
            rows.append(Row(name: "Keccak-256 \(size) B (MB/s)", value: fmt(mbs), reference: "openssl missing"))
            if size == 1024 { targets.append(Target(name: "Keccak-256 1 KiB vs openssl sha3-256", measured: "no openssl", goal: "≥ 70 %", met: false)) }
        }
    }
    printTable("Keccak-256", rows)
}

do {
    var rows: [Row] = []
    let item = RLPItem.list([.uint(UInt64(9)), .uint(UInt256(20_000_000_000)), .uint(UInt64(21000)),
                             .bytes([UInt8](repeating: 0x35, count: 20)), .uint(UInt256(decimal: "1000000000000000000") ?? .zero),
                             .bytes([UInt8](repeating: 0x11, count: 200)), .list([])])
    let encoded = RLP.encode(item)
    rows.append(Row(name: "RLP encode tx-like list (ops/s)", value: count(opsPerSecond(minSeconds: seconds) { fold(RLP.encode(item)) })))
    rows.append(Row(name: "RLP decode tx-like list (ops/s)", value: count(opsPerSecond(minSeconds: seconds) {
        if case .list(let items)? = must(try? RLP.decode(encoded), "RLP decode") { fold(items.count) }
    })))
    let a = UInt256(decimal: "123456789012345678901234567890123456789") ?? .one
    let b = UInt256(decimal: "987654321098765432109876543210") ?? .one
    let d = UInt256(decimal: "1000000000000000000000") ?? .one
    rows.append(Row(name: "UInt256 mulDiv 512/256 (ops/s)", value: count(opsPerSecond(minSeconds: seconds) {
        if let q = must(UInt256.mulDiv(a, b, d), "mulDiv") { fold(q) }
    })))
    printTable("RLP and integers", rows)
}

printTable("ABI", ABIBench.rows(seconds: seconds))
printTable("Transaction signing (target ≥ 90 % of raw libsecp256k1)", SigningBench.rows(seconds: seconds, targets: &targets))
printTable("Routing and planning", try RoutingBench.run(seconds: seconds, targets: &targets))
printTable("Backtests (targets: < 1 s, sweep < 5 s)", BacktestBench.run(quick: quick, targets: &targets))
printTable("Uniswap V3 quotes against QuoterV2 on the devnet", ConcentratedLiquidityBench.rows(seconds: seconds, calls: quick ? 5 : 20))
printTable("Pinned block to broadcast (node time out)", CycleBench.run(seconds: seconds, targets: &targets))
let fleetRows = FleetBench.run()
if !fleetRows.isEmpty { printTable("Several portfolios: one state read per tick (devnet, wall time, node included)", fleetRows) }

print("\n## Targets\n")
for t in targets { print("- \(t.met ? "met   " : "MISSED") \(t.name): \(t.measured) (target \(t.goal))") }
print("\nchecksum 0x\(String(checksum, radix: 16)) (every timed result folded in)")
print("failures while measuring: \(failures.count)")
if !failures.isEmpty {
    print("\n\(failures.count) failure(s) while measuring; these numbers are not valid:")
    for f in failures.prefix(20) { print("- \(f)") }
    exit(2)
}
if arguments.contains("--check"), targets.contains(where: { !$0.met }) {
    print("\n--check: \(targets.filter { !$0.met }.count) target(s) missed")
    exit(1)
}
