import Testing
@testable import Execution
@testable import Operations

@Suite struct AlertConfigTests {
    @Test func emptyEnvironmentMeansNoChannels() throws {
        let config = try AlertConfig.fromEnvironment([:])
        #expect(config.notifiers.isEmpty)
        #expect(config.policy == AlertPolicy())
        #expect(config.policy.failuresBeforeAlert == 2)
    }

    @Test func readsEveryChannel() throws {
        let config = try AlertConfig.fromEnvironment([
            "REBALANCER_WEBHOOK_URL": "https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx",
            "REBALANCER_SMTP_URL": "smtp://mail.example.com:587",
            "REBALANCER_SMTP_USER": "alertbot",
            "REBALANCER_SMTP_PASSWORD": "s3cret-password",
            "REBALANCER_ALERT_FROM": "alerts@example.com",
            "REBALANCER_ALERT_TO": "ops@example.com, oncall@example.com",
            "REBALANCER_ALERT_AFTER_FAILURES": "3",
        ])
        #expect(config.policy.failuresBeforeAlert == 3)
        #expect(config.notifiers.count == 2)
        let descriptions = config.notifiers.map(\.channelDescription).joined(separator: " ")
        #expect(!descriptions.contains("abcdefghijklmnopqrstuvwx"))
        #expect(!descriptions.contains("s3cret-password"))
        #expect(config.email?.settings.to == ["ops@example.com", "oncall@example.com"])
        #expect(config.email?.settings.isLoopback == false)
    }

    @Test func badSettingsNameTheVariable() {
        func problem(_ env: [String: String]) -> String? {
            do { _ = try AlertConfig.fromEnvironment(env); return nil } catch { return error.description }
        }
        let secret = "abcdefghijklmnopqrstuvwx"
        let webhook = problem(["REBALANCER_WEBHOOK_URL": "ftp://hooks.example.com/\(secret)"])
        #expect(webhook?.contains("REBALANCER_WEBHOOK_URL") == true)
        #expect(webhook?.contains(secret) == false)
        #expect(problem(["REBALANCER_SMTP_URL": "smtp://mail.example.com"])?.contains("REBALANCER_ALERT_FROM") == true)
        #expect(problem(["REBALANCER_SMTP_URL": "smtp://m.example.com", "REBALANCER_ALERT_FROM": "a@b.c"])?
            .contains("REBALANCER_ALERT_TO") == true)
        #expect(problem(["REBALANCER_SMTP_URL": "smtp://m.example.com", "REBALANCER_ALERT_FROM": "a@b.c",
                         "REBALANCER_ALERT_TO": "c@d.e", "REBALANCER_SMTP_USER": "u"])?.contains("REBALANCER_SMTP_PASSWORD") == true)
        #expect(problem(["REBALANCER_SMTP_URL": "http://m.example.com", "REBALANCER_ALERT_FROM": "a@b.c",
                         "REBALANCER_ALERT_TO": "c@d.e"])?.contains("REBALANCER_SMTP_URL") == true)
        #expect(problem(["REBALANCER_SMTP_URL": "smtp://m.example.com", "REBALANCER_ALERT_FROM": "a@b.c",
                         "REBALANCER_ALERT_TO": "c@d.e, not an address"])?.contains("REBALANCER_ALERT_TO") == true)
        #expect(problem(["REBALANCER_ALERT_TO": "c@d.e"])?.contains("REBALANCER_SMTP_URL") == true)
        #expect(problem(["REBALANCER_ALERT_AFTER_FAILURES": "zero"])?.contains("REBALANCER_ALERT_AFTER_FAILURES") == true)
        #expect(problem(["REBALANCER_ALERT_AFTER_FAILURES": "0"]) != nil)
    }
}
