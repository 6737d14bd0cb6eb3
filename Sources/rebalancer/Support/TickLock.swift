import Foundation
import Market
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (flock) on a file in the network's data directory: one tick at a
/// time per network and data directory, whether it comes from `run` or the daemon. The kernel
/// drops it when the process dies, so a crash never leaves a stale lock behind.
struct TickLock {
    let fd: Int32
    let path: String

    static func acquire(dataDir: String?, network: String, name: String = "tick.lock", purpose: String = "a tick") throws -> TickLock {
        // The portfolio's "network" field reaches here before the network file is read.
        guard NetworkConfig.isNetworkName(network) else {
            throw CLIError("network \"\(network)\": a network is a name (letters, digits, - and _), not a path")
        }
        let directory = DataDirectory(dataDir)
        try directory.prepare(network: network)
        let path = directory.lockPath(network: network, name: name)
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw CLIError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw CLIError("another rebalancer is running \(purpose) on \(network) (lock \(path) is held); wait for it or stop it")
        }
        return TickLock(fd: fd, path: path)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
