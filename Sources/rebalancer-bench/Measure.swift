import Foundation

/// CPU time of this process in seconds: steadier than wall time on a shared 2-core machine, and
/// what `openssl speed` divides by, so the ratios compare like with like.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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

/// Keeps the optimiser from deleting work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) { _ = value }

/// `openssl speed -evp sha3-256` throughput in bytes/s for one block size, or nil if openssl is missing.
func opensslSHA3(bytes: Int) -> Double? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["openssl", "speed", "-seconds", "1", "-bytes", String(bytes), "-mr", "-evp", "sha3-256"]
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
