import Execution
import Foundation

/// The data directory (`--data-dir`, else `REBALANCER_DATA_DIR`, else `~/.rebalancer`) and every
/// file kept there: per network the journal, the tick and daemon locks and the alert state; the
/// rehearsal log beside them. Directories are created 0700 and files 0600: only the operator reads
/// what the program remembers.
struct DataDirectory {
    let path: String

    init(_ flag: String?) {
        if let flag {
            path = (flag as NSString).expandingTildeInPath
        } else if let env = ProcessInfo.processInfo.environment["REBALANCER_DATA_DIR"], !env.isEmpty {
            path = (env as NSString).expandingTildeInPath
        } else {
            path = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".rebalancer").path
        }
    }

    var root: URL { URL(fileURLWithPath: path) }

    /// `<data dir>/<network>`, not created.
    func networkDirectory(_ network: String) -> URL { root.appendingPathComponent(network) }

    /// `<data dir>/<network>/journal.sqlite`, not created.
    func journalPath(network: String) -> String { networkDirectory(network).appendingPathComponent("journal.sqlite").path }

    func lockPath(network: String, name: String) -> String { networkDirectory(network).appendingPathComponent(name).path }

    func alertStatePath(network: String) -> String { networkDirectory(network).appendingPathComponent("alert-state.json").path }

    var rehearsalLogPath: String { root.appendingPathComponent("rehearsals.json").path }

    /// Creates `<data dir>` and `<data dir>/<network>` with mode 0700 (the network's directory is
    /// tightened even when it exists).
    func prepare(network: String) throws {
        let dir = networkDirectory(network)
        do {
            for d in [root, dir] where !FileManager.default.fileExists(atPath: d.path) {
                try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        } catch {
            throw CLIError("--data-dir \(path): \(error.localizedDescription)")
        }
    }

    /// The network's journal, created if needed, readable by the operator only.
    func openJournal(network: String) throws -> Journal {
        try prepare(network: network)
        let file = journalPath(network: network)
        let journal = try reporting("--data-dir \(path)") { try Journal(path: file) }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        return journal
    }
}
