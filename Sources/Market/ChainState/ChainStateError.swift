/// A snapshot that does not describe a consistent chain state, with the field at fault:
/// `pools[3].reserves[1]: not a decimal integer`. `file` is set when it came from a file.
public struct ChainStateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String?
    /// The JSON field path, e.g. `pools[0].tokens[1]`; empty for the whole document.
    public var field: String
    public var message: String

    public init(file: String? = nil, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    init(_ path: JSONFieldPath, _ message: String) {
        self.init(field: path.text, message: message)
    }

    public var description: String {
        let location = field.isEmpty ? "" : field + ": "
        return (file.map { $0 + ": " } ?? "") + location + message
    }
}
