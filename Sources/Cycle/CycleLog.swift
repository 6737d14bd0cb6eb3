import EthCore
import Execution
import Logging

/// What the cycle logs at each stage, as structured metadata (network, portfolio, run id, block,
/// transaction hash, nonce) for journald or Loki. Only values the journal also keeps are logged:
/// never a key, a password or an RPC URL (the node is named by its masked URL).
extension Logger {
    /// A logger that drops everything: the cycle's default, so a library caller opts in.
    public static let silent = Logger(label: "rebalancer.cycle", factory: { _ in SwiftLogNoOpLogHandler() })

    func stage(_ level: Logger.Level, _ stage: String, _ message: @autoclosure () -> String, _ metadata: Logger.Metadata = [:]) {
        var all = metadata
        all["stage"] = .string(stage)
        log(level: level, "\(message())", metadata: all)
    }
}

extension Logger.MetadataValue {
    static func number<T: BinaryInteger & Sendable>(_ value: T) -> Logger.MetadataValue { .stringConvertible(value) }
}

extension ConfirmerEvent {
    /// The confirmer's progress as a log line: problems at warning, progress at debug.
    var logLevel: Logger.Level {
        switch self {
        case .polled: return .debug
        case .mined(_, _, _, let success): return success ? .info : .error
        case .confirmed: return .info
        case .relayStatus: return .info
        case .replaced, .cancelling, .atFeeCap, .replacementRefused, .nodeError, .reorged, .fellBack, .fallbackRefused: return .warning
        case .dropped: return .error
        }
    }

    var logMetadata: Logger.Metadata {
        switch self {
        case .polled(let block, let confirmed, let total, let fees):
            var metadata: Logger.Metadata = ["block": .number(block), "confirmed": .number(confirmed), "transactions": .number(total)]
            if let fees {
                metadata["maxFeePerGas"] = .stringConvertible(fees.maxFeePerGas)
                metadata["maxPriorityFeePerGas"] = .stringConvertible(fees.maxPriorityFeePerGas)
            }
            return metadata
        case .mined(_, let hash, let block, _): return ["txHash": .string(hash.hex), "block": .number(block)]
        case .confirmed(_, let hash, let n): return ["txHash": .string(hash.hex), "confirmations": .number(n)]
        case .replaced(_, let nonce, let old, let new, _):
            return ["nonce": .number(nonce), "txHash": .string(new.hex), "replacedTxHash": .string(old.hex)]
        case .cancelling(_, let nonce, let new, _): return ["nonce": .number(nonce), "txHash": .string(new.hex)]
        case .atFeeCap(_, let nonce, _, _), .replacementRefused(_, let nonce, _), .dropped(_, let nonce), .reorged(_, let nonce),
             .fallbackRefused(_, let nonce, _):
            return ["nonce": .number(nonce)]
        case .relayStatus(_, let nonce, let relay, let status):
            return ["nonce": .number(nonce), "relay": .string(relay), "relayStatus": .string(status)]
        case .fellBack(_, let nonce, let from, let to): return ["nonce": .number(nonce), "from": .string(from), "to": .string(to)]
        case .nodeError: return [:]
        }
    }
}
