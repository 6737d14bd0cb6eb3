import EthCore
import Foundation

/// User CPU time of this process in seconds: steadier than wall time on a shared 2-core machine,
/// and the clock `openssl speed` divides by (user time unless `-elapsed`), so every ratio against
/// it compares like with like. The in-process references are measured on the same clock.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
}

/// Runs `body` in growing batches until `minSeconds` of CPU time have passed; returns operations per second.
func opsPerSecond(minSeconds: Double = 1.0, _ body: () -> Void) -> Double {
    for _ in 0..<3 { body() }   // warm-up
    var batch = 1
    var total = 0
    let start = cpuSeconds()
    while true {
        for _ in 0..<batch { body() }
        total += batch
        let elapsed = cpuSeconds() - start
        if elapsed >= minSeconds { return Double(total) / elapsed }
        if elapsed < minSeconds / 10 { batch *= 2 }
    }
}

/// Seconds per call, the best of `rounds` runs of `repeats` calls each (for latency-style numbers).
func bestSeconds(rounds: Int = 5, repeats: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = cpuSeconds()
        for _ in 0..<repeats { body() }
        best = min(best, (cpuSeconds() - start) / Double(repeats))
    }
    return best
}

/// Every timed result is folded into this checksum, which the bench prints at the end: work whose
/// result reaches the output cannot be deleted by the optimiser.
nonisolated(unsafe) var checksum: UInt64 = 0xcbf2_9ce4_8422_2325

@inline(__always) func fold(_ x: UInt64) { checksum = (checksum ^ x) &* 0x100_0000_01b3 }
@inline(__always) func fold(_ bytes: [UInt8]) { fold(UInt64(bytes.count) << 8 | UInt64(bytes.last ?? 0)) }
@inline(__always) func fold(_ x: UInt256) { fold(x.w0 ^ x.w3) }
@inline(__always) func fold(_ x: Int) { fold(UInt64(truncatingIfNeeded: x)) }

/// Failures found while measuring (a route or plan that did not come out, a round trip that
/// failed): the bench prints them and exits non-zero, so a number is never timed on an error path.
nonisolated(unsafe) var failures: [String] = []

/// The value, or a recorded failure (and nil) when the timed operation failed.
func must<T>(_ value: T?, _ what: @autoclosure () -> String) -> T? {
    if value == nil { failures.append(what()) }
    return value
}

/// `openssl speed -evp sha3-256` throughput in bytes/s for one block size (its user CPU time, counted
/// in clock ticks: run it for a few seconds), or nil if openssl is missing.
func opensslSHA3(bytes: Int, seconds: Int) -> Double? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["openssl", "speed", "-seconds", String(seconds), "-bytes", String(bytes), "-mr", "-evp", "sha3-256"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    // "+F:<n>:sha3-256:<bytes per second>"
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("+F:") {
        if let v = line.split(separator: ":").last.flatMap({ Double($0) }) { return v }
    }
    return nil
}

struct Row {
    var name: String
    var value: String
    var reference: String = ""
    var ratio: String = ""
}

/// A Markdown table: text left-aligned, numbers right-aligned, every column as wide as its widest cell.
func printTable(_ title: String, _ rows: [Row]) {
    print("\n## \(title)\n")
    let header = Row(name: "what", value: "ours", reference: "reference", ratio: "ratio")
    let all = [header] + rows
    let nameWidth: Int = all.map { $0.name.count }.max() ?? 0
    let valueWidth: Int = all.map { $0.value.count }.max() ?? 0
    let referenceWidth: Int = all.map { $0.reference.count }.max() ?? 0
    let ratioWidth: Int = all.map { $0.ratio.count }.max() ?? 0
    let w: [Int] = [nameWidth, valueWidth, referenceWidth, ratioWidth]
    func left(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
    func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    func line(_ r: Row, _ isHeader: Bool) -> String {
        let value = isHeader ? left(r.value, w[1]) : right(r.value, w[1])
        let ratio = isHeader ? left(r.ratio, w[3]) : right(r.ratio, w[3])
        return "| \(left(r.name, w[0])) | \(value) | \(left(r.reference, w[2])) | \(ratio) |"
    }
    print(line(header, true))
    func dashes(_ n: Int) -> String { String(repeating: "-", count: n) }
    let rule: [String] = [":" + dashes(w[0] + 1), dashes(w[1] + 1) + ":", ":" + dashes(w[2] + 1), dashes(w[3] + 1) + ":"]
    print("|" + rule.joined(separator: "|") + "|")
    for r in rows { print(line(r, false)) }
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

/// A rate with thousands separators: 1234567.8 → "1,234,568".
func count(_ x: Double) -> String {
    guard x.isFinite else { return "n/a" }
    let digits = String(Int(x.rounded()))
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}

func percent(_ ratio: Double) -> String { ratio.isFinite ? fmt(ratio * 100, 0) + " %" : "n/a" }

/// One of the README's performance targets and whether this run met it (`--check` fails otherwise).
struct Target {
    var name: String
    var measured: String
    var goal: String
    var met: Bool
}
