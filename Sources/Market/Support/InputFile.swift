import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file the operator named (portfolio, network, snapshot), with a reason a person
/// understands when it cannot: a directory, a device or a FIFO is not a config file (and a FIFO
/// would block the read forever).
public enum InputFile {
    public static let maxBytes = 64 << 20

    /// The bytes, or throws the reason (without the path: callers put the path first).
    public static func read(_ path: String) throws(InputFileError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT: throw InputFileError("no such file")
            case EACCES: throw InputFileError("permission denied")
            case ENOTDIR: throw InputFileError("a part of the path is not a directory")
            default: throw InputFileError(String(cString: strerror(errno)))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw InputFileError("is a directory, not a file")
        default: throw InputFileError("not a regular file (a device, FIFO or socket)")
        }
        guard info.st_size <= maxBytes else { throw InputFileError("larger than \(maxBytes >> 20) MiB") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFileError(access(path, R_OK) == 0 ? "cannot be opened" : "permission denied")
        }
        defer { try? handle.close() }
        do { return try handle.readToEnd() ?? Data() } catch {
            throw InputFileError("read failed (\(error.localizedDescription))")
        }
    }
}

public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ reason: String) { description = reason }
}
