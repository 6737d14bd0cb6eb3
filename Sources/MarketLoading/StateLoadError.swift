import EthCore
import Market
import EthRPC

/// Why a chain-state read failed, as one line naming the node, the pool or token, and the call.
public enum StateLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node (or the transport) failed; the error's text names the node's masked URL.
    case rpc(RPCError)
    /// The node serves another chain than the network file describes.
    case chainIdMismatch(node: String, nodeChainId: UInt64, networkFile: String, expected: UInt64)
    /// The node does not have the requested block.
    case blockNotFound(node: String, block: String)
    /// A block tag that cannot be pinned to one block number (`pending`).
    case unsupportedBlock(String)
    /// One member of the multicall failed: `subject` names the pool or token, `function` the call.
    case callFailed(subject: String, function: String, reason: String)
    /// A member answered, but not with what the function returns.
    case badReturn(subject: String, function: String, detail: String)
    /// The chain disagrees with the network file (token order of a pool, pool tokens).
    case mismatch(subject: String, detail: String)
    /// The values read do not form a valid snapshot (e.g. weights that do not sum to 1).
    case invalidState(ChainStateError)
    /// No node could be used: every one was unreachable or behind; one entry per node.
    case noUsableNode([String])

    public var description: String {
        switch self {
        case .rpc(let error):
            return error.description
        case .chainIdMismatch(let node, let nodeChainId, let file, let expected):
            return "node at \(node) is chain \(nodeChainId), \(file) says \(expected)"
        case .blockNotFound(let node, let block):
            return "node at \(node) does not have \(block)"
        case .unsupportedBlock(let why):
            return why
        case .callFailed(let subject, let function, let reason):
            return "\(subject): \(function) failed: \(reason)"
        case .badReturn(let subject, let function, let detail):
            return "\(subject): \(function) returned unexpected data: \(detail)"
        case .mismatch(let subject, let detail):
            return "\(subject): \(detail)"
        case .invalidState(let error):
            return "chain state read from the node is invalid: \(error)"
        case .noUsableNode(let reasons):
            return "no usable RPC node: " + reasons.joined(separator: "; ")
        }
    }
}
