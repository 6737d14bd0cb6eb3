import EthCore

// Revert data from a failed eth_call / eth_estimateGas. Decoding uses EthCore's `RevertReason`
// (Error(string), Panic(uint256), custom errors by selector).

public struct RevertInfo: Sendable, Equatable {
    /// Raw revert data (may be empty).
    public let data: [UInt8]
    /// Decoded reason: Error(string), Panic(uint256), or the raw data when unknown.
    public let reason: RevertReason
    /// The node's own message, e.g. "execution reverted: too little received".
    public let nodeMessage: String

    public init(data: [UInt8], nodeMessage: String) {
        self.data = data
        self.reason = RevertReason.decode(data)
        self.nodeMessage = nodeMessage
    }

    public var summary: String {
        switch reason {
        case .empty: return "no revert data (\(nodeMessage))"
        case .unknown(let bytes): return "revert data \(Hex.encode(bytes))"
        case .error(let message): return message
        default: return reason.description
        }
    }

    /// Recognises a revert in a JSON-RPC error object. Nodes differ: geth uses code 3 with hex
    /// `data`; others put "revert" in the message and the data as a string or under `data.data`.
    static func detect(code: Int, message: String, data: JSONValue?) -> RevertInfo? {
        let lower = message.lowercased()
        let looksLikeRevert = code == 3 || lower.contains("revert")
        guard looksLikeRevert else { return nil }
        return RevertInfo(data: revertBytes(in: data) ?? [], nodeMessage: message)
    }

    private static func revertBytes(in data: JSONValue?) -> [UInt8]? {
        guard let data else { return nil }
        switch data {
        case .string(let text):
            return try? Hex.decode(text)
        case .object(let members):
            for key in ["data", "result", "returnData"] {
                if let inner = members[key], let bytes = revertBytes(in: inner) { return bytes }
            }
            return nil
        default:
            return nil
        }
    }
}
