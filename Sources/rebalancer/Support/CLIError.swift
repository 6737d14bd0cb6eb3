import ArgumentParser

/// An error in what the user gave us, reported as one line naming the argument, file or field.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Runs `body`, turning any library error into a one-line `CLIError` prefixed with `context`
/// (the argument, file or field it concerns). ArgumentParser prints it and exits non-zero.
func reporting<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CLIError {
        throw error
    } catch {
        throw CLIError("\(context): \(error)")
    }
}
