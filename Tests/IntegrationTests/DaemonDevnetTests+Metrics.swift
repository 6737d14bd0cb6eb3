import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `daemon --metrics-listen`: a scrape while the daemon runs returns its ticks, drift, value and
/// alert state in the Prometheus text format.
extension DaemonDevnetTests {
    /// `GET path` on 127.0.0.1:port; nil while nothing listens.
    static func get(port: UInt16, path: String) -> (status: String, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        return (String(text[..<split.lowerBound]).components(separatedBy: "\r\n").first ?? "", String(text[split.upperBound...]))
    }

    @Test func aScrapeWhileTheDaemonRunsShowsItsTicksDriftAndAlertState() throws {
        let portfolio = try insideBandsPortfolio()
        let port = try LocalHTTPServer.closedPort()
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "1s", "--ticks", "4",
                             "--metrics-listen", "127.0.0.1:\(port)", "--log-format", "json"]
        process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }

        let labels = "network=\"devnet\",portfolio=\"\(portfolio)\""
        var scraped: (status: String, body: String)?
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if let reply = Self.get(port: port, path: "/metrics"), reply.body.contains("outcome=\"skipped\"") {
                scraped = reply
                break
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let reply = try #require(scraped, "no scrape with a skipped tick while the daemon ran")
        #expect(reply.status.hasSuffix("200 OK"), "\(reply.status)")
        #expect(reply.body.contains("# TYPE rebalancer_ticks_total counter\n"))
        #expect(reply.body.contains("rebalancer_ticks_total{\(labels),outcome=\"skipped\"}"), "\(reply.body)")
        #expect(reply.body.contains("rebalancer_portfolio_value{\(labels),quote=\"USDC\"}"), "\(reply.body)")
        #expect(reply.body.contains("rebalancer_drift_points{\(labels),token=\"USDC\"}"), "\(reply.body)")
        #expect(reply.body.contains("rebalancer_alerting{\(labels)} 0\n"), "\(reply.body)")
        #expect(Self.get(port: port, path: "/")?.status.hasSuffix("404 Not Found") == true)
        // Every sample line is `name{labels} value`.
        for line in reply.body.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.range(of: #"^[a-z_]+\{[^}]*\} [-+0-9.eE]+$"#, options: .regularExpression) != nil, "\(line)")
        }
    }

    @Test func aMetricsAddressThatIsNoAddressIsOneLine() throws {
        let portfolio = try insideBandsPortfolio()
        let result = try CLIRunner.run(["daemon", "--portfolio", portfolio, "--key-file", keyFile, "--every", "1s", "--ticks", "1",
                                        "--metrics-listen", "localhost"], environment: env)
        #expect(result.status == 1)
        #expect(result.errorLine.contains("--metrics-listen: write HOST:PORT") && !result.errorLine.contains("\n"), "\(result.stderr)")
    }
}
