#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The password for a new keystore: from a file (same rules as every secret file: a regular file
/// that only its owner can read, trailing newline dropped) or typed twice at the terminal
/// without echo.
enum NewPassword {
    static let maxFileSize = 4096

    static func fromFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BadValue("cannot read \(path): \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BadValue("cannot read \(path): \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw BadValue("cannot read \(path): not a regular file") }
        guard UInt32(info.st_mode) & 0o077 == 0 else {
            throw BadValue("\(path) is readable by others (mode \(String(UInt32(info.st_mode) & 0o777, radix: 8))); run `chmod 600 \(path)`")
        }
        guard info.st_size <= maxFileSize else { throw BadValue("\(path) is too large to be a password file") }
        var bytes = [UInt8](repeating: 0, count: maxFileSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes[count...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BadValue("cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= maxFileSize else { throw BadValue("\(path) is too large to be a password file") }
        var password = Array(bytes[0..<count])
        wipe(&bytes)
        while let last = password.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { password.removeLast() }
        guard !password.isEmpty else { throw BadValue("the password in \(path) is empty") }
        return password
    }

    /// Asks twice; the two entries must match and not be empty.
    static func prompt() throws -> [UInt8] {
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError("a password is needed but stdin is not a terminal; use --password-file")
        }
        var first = try readHidden("New keystore password: ")
        defer { wipe(&first) }
        guard !first.isEmpty else { throw CLIError("the password is empty") }
        var second = try readHidden("Repeat the password: ")
        defer { wipe(&second) }
        guard first == second else { throw CLIError("the two passwords differ") }
        return first
    }

    private static func readHidden(_ prompt: String) throws -> [UInt8] {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw CLIError("cannot turn off terminal echo") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        var text = Array(prompt.utf8)
        _ = write(STDERR_FILENO, &text, text.count)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else { throw CLIError("cannot turn off terminal echo") }
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        // Byte by byte from the descriptor, so no stdio buffer keeps a copy.
        var out = [UInt8]()
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            if byte != UInt8(ascii: "\r") { out.append(byte) }
        }
        byte = 0
        return out
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            explicitZero(base, raw.count)
        }
    }

    @inline(never)
    private static func explicitZero(_ pointer: UnsafeMutableRawPointer, _ count: Int) {
        #if canImport(Darwin)
        _ = memset_s(pointer, count, 0, count)
        #else
        explicit_bzero(pointer, count)
        #endif
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
