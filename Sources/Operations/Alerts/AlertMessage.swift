import Execution
import Foundation

/// One message for the operator, channel-neutral: the webhook posts `text`, e-mail uses
/// `subject` and `body`.
public struct AlertMessage: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Something needs the operator.
        case alert
        /// The incident that was alerted is over.
        case recovery
    }

    public var kind: Kind
    /// One line, no line breaks (it becomes an e-mail Subject header).
    public var subject: String
    public var body: String
    public var time: Date

    public init(kind: Kind, subject: String, body: String, time: Date) {
        self.kind = kind
        // A line break in a subject would end the Subject header and start another one.
        self.subject = String(String.UnicodeScalarView(subject.unicodeScalars.map {
            $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : $0
        }))
        self.body = body
        self.time = time
    }

    /// Subject and body as one chat message.
    public var text: String { body.isEmpty ? subject : "\(subject)\n\(body)" }
}
