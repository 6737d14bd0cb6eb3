import Foundation
import Testing
@testable import Execution
@testable import Operations

@Suite struct AlertWebhookTests {
    let message = AlertMessage(
        kind: .alert, subject: "[rebalancer] devnet: 2 failed ticks in a row",
        body: "Latest: node refused the connection \"quoted\" <b>", time: Date(timeIntervalSince1970: 1_764_000_000))

    @Test func postsJSONThatSlackAndDiscordBothRead() throws {
        let receiver = try PythonFixture(script: "webhook_receiver.py")
        defer { receiver.stop() }
        let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(receiver.port)/services/T0001/B0001/abcdefghijklmnopqrstuvwx")
        try notifier.send(message)

        let records = receiver.records(prefix: "request-", count: 1)
        try #require(records.count == 1)
        #expect(records[0]["path"] as? String == "/services/T0001/B0001/abcdefghijklmnopqrstuvwx")
        #expect(records[0]["contentType"] as? String == "application/json")
        let body = try #require((records[0]["body"] as? String)?.data(using: .utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["text"] as? String == message.text)      // Slack
        #expect(json["content"] as? String == message.text)   // Discord
        #expect((json["text"] as? String)?.contains("\"quoted\" <b>") == true)
    }

    @Test func refusedWebhookIsATypedErrorWithTheTokenMasked() throws {
        let receiver = try PythonFixture(script: "webhook_receiver.py")
        defer { receiver.stop() }
        let secret = "zyxwvutsrqponmlkjihgfedcba"
        let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(receiver.port)/status/404/\(secret)")
        #expect(!notifier.channelDescription.contains(secret))
        do {
            try notifier.send(message)
            Issue.record("a 404 from the webhook should throw")
        } catch {
            guard case .rejected(_, _, let status, _) = error else {
                Issue.record("expected .rejected, got \(error)")
                return
            }
            #expect(status == 404)
            #expect(!error.description.contains(secret))
            #expect(error.description.contains("****"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func unreachableWebhookIsATypedErrorNotACrash() throws {
        let port = closedLocalPort()
        let secret = "T0000/B0000/secrettokensecrettoken"
        let notifier = try WebhookNotifier(url: "http://127.0.0.1:\(port)/services/\(secret)", timeoutMilliseconds: 3_000)
        do {
            try notifier.send(message)
            Issue.record("nothing listens on port \(port): send should throw")
        } catch {
            guard case .unreachable(let channel, let url, _) = error else {
                Issue.record("expected .unreachable, got \(error)")
                return
            }
            #expect(channel == "webhook")
            #expect(!url.contains("secrettokensecrettoken"))
            #expect(!error.description.contains("secrettokensecrettoken"))
        }
        // Dispatch reports the failure and still tries every channel.
        let failures = AlertDispatch.send(message, through: [notifier, notifier])
        #expect(failures.count == 2)
    }

    @Test func longMessagesAreCutForDiscord() throws {
        let long = AlertMessage(kind: .alert, subject: "s", body: String(repeating: "x", count: 5000), time: Date())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(WebhookNotifier.body(for: long))) as? [String: String])
        #expect((json["content"]?.count ?? 0) <= 2000)
        #expect(json["content"] == json["text"])
    }

    @Test func rejectsNonHTTPURLs() {
        #expect(throws: AlertError.self) { try WebhookNotifier(url: "ftp://example.com/hook") }
    }
}
