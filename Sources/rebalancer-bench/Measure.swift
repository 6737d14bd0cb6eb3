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

func printTable(_ title: String, _ rows: [Row]) {
    print("\n## \(title)")
    let w0 = max(10, rows.map(\.name.count).max() ?? 0)
    let w1 = max(8, rows.map(\.value.count).max() ?? 0)
    let w2 = max(9, rows.map(\.reference.count).max() ?? 0)
    func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
    print("| \(pad("what", w0)) | \(pad("ours", w1)) | \(pad("reference", w2)) | ratio |")
    print("|\(String(repeating: "-", count: w0 + 2))|\(String(repeating: "-", count: w1 + 2))|\(String(repeating: "-", count: w2 + 2))|-------|")
    for r in rows { print("| \(pad(r.name, w0)) | \(pad(r.value, w1)) | \(pad(r.reference, w2)) | \(r.ratio) |") }
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
