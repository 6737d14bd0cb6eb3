#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password from the terminal with echo turned off. Only when stdin is a TTY: a
/// password piped into a non-interactive run would be a surprise, so that is an error instead.
enum PasswordPrompt {
    static func read(prompt: String) throws(KeyError) -> [UInt8] {
        guard isatty(STDIN_FILENO) == 1 else { throw .noTerminal }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw .noTerminal }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        writeToStderr(prompt)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else { throw .noTerminal }
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }

        // Byte by byte from the descriptor: no stdio buffer keeps a copy of the password.
        var password = [UInt8]()
        var byte: UInt8 = 0
        while true {
            let n = readDescriptor(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            if byte != UInt8(ascii: "\r") { password.append(byte) }
        }
        byte = 0
        return password
    }

    private static func writeToStderr(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}
