import Market
import EthRPC

/// Choosing one node among several RPC URLs: every node's head is fetched (`StalenessCheck.survey`),
/// nodes more than `maxBlocksBehind` behind the best are refused, and the highest remaining head is
/// used. The head's number pins the state read, so the survey costs no extra request later.
public enum NodeSelection {
    public struct Choice: Sendable {
        public let index: Int
        public let client: EthClient
        public let head: BlockHeader
        /// One line per node that was not used and why (behind, unreachable), URLs masked.
        public let refused: [String]
    }

    /// The block age is not a reason to refuse here: all nodes see the same old head on a quiet
    /// chain, and the caller reports an old block against its own policy.
    public static func choose(_ clients: [EthClient], maxBlocksBehind: UInt64 = 3, now: UInt64) throws(StateLoadError) -> Choice {
        let check = StalenessCheck(maxBlockAgeSeconds: .max, maxBlocksBehind: maxBlocksBehind)
        let survey = check.survey(clients, now: now)
        var refused: [String] = []
        for node in survey.nodes {
            if case .failure(let error) = node.header { refused.append("\(node.node): unreachable (\(error))") }
        }
        for report in survey.stale { refused.append("refused \(report.summary)") }
        guard let best = survey.bestFreshIndex, survey.nodes.indices.contains(best), clients.indices.contains(best),
              case .success(let head) = survey.nodes[best].header
        else { throw .noUsableNode(refused.isEmpty ? ["no RPC URL given"] : refused) }
        return Choice(index: best, client: clients[best], head: head, refused: refused)
    }
}
