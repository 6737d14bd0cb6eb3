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
            case .polled(let block, let confirmed, let total, let fees):
                let waited = Int(Date().timeIntervalSince(started))
                let paying = fees.map { ", paying up to \(Gwei.format($0.maxFeePerGas)) (tip \(Gwei.format($0.maxPriorityFeePerGas)))" } ?? ""
                FileHandle.standardError.write(Data("\(erase)waiting: block \(block), \(confirmed)/\(total) confirmed, \(waited) s\(paying)".utf8))
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
