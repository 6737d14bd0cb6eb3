import Foundation

/// Runs the built `rebalancer` executable the way a user does, capturing stdout, stderr and the exit code.
public struct CLIRunner {
    public struct Result {
        public var stdout: String
        public var stderr: String
        public var status: Int32
        /// True when the process died by a signal (`status` is then the signal number).
        public var killedBySignal: Bool = false
        /// The one line a user sees on failure.
        public var errorLine: String { stderr.trimmingCharacters(in: .whitespacesAndNewlines) }
        public var out: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// `.build/<config>/rebalancer`, next to the test bundle SwiftPM built.
    public static let executable: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("rebalancer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/rebalancer")
    }()

    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["ETH_PRIVATE_KEY", "ETH_PASSWORD", "ETH_RPC_URL", "ETH_KEYSTORE", "REBALANCER_TEST_CRASH"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal)
    }
}
