import EthRPC
import Execution
import Foundation

/// Alert settings from the environment (credentials never come from a config file):
///
/// | variable | meaning |
/// |---|---|
/// | `REBALANCER_WEBHOOK_URL` | Slack/Discord-style incoming webhook (its token is a secret) |
/// | `REBALANCER_SMTP_URL` | `smtp://host:587` (STARTTLS when offered) or `smtps://host:465` |
/// | `REBALANCER_SMTP_USER`, `REBALANCER_SMTP_PASSWORD` | SMTP login, optional, both or neither |
/// | `REBALANCER_ALERT_FROM` | sender address, required with SMTP |
/// | `REBALANCER_ALERT_TO` | recipients, comma-separated, required with SMTP |
/// | `REBALANCER_SMTP_CA_FILE` | PEM CA certificate for a private relay, optional |
/// | `REBALANCER_ALERT_AFTER_FAILURES` | failed ticks in a row before alerting (default 2) |
public struct AlertConfig: Sendable {
    public var policy: AlertPolicy
    public var webhook: WebhookNotifier?
    public var email: EmailNotifier?

    public init(policy: AlertPolicy = AlertPolicy(), webhook: WebhookNotifier? = nil, email: EmailNotifier? = nil) {
        self.policy = policy
        self.webhook = webhook
        self.email = email
    }

    public enum Variable {
        public static let webhookURL = "REBALANCER_WEBHOOK_URL"
        public static let smtpURL = "REBALANCER_SMTP_URL"
        public static let smtpUser = "REBALANCER_SMTP_USER"
        public static let smtpPassword = "REBALANCER_SMTP_PASSWORD"
        public static let from = "REBALANCER_ALERT_FROM"
        public static let to = "REBALANCER_ALERT_TO"
        public static let afterFailures = "REBALANCER_ALERT_AFTER_FAILURES"
        public static let smtpCAFile = "REBALANCER_SMTP_CA_FILE"
    }

    /// The configured channels, in sending order.
    public var notifiers: [any AlertNotifier] {
        var list: [any AlertNotifier] = []
        if let webhook { list.append(webhook) }
        if let email { list.append(email) }
        return list
    }

    /// Reads the variables above from `env`; empty values count as unset. No channel configured
    /// is valid (alerts are then only logged by the caller).
    public static func fromEnvironment(_ env: [String: String]) throws(AlertError) -> AlertConfig {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        var config = AlertConfig()
        if let text = value(Variable.afterFailures) {
            guard let n = Int(text), n >= 1, n <= 10_000 else {
                throw .invalidConfiguration(variable: Variable.afterFailures, problem: "must be a whole number from 1 to 10000, got '\(text.oneLine(max: 40))'")
            }
            config.policy.failuresBeforeAlert = n
        }
        if let url = value(Variable.webhookURL) {
            do throws(AlertError) {
                config.webhook = try WebhookNotifier(url: url)
            } catch {
                throw .invalidConfiguration(variable: Variable.webhookURL, problem: "must be an https:// webhook URL (got \(RedactedURL(url).display))")
            }
        }
        let user = value(Variable.smtpUser)
        let password = env[Variable.smtpPassword].flatMap { $0.isEmpty ? nil : $0 }
        if let url = value(Variable.smtpURL) {
            guard let from = value(Variable.from) else {
                throw .invalidConfiguration(variable: Variable.from, problem: "is required when \(Variable.smtpURL) is set")
            }
            guard let toText = value(Variable.to) else {
                throw .invalidConfiguration(variable: Variable.to, problem: "is required when \(Variable.smtpURL) is set")
            }
            let to = toText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if (user == nil) != (password == nil) {
                throw .invalidConfiguration(
                    variable: user == nil ? Variable.smtpUser : Variable.smtpPassword,
                    problem: "must be set together with \(user == nil ? Variable.smtpPassword : Variable.smtpUser)")
            }
            do throws(AlertError) {
                try EmailMessage.checkAddress(from, role: "From")
            } catch {
                throw .invalidConfiguration(variable: Variable.from, problem: "must be a plain address like alerts@example.com")
            }
            guard !to.isEmpty else {
                throw .invalidConfiguration(variable: Variable.to, problem: "lists no address")
            }
            for address in to {
                do throws(AlertError) {
                    try EmailMessage.checkAddress(address, role: "To")
                } catch {
                    throw .invalidConfiguration(variable: Variable.to, problem: "has '\(address.oneLine(max: 60))', not a plain address like ops@example.com")
                }
            }
            do throws(AlertError) {
                config.email = EmailNotifier(settings: try SMTPSettings(
                    url: url, username: user, password: password, from: from, to: to, caFile: value(Variable.smtpCAFile)))
            } catch {
                throw .invalidConfiguration(variable: Variable.smtpURL, problem: "must look like smtp://host:587 or smtps://host:465 (got \(RedactedURL(url).display))")
            }
        } else if value(Variable.to) != nil || user != nil {
            throw .invalidConfiguration(variable: Variable.smtpURL, problem: "is required when \(Variable.to) or \(Variable.smtpUser) is set")
        }
        return config
    }
}
