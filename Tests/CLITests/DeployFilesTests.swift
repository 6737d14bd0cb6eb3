import Foundation
import TestSupport
import Testing

/// The service files in deploy/: systemd units that `systemd-analyze verify` accepts without a
/// single warning (with ExecStart pointed at the built binary), the hardening the operations
/// section promises, the key only as a credential, and a Kubernetes CronJob that never overlaps.
struct DeployFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let units = ["rebalancer-run.service", "rebalancer-run.timer", "rebalancer-daemon.service"]

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// `Key=value` lines of a unit (continuations joined), comments dropped.
    func settings(_ unit: String) -> [(key: String, value: String)] {
        unit.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n").compactMap { line in
            let l = line.trimmingCharacters(in: .whitespaces)
            guard !l.hasPrefix("#"), !l.hasPrefix("["), let eq = l.firstIndex(of: "=") else { return nil }
            return (String(l[..<eq]), String(l[l.index(after: eq)...]))
        }
    }

    static let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Where systemd-analyze is installed; elsewhere the structural test below still runs.
    @Test(.enabled(if: analyze != nil)) func systemdAcceptsTheUnitsWithoutAWarning() throws {
        let analyze = try #require(Self.analyze)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for unit in Self.units {
            let body = try text("deploy/systemd/\(unit)").replacingOccurrences(of: "/usr/local/bin/rebalancer", with: CLIRunner.executable.path)
            try body.write(to: dir.appendingPathComponent(unit), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no"] + Self.units.map { dir.appendingPathComponent($0).path }
        process.currentDirectoryURL = dir
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // verify exits 0 on unknown keys and unparsable values (it only warns): any output is a failure.
        #expect(process.terminationStatus == 0 && said.isEmpty, "systemd-analyze verify: \(said)")
    }

    @Test func theServicesAreHardenedAndTakeTheKeyAsACredential() throws {
        for unit in Self.units where unit.hasSuffix(".service") {
            let body = try text("deploy/systemd/\(unit)")
            let keys = settings(body)
            func value(_ key: String) -> String? { keys.first { $0.key == key }?.value }
            #expect(value("DynamicUser") == "yes" || value("User") != nil, "\(unit)")
            #expect(value("ProtectSystem") == "strict", "\(unit)")
            #expect(value("StateDirectory") == "rebalancer", "\(unit)")
            #expect(value("NoNewPrivileges") == "yes", "\(unit)")
            #expect(value("CapabilityBoundingSet") == "", "\(unit)")
            let credential = try #require(value("LoadCredential"), "\(unit)")
            let exec = try #require(value("ExecStart"), "\(unit)")
            #expect(exec.contains("--key-file ${CREDENTIALS_DIRECTORY}/\(credential.split(separator: ":")[0])"), "\(unit): \(exec)")
            #expect(exec.contains("--data-dir ${STATE_DIRECTORY}"), "\(unit): \(exec)")
            for secret in ["ETH_PRIVATE_KEY", "ETH_PASSWORD", "Environment=ETH", "--private-key"] {
                #expect(!body.contains(secret), "\(unit) names \(secret)")
            }
        }
        let timer = settings(try text("deploy/systemd/rebalancer-run.timer"))
        #expect(timer.contains { $0.key == "Unit" && $0.value == "rebalancer-run.service" })
    }

    /// No YAML parser on these machines: the CronJob's promises are checked line by line.
    @Test func theCronJobNeverOverlapsAndKeepsOneJournalPerPortfolio() throws {
        let yaml = try text("deploy/kubernetes/cronjob.yaml")
        #expect(!yaml.contains("\t"), "YAML indents with spaces only")
        let lines = yaml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("kind: CronJob") && lines.contains("concurrencyPolicy: Forbid"))
        #expect(lines.contains("- --data-dir=/data") && lines.contains("- --key-file=/secrets/operator-key"))
        #expect(lines.contains("defaultMode: 0400"), "the key Secret is mounted 0400 (run refuses a group-readable key)")
        #expect(!lines.contains { $0.hasPrefix("fsGroup:") })
        let claim = try #require(lines.first { $0.hasPrefix("persistentVolumeClaim:") })
        #expect(claim.contains("rebalancer-treasury-a-journal") && yaml.contains("name: rebalancer-treasury-a-journal"))
        #expect(!yaml.contains("ETH_PRIVATE_KEY"))
    }
}
