import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A node that accepts connections and never answers: a read command fails at its deadline
/// (--rpc-timeout, 30 s by default), not after attempts × per-attempt timeout (121 s before).
@Suite struct NodeDeadlineTests {
    /// A listening socket nobody reads from: connections complete in the backlog and hang.
    final class SilentNode {
        let fd: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
            #expect(bound == 0 && listen(fd, 64) == 0)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) } }
            port = UInt16(bigEndian: address.sin_port)
        }

        deinit { close(fd) }
    }

    @Test func aSilentNodeCostsTheCommandDeadline() throws {
        let node = try SilentNode()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deadline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let portfolio = dir.appendingPathComponent("p.json")
        try HardeningBadInputTests.portfolio().write(to: portfolio, atomically: true, encoding: .utf8)
        for verb in ["status", "snapshot", "plan", "dry-run"] {
            let start = Date()
            let r = try CLIRunner.run([verb, "--portfolio", portfolio.path, "--rpc-url", "http://127.0.0.1:\(node.port)", "--rpc-timeout", "3"])
            let elapsed = Date().timeIntervalSince(start)
            print("\(verb) against a silent node with --rpc-timeout 3: failed after \(String(format: "%.2f", elapsed)) s")
            #expect(r.status == 1, "\(verb): \(r.stderr)")
            #expect(r.errorLine.contains("RPC timeout") && !r.errorLine.contains("\n"), "\(verb): \(r.stderr)")
            #expect(elapsed < 5, "\(verb) took \(elapsed) s")
        }
    }
}
