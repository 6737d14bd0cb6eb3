import Foundation

/// A network marked mainnet that is really the devnet: `<dir>/networks/<name>.json` made from the
/// devnet's file, with no local default URL (DEVNET_RPC_URL still names the node) and a source for
/// every address, as a mainnet file must carry. Commands run with `dir` as their working directory.
public enum MainnetLikeNetwork {
    public static func write(name: String, into dir: URL, devnetFile: URL) throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("networks"), withIntermediateDirectories: true)
        guard var network = try JSONSerialization.jsonObject(with: Data(contentsOf: devnetFile)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        network["name"] = name
        network["mainnet"] = true
        network["defaultRpcUrl"] = nil
        let text = String(decoding: try JSONSerialization.data(withJSONObject: network), as: UTF8.self)
        let addresses = try NSRegularExpression(pattern: "0x[0-9a-fA-F]{40}\\b").matches(in: text, range: NSRange(text.startIndex..., in: text))
            .compactMap { Range($0.range, in: text).map { String(text[$0]) } }
        network["sources"] = Dictionary(addresses.map { ($0, "test: the devnet's fixtures") }, uniquingKeysWith: { a, _ in a })
        try JSONSerialization.data(withJSONObject: network).write(to: dir.appendingPathComponent("networks/\(name).json"))
    }
}
