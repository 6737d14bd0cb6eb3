import Foundation

// Finding and reading networks/<name>.json: the one piece of I/O around NetworkConfig.
extension NetworkConfig {
    /// Reads and validates a network file at `path`.
    public static func load(path: String) throws(NetworkConfigError) -> NetworkConfig {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw NetworkConfigError(file: path, field: "", message: "cannot read the file: \(error)")
        }
        return try decode(data, file: path)
    }

    /// Loads `networks/NAME.json`, looking relative to the current directory first, then in the
    /// package root the executable was built in (so `.build/debug/rebalancer` finds the repo's files).
    public static func load(name: String) throws(NetworkConfigError) -> NetworkConfig {
        let label = "networks/\(name).json"
        guard isNetworkName(name) else {
            throw NetworkConfigError(file: label, field: "", message: "\"\(name)\" is not a network name (letters, digits, - and _)")
        }
        let candidates = candidatePaths(name: name, currentDirectory: FileManager.default.currentDirectoryPath,
                                        executablePath: executablePath())
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw NetworkConfigError(file: label, field: "", message: "not found (looked in \(candidates.joined(separator: ", ")))")
        }
        return try load(path: found)
    }

    /// Where `load(name:)` looks, in order: ./networks, then networks/ in each ancestor of the
    /// executable's directory that holds a Package.swift.
    static func candidatePaths(name: String, currentDirectory: String, executablePath: String?) -> [String] {
        let file = "networks/\(name).json"
        var paths = [URL(fileURLWithPath: currentDirectory).appendingPathComponent(file).path]
        if let exe = executablePath {
            var dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<8 {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                    let p = dir.appendingPathComponent(file).path
                    if !paths.contains(p) { paths.append(p) }
                    break
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return paths
    }

    /// A network is named, never located: no "/", "..", or anything else a path could carry,
    /// since the name also becomes a directory under the data dir.
    public static func isNetworkName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    private static func executablePath() -> String? {
        if let p = Bundle.main.executablePath { return p }
        return CommandLine.arguments.first
    }
}
