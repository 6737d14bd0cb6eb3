import Foundation

// The one piece of I/O around ChainState: reading and writing a snapshot file. The computing
// types above stay pure.
extension ChainState {
    /// Reads and validates a snapshot; errors name the file and the field.
    public static func load(path: String) throws(ChainStateError) -> ChainState {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw ChainStateError(file: path, field: "", message: "cannot read the file: \(error)")
        }
        do { return try decode(data) } catch {
            var located = error
            located.file = path
            throw located
        }
    }

    /// Writes the snapshot as pretty-printed JSON (atomically, so a reader never sees half a file).
    public func write(to path: String) throws(ChainStateError) {
        let data = try jsonData()
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ChainStateError(file: path, field: "", message: "cannot write the file (\(error.localizedDescription))")
        }
    }
}
