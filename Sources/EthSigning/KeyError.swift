/// Why a private key could not be loaded or stored. Messages name the file or variable, never
/// the key or the password.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKey(source: String, reason: String)
    case missingEnvironment(String)
    case unreadableFile(path: String, reason: String)
    case insecurePermissions(path: String, mode: UInt32)
    case fileTooLarge(path: String)
    case malformedKeystore(path: String, reason: String)
    case unsupportedKeystore(path: String, reason: String)
    case wrongPassword(path: String)
    case noTerminal
    case emptyPassword(source: String)
    case fileExists(path: String)
    case writeFailed(path: String, reason: String)
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .invalidKey(let source, let reason): return "invalid private key in \(source): \(reason)"
        case .missingEnvironment(let name): return "environment variable \(name) is not set"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .insecurePermissions(let path, let mode):
            return "\(path) is readable by others (mode \(String(mode & 0o777, radix: 8))); run `chmod 600 \(path)`"
        case .fileTooLarge(let path): return "\(path) is too large to be a key, keystore or password file"
        case .malformedKeystore(let path, let reason): return "keystore \(path) is malformed: \(reason)"
        case .unsupportedKeystore(let path, let reason): return "keystore \(path) is not supported: \(reason)"
        case .wrongPassword(let path): return "wrong password for keystore \(path)"
        case .noTerminal: return "a keystore password is needed but stdin is not a terminal; set ETH_PASSWORD or pass a password file"
        case .emptyPassword(let source): return "the password from \(source) is empty"
        case .fileExists(let path): return "\(path) already exists; refusing to overwrite it"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        case .cryptoFailure(let what): return "cryptographic operation failed: \(what)"
        }
    }
}
