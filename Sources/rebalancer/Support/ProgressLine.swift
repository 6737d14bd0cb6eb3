import Execution
import Foundation

/// The wait for confirmations on a terminal: one line redrawn in place (block, confirmations so
/// far, seconds waited); other confirmer news is printed above it as ordinary lines.
final class ProgressLine: @unchecked Sendable {
    private let started = Date()
    private let lock = NSLock()
    private var drawn = false

    func show(_ event: ConfirmerEvent) {
        lock.withLock {
            let erase = drawn ? "\r\u{1B}[2K" : ""
            switch event {
            case .polled(let block, let confirmed, let total):
                let waited = Int(Date().timeIntervalSince(started))
                FileHandle.standardError.write(Data("\(erase)waiting: block \(block), \(confirmed)/\(total) confirmed, \(waited) s".utf8))
                drawn = true
            default:
                FileHandle.standardError.write(Data("\(erase)  \(event)\n".utf8))
                drawn = false
            }
        }
    }

    /// Removes the line, so what follows starts on a clean line.
    func clear() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            drawn = false
        }
    }
}
