import Foundation
import Testing

/// Where the repository is and its Python venv (made by scripts/setup).
enum RepoPaths {
    /// Tests/ExecutionTests/<this file> → the repository root.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `.venv/bin/python`, or a failed expectation telling how to make it.
    static func python() throws -> String {
        let path = root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("\(path) is missing: run scripts/setup (it creates .venv from devnet/requirements.txt, which has aiosmtpd)")
            throw FixtureError.missing(path)
        }
        return path
    }
}

enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    case didNotStart(String)
    var description: String {
        switch self {
        case .missing(let p): return "\(p) is missing: run scripts/setup"
        case .didNotStart(let s): return "fixture did not start: \(s)"
        }
    }
}

/// A Python fixture server from Tests/OperationsTests/Fixtures, run as a subprocess. It prints
/// "READY <port>" when listening, records what it receives as JSON files in `outputDirectory`,
/// and exits when its stdin closes (`stop()` or this test process ending).
final class PythonFixture {
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    let outputDirectory: URL
    let port: Int

    init(script: String, arguments: [String] = []) throws {
        let python = try RepoPaths.python()
        outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("alert-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [RepoPaths.fixtures.appendingPathComponent(script).path, outputDirectory.path] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // The first line is "READY <port>"; EOF first means the script died (its stderr is inherited).
        var line: [UInt8] = []
        let handle = stdout.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let b = byte.first else { break }
            if b == 10 { break }
            line.append(b)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw FixtureError.didNotStart("\(script) printed '\(text)'")
        }
        self.port = port
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The recorded JSON files with `prefix`, in order, waiting up to `timeout` for `count` of them.
    func records(prefix: String, count: Int, timeout: TimeInterval = 10) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path)) ?? [])
                .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
            if names.count >= count || Date() > deadline {
                return names.compactMap { name in
                    guard let data = FileManager.default.contents(atPath: outputDirectory.appendingPathComponent(name).path) else { return nil }
                    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// A TCP port on 127.0.0.1 with nothing listening: bound, then released.
func closedLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
