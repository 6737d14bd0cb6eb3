/// A network file that cannot be used, naming the file and the field:
/// `networks/mainnet.json: tokens[2].address: address 0x… has a wrong EIP-55 checksum`.
public struct NetworkConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// JSON field path, e.g. `dexes[1].router`; empty for the whole file.
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}
