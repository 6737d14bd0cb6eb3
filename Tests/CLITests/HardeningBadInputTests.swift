import Foundation
import TestSupport
import Testing

/// Issue 10: bad input that was accepted, answered vaguely, or echoed a key. Every case must give
/// one line on stderr naming the option, file or field, a non-zero exit, and never the key.
@Suite struct HardeningBadInputTests {
    /// Devnet account 0's key (public by design, README): stands in for a key pasted by mistake.
    static let key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    static let operatorAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

    static func portfolio(network: String = "devnet", targets: String? = nil, extra: String = "") -> String {
        let t = targets ?? #"{"token":"WETH","percent":50},{"token":"USDC","percent":50}"#
        return #"{"network":"\#(network)","mode":"eoa","operator":"\#(operatorAddress)","quoteToken":"USDC","targets":[\#(t)]\#(extra)}"#
    }

    static let snapshotHeader = #"{"chainId":31337,"block":{"number":5,"timestamp":1764000000,"baseFeePerGas":"1000000000"},"tokens":[{"symbol":"WETH","address":"0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2","decimals":18},{"symbol":"USDC","address":"0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48","decimals":6}],"balances":{"WETH":"1000000000000000000","USDC":"1000000"},"pools":"#
    static let onePool = snapshotHeader + #"[{"kind":"constant-product","address":"0x0000000000000000000000000000000000000101","tokens":["WETH","USDC"],"reserves":["1000000000000000000000","3000000000000"],"feeBps":30}]}"#

    /// A scratch directory with the given files; removed by the caller.
    static func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func expectOneLine(_ r: CLIRunner.Result, _ args: [String], contains parts: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, "\(args) exited 0", sourceLocation: sourceLocation)
        #expect(!r.killedBySignal, "\(args) crashed", sourceLocation: sourceLocation)
        #expect(r.errorLine.hasPrefix("Error: "), "\(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.errorLine.contains("\n"), "\(args): not one line: \(r.stderr)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(r.errorLine.contains(part), "\(args): \(r.errorLine) lacks \(part)", sourceLocation: sourceLocation)
        }
        #expect(!r.stderr.contains("Usage:") && !r.stderr.contains("NSCocoaErrorDomain"), "\(args): \(r.stderr)",
                sourceLocation: sourceLocation)
    }

    // Item 3: a key in argv is never echoed.
    @Test func aKeyOnTheCommandLineIsNeverEchoed() throws {
        let dir = try Self.scratch(["p.json": Self.portfolio()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.json").path
        let bare = String(Self.key.dropFirst(2))
        let cases: [[String]] = [
            ["run", "--portfolio", p, Self.key],
            ["run", "--portfolio", p, bare.uppercased()],
            ["run", "--portfolio", p, "--key-file", Self.key],
            ["run", "--portfolio", p, "--keystore", Self.key],
            ["run", "--portfolio", p, "--keystore", "k.json", "--password-file", Self.key],
            ["daemon", "--portfolio", p, "--every", "1h", "--key-file", bare],
            ["vault", "deposit", "--vault", Self.key, "--token", "WETH", "--amount", "1", "--key-file", Self.key],
            ["util", "wallet", "address", Self.key],
            ["snapshot", "--portfolio", Self.key],
        ]
        for args in cases {
            let r = try CLIRunner.run(args, environment: ["DEVNET_RPC_URL": "http://127.0.0.1:1"])
            #expect(r.status != 0, "\(args)")
            let output = (r.stdout + r.stderr).lowercased()
            #expect(!output.contains(bare), "\(args) echoed the key: \(r.stderr)")
            #expect(!r.errorLine.contains("\n"), "\(args): \(r.stderr)")
        }
    }

    // Item 6: negative and malformed numbers name the option in one line, no help text.
    @Test func negativeAndMalformedNumbersNameTheOption() throws {
        let dir = try Self.scratch(["p.json": Self.portfolio(), "s.json": Self.onePool])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.json").path, s = dir.appendingPathComponent("s.json").path
        let cases: [([String], [String])] = [
            (["route", "--state", s, "--sell", "WETH", "--buy", "USDC", "--amount", "-5"], ["--amount", "not negative"]),
            (["route", "--state", s, "--sell", "WETH", "--buy", "USDC", "--amount", "1e999"], ["--amount"]),
            (["snapshot", "--portfolio", p, "--block", "-1"], ["--block", "not negative"]),
            (["vault", "deposit", "--vault", Self.operatorAddress, "--token", "WETH", "--amount", "-5"], ["--amount", "not negative"]),
            (["vault", "deposit", "--vault", Self.operatorAddress, "--token", "WETH", "--amount", "1e999"], ["--amount", "whole tokens"]),
            (["run", "--portfolio", p, "--poll-interval", "-1"], ["--poll-interval", "more than 0"]),
            (["run", "--portfolio", p, "--timeout", "nan"], ["--timeout"]),
            (["run", "--portfolio", p, "--timeout", "inf"], ["--timeout"]),
            (["daemon", "--portfolio", p, "--every", "1h", "--ticks", "-1"], ["--ticks", "at least 1"]),
            (["daemon", "--portfolio", p, "--every", "99999999999d"], ["--every"]),
            (["history", "--limit", "-1"], ["--limit", "at least 1"]),
            (["run", "--portfolio", p, "--rehearsal-max-age-days", "-1"], ["--rehearsal-max-age-days", "more than 0"]),
            (["route", "--state", s, "--sell", "WETH", "--buy", "USDC", "--amount", "1", "--max-hops", "-2"], ["--max-hops", "at least 1"]),
            (["util", "mktx", "--chain", "1", "--nonce", "-1", "--gas-limit", "21000", "--gas-price", "1gwei", "--priority-gas-price", "1gwei",
              Self.operatorAddress], ["nonce"]),
            (["run", "--portfolio", p, "--key-file", "a", "--keystore", "b"], ["--key-file", "--keystore"]),
        ]
        for (args, parts) in cases {
            let r = try CLIRunner.run(args, environment: ["DEVNET_RPC_URL": "http://127.0.0.1:1"])
            Self.expectOneLine(r, args, contains: parts)
        }
    }

    // Items 5 and 6: config that was accepted or blamed the wrong thing.
    @Test func badFilesNameTheFileAndField() throws {
        let network = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("networks/devnet.json"), encoding: .utf8)
        let typoToken = network.replacingOccurrences(of: #""decimals": 18"#, with: #""decimals": 18, "decimal": 6"#)
        let typoRoot = network.replacingOccurrences(of: #""mainnet": false"#, with: #""mainnet": false, "maxFeePerGass": 1"#)
        #expect(typoToken != network && typoRoot != network, "networks/devnet.json changed its layout")
        let dir = try Self.scratch([
            "typo-target.json": Self.portfolio(targets: #"{"token":"WETH","percent":50,"weight":3},{"token":"USDC","percent":50}"#),
            "null-policy.json": Self.portfolio(extra: #","policy":null"#),
            "null-field.json": Self.portfolio(extra: #","policy":{"maxSlippageBps":null}"#),
            "huge.json": Self.portfolio(extra: #","policy":{"maxSlippageBps":1e999}"#),
            "p.json": Self.portfolio(),
            "s.json": Self.onePool, "empty-pools.json": Self.snapshotHeader + "[]}",
            "networks/typotoken.json": typoToken, "networks/typoroot.json": typoRoot,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let s = path("s.json")
        let cases: [([String], [String])] = [
            (["plan", "--portfolio", path("typo-target.json"), "--state", s], ["typo-target.json", "targets[0].weight", "unknown field"]),
            (["plan", "--portfolio", path("null-policy.json"), "--state", s], ["null-policy.json", "policy", "null"]),
            (["plan", "--portfolio", path("null-field.json"), "--state", s], ["null-field.json", "policy.maxSlippageBps", "null"]),
            (["plan", "--portfolio", path("huge.json"), "--state", s], ["huge.json", "policy.maxSlippageBps", "1e999"]),
            (["plan", "--portfolio", path("p.json"), "--state", s, "--network", "typotoken"], ["typotoken.json", "tokens[", ".decimal", "unknown field"]),
            (["plan", "--portfolio", path("p.json"), "--state", s, "--network", "typoroot"], ["typoroot.json", "maxFeePerGass", "unknown field"]),
            (["plan", "--portfolio", dir.path, "--state", s], ["is a directory"]),
            (["plan", "--portfolio", "/dev/null", "--state", s], ["/dev/null", "not a regular file"]),
            (["plan", "--portfolio", path("p.json"), "--state", path("empty-pools.json")], ["empty-pools.json", "no pool path prices WETH"]),
            (["status", "--portfolio", path("p.json"), "--state", path("empty-pools.json")], ["empty-pools.json", "no pool path prices WETH"]),
            (["route", "--state", s, "--sell", "WETH", "--buy", "USDC", "--amount", "1000"], ["--amount", "1000 raw units of WETH"]),
        ]
        for (args, parts) in cases {
            let r = try CLIRunner.run(args, directory: dir)
            Self.expectOneLine(r, args, contains: parts)
        }
        // The help promises bare hex.
        let bare = try CLIRunner.run(["util", "to-rlp", "0x01"])
        #expect(bare.status == 0 && bare.out == "0x01", "\(bare.stderr)")
        Self.expectOneLine(try CLIRunner.run(["util", "to-rlp", "[0x01"]), ["util", "to-rlp"], contains: ["value", "not valid JSON"])
    }

    // Item 8: a network is a name; nothing is created outside the data dir.
    @Test func networkNamesAreNotPaths() throws {
        let dir = try Self.scratch(["p.json": Self.portfolio(network: "../escaped"), "key": String(Self.key.dropFirst(2))])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("key").path)
        let data = dir.appendingPathComponent("data").path
        let p = dir.appendingPathComponent("p.json").path, key = dir.appendingPathComponent("key").path
        let cases: [[String]] = [
            ["run", "--portfolio", p, "--key-file", key, "--data-dir", data],
            ["run", "--portfolio", p, "--key-file", key, "--data-dir", data, "--network", "../X"],
            ["daemon", "--portfolio", p, "--key-file", key, "--data-dir", data, "--every", "1h", "--ticks", "1"],
            ["history", "--data-dir", data, "--network", "../X"],
            ["vault", "info", "--vault", Self.operatorAddress, "--data-dir", data, "--network", "../../X"],
        ]
        for args in cases {
            let r = try CLIRunner.run(args, environment: ["DEVNET_RPC_URL": "http://127.0.0.1:1"])
            Self.expectOneLine(r, args, contains: ["network", "not a path"])
        }
        let created = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(created == ["data", "key", "p.json"] || created == ["key", "p.json"], "\(created)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escaped").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("X").path))
    }
}
