/// A value that cannot be used, described without saying where it came from: `reporting(context)`
/// prefixes the argument name (unlike `CLIError`, which is already complete and passes through).
struct BadValue: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
