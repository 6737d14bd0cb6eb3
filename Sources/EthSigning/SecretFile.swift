#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and creating files that hold secrets (key, keystore, password files) with the
/// permission rules an operator expects from ssh: refuse what others can read, create 0600,
/// never overwrite.
enum SecretFile {
    static let maxSize = 1 << 20

    /// The file's bytes, after checking on the opened descriptor (no check-then-open race) that
    /// it is a regular file that neither group nor others can access.
    static func read(_ path: String) throws(KeyError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO would otherwise wait forever for a writer; the regular-file
        // check below then refuses it. Reads of a regular file ignore the flag.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadableFile(path: path, reason: errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadableFile(path: path, reason: errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadableFile(path: path, reason: "not a regular file") }
        guard UInt32(info.st_mode) & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: UInt32(info.st_mode)) }
        guard info.st_size <= maxSize else { throw .fileTooLarge(path: path) }
        var out = [UInt8]()
        out.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { wipe(&chunk) }
        while true {
            let n = chunk.withUnsafeMutableBytes { readDescriptor(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                wipe(&out)
                throw .unreadableFile(path: path, reason: errnoText())
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > maxSize { wipe(&out); throw .fileTooLarge(path: path) }
        }
        return out
    }

    /// Creates `path` with mode 0600 and writes `bytes`; fails if the file exists.
    static func create(_ path: String, contents bytes: [UInt8]) throws(KeyError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .fileExists(path: path) }
            throw .writeFailed(path: path, reason: errnoText())
        }
        var failure: String?
        // The umask can only remove bits; fchmod pins the mode at exactly 0600 regardless.
        if fchmod(fd, 0o600) != 0 { failure = errnoText() }
        var offset = 0
        while failure == nil, offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errnoText()
            } else {
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if let failure {
            unlink(path)
            throw .writeFailed(path: path, reason: failure)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// read(2), named apart from the `read` methods that would shadow it inside the types.
func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
