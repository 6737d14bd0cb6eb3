import Foundation
import Testing
@testable import Execution
@testable import Operations

@Suite struct AlertEmailTests {
    let message = AlertMessage(
        kind: .alert, subject: "[rebalancer] mainnet: mainnet run blocked by a guard",
        body: "A guard stopped the mainnet run.\nReason: block is 900 s old\n.\nA line that is just a dot, above.",
        time: Date(timeIntervalSince1970: 1_764_000_000))

    @Test func deliversToARealSMTPServer() throws {
        let sink = try PythonFixture(script: "smtp_sink.py")
        defer { sink.stop() }
        let settings = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)", from: "alerts@rebalancer.test",
                                        to: ["ops@rebalancer.test", "oncall@rebalancer.test"])
        try EmailNotifier(settings: settings).send(message)

        let records = sink.records(prefix: "message-", count: 1)
        try #require(records.count == 1)
        #expect(records[0]["mailFrom"] as? String == "alerts@rebalancer.test")
        #expect(records[0]["rcptTos"] as? [String] == ["ops@rebalancer.test", "oncall@rebalancer.test"])
        let content = try #require(records[0]["content"] as? String)
        #expect(content.contains("Subject: [rebalancer] mainnet: mainnet run blocked by a guard"))
        #expect(content.contains("Date: Mon, 24 Nov 2025 16:00:00 +0000"))
        #expect(content.contains("From: Rebalancer <alerts@rebalancer.test>"))
        #expect(content.contains("To: ops@rebalancer.test, oncall@rebalancer.test"))
        #expect(content.contains("Message-ID: <"))
        #expect(content.contains("Reason: block is 900 s old"))
        // libcurl dot-stuffs, the server un-stuffs: the lone dot arrives as a lone dot.
        #expect(content.contains("\r\n.\r\nA line that is just a dot, above."))
    }

    @Test func logsInWithCredentialsAndReportsAWrongPasswordMasked() throws {
        let sink = try PythonFixture(script: "smtp_sink.py", arguments: ["--auth", "alertbot:correct-horse-battery"])
        defer { sink.stop() }
        let good = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)", username: "alertbot", password: "correct-horse-battery",
                                    from: "alerts@rebalancer.test", to: ["ops@rebalancer.test"])
        try EmailNotifier(settings: good).send(message)
        #expect(sink.records(prefix: "message-", count: 1).count == 1)

        let bad = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)", username: "alertbot", password: "wrong-password-123",
                                   from: "alerts@rebalancer.test", to: ["ops@rebalancer.test"])
        #expect(!bad.description.contains("wrong-password-123"))
        do {
            try EmailNotifier(settings: bad).send(message)
            Issue.record("a wrong password should be refused")
        } catch {
            #expect(!error.description.contains("wrong-password-123"))
            #expect(error.description.hasPrefix("e-mail alert to smtp://127.0.0.1:"))
            if case .rejected(_, _, let status, _) = error { #expect(status == 535) } else { Issue.record("expected .rejected, got \(error)") }
        }
        #expect(sink.records(prefix: "message-", count: 1, timeout: 0.2).count == 1)
    }

    /// A self-signed certificate for 127.0.0.1 (openssl CLI), in a fresh temp directory.
    func makeCertificate() throws -> (cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            Issue.record("/usr/bin/openssl is missing: install the Debian package openssl (scripts/setup)")
            throw FixtureError.missing("/usr/bin/openssl")
        }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")
        return (cert, key)
    }

    @Test func upgradesToTLSWithSTARTTLSBeforeLoggingIn() throws {
        let (cert, key) = try makeCertificate()
        let sink = try PythonFixture(script: "smtp_sink.py", arguments: ["--auth", "alertbot:tls-only-password", "--starttls", cert, key])
        defer { sink.stop() }
        let settings = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)", username: "alertbot", password: "tls-only-password",
                                        from: "alerts@rebalancer.test", to: ["ops@rebalancer.test"], caFile: cert)
        try EmailNotifier(settings: settings).send(message)
        let records = sink.records(prefix: "message-", count: 1)
        try #require(records.count == 1)
        #expect(records[0]["tls"] as? Bool == true)
        #expect(records[0]["authenticated"] as? Bool == true)
        #expect((records[0]["content"] as? String)?.contains("Reason: block is 900 s old") == true)
    }

    @Test func untrustedCertificateFailsInsteadOfFallingBackToPlainText() throws {
        let (cert, key) = try makeCertificate()
        let sink = try PythonFixture(script: "smtp_sink.py", arguments: ["--starttls", cert, key])
        defer { sink.stop() }
        // No caFile: the self-signed certificate is not trusted.
        let settings = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)", from: "alerts@rebalancer.test", to: ["ops@rebalancer.test"])
        do {
            try EmailNotifier(settings: settings).send(message)
            Issue.record("an untrusted certificate must stop the delivery")
        } catch {
            guard case .unreachable(let channel, _, _) = error else {
                Issue.record("expected .unreachable, got \(error)")
                return
            }
            #expect(channel == "e-mail")
        }
        #expect(sink.records(prefix: "message-", count: 1, timeout: 0.2).isEmpty)
    }

    @Test func aPasswordToARemoteServerRequiresTLS() throws {
        func settings(_ url: String, _ password: String?) throws -> SMTPSettings {
            try SMTPSettings(url: url, username: password == nil ? nil : "u", password: password, from: "a@b.test", to: ["c@d.test"])
        }
        #expect(try settings("smtp://mail.example.com:587", "pw").requiresTLS)
        #expect(try settings("smtp://user@mail.example.com:587", "pw").requiresTLS)
        #expect(try !settings("smtp://mail.example.com:587", nil).requiresTLS)
        #expect(try !settings("smtp://127.0.0.1:2525", "pw").requiresTLS)
        #expect(try !settings("smtp://localhost:2525", "pw").requiresTLS)
        #expect(try !settings("smtp://[::1]:2525", "pw").requiresTLS)
        // A host that merely starts with "localhost" is not this machine.
        #expect(try settings("smtp://localhost.attacker.example:25", "pw").requiresTLS)
        #expect(throws: AlertError.self) { try settings("smtp://", nil) }
    }

    @Test func unreachableServerIsATypedError() throws {
        let settings = try SMTPSettings(url: "smtp://127.0.0.1:\(closedLocalPort())", from: "a@b.test", to: ["c@d.test"],
                                        timeoutMilliseconds: 3_000)
        #expect(throws: AlertError.self) { try EmailNotifier(settings: settings).send(message) }
    }

    @Test func messageHeadersAreWellFormedAndCannotBeInjected() throws {
        let email = try EmailMessage(from: "alerts@example.com", to: ["ops@example.com"],
                                     subject: "drift \r\nBcc: victim@example.com", body: "line 1\nline 2",
                                     date: Date(timeIntervalSince1970: 0), messageID: "<fixed@example.com>")
        let text = String(decoding: email.rendered, as: UTF8.self)
        #expect(text.hasPrefix("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("Subject: drift Bcc: victim@example.com\r\n"))
        #expect(text.contains("\r\n\r\nline 1\r\nline 2\r\n"))
        #expect(throws: AlertError.self) {
            try EmailMessage(from: "alerts@example.com\r\nBcc: x@y.z", to: ["ops@example.com"], subject: "s", body: "b", date: Date())
        }
        #expect(throws: AlertError.self) {
            try EmailMessage(from: "alerts@example.com", to: [], subject: "s", body: "b", date: Date())
        }
        #expect(throws: AlertError.self) {
            try EmailMessage(from: "alerts@example.com", to: ["no-at-sign"], subject: "s", body: "b", date: Date())
        }
    }

    @Test func nonASCIISubjectAndBodyAreEncoded() throws {
        let email = try EmailMessage(from: "a@b.test", to: ["c@d.test"], subject: "Dérive WETH → USDC ✓",
                                     body: "Seuil dépassé", date: Date(timeIntervalSince1970: 0))
        let text = String(decoding: email.rendered, as: UTF8.self)
        let subjectLine = try #require(text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") })
        #expect(subjectLine.hasPrefix("Subject: =?UTF-8?B?"))
        let encoded = subjectLine.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2)
        #expect(Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } == "Dérive WETH → USDC ✓")
        #expect(text.contains("Content-Transfer-Encoding: base64"))
        #expect(text.unicodeScalars.allSatisfy { $0.value < 0x80 })
    }
}
