// Stale-data detection: a head block older than allowed, or a node behind the best of several.
// Pure computation on headers and block numbers; `survey` does the fetching for several clients.

/// Why a node's data is considered stale.
public struct StalenessReport: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The head block's timestamp is older than the allowed age.
        case blockTooOld(blockNumber: UInt64, ageSeconds: UInt64, maxAgeSeconds: UInt64)
        /// The node's head is more blocks behind the best node than allowed.
        case behindBest(blockNumber: UInt64, bestBlockNumber: UInt64, bestNode: String, maxBlocksBehind: UInt64)
    }

    /// The node's URL with secrets masked.
    public let node: String
    public let problems: [Problem]

    public var summary: String {
        let parts = problems.map { problem -> String in
            switch problem {
            case .blockTooOld(let n, let age, let maxAge):
                return "head block \(n) is \(age) s old (max \(maxAge) s)"
            case .behindBest(let n, let best, let bestNode, let maxBehind):
                return "at block \(n), \(best - min(n, best)) behind \(bestNode) at \(best) (max \(maxBehind))"
            }
        }
        return "\(node): " + parts.joined(separator: "; ")
    }
}

public struct StalenessCheck: Sendable, Equatable {
    public var maxBlockAgeSeconds: UInt64
    public var maxBlocksBehind: UInt64

    public init(maxBlockAgeSeconds: UInt64 = 120, maxBlocksBehind: UInt64 = 3) {
        self.maxBlockAgeSeconds = maxBlockAgeSeconds
        self.maxBlocksBehind = maxBlocksBehind
    }

    /// nil when the header is recent enough at `now` (Unix seconds). A timestamp ahead of `now`
    /// (clock skew) counts as age 0.
    public func check(_ header: BlockHeader, now: UInt64, node: String) -> StalenessReport? {
        let age = now > header.timestamp ? now - header.timestamp : 0
        guard age > maxBlockAgeSeconds else { return nil }
        return StalenessReport(
            node: node,
            problems: [.blockTooOld(blockNumber: header.number, ageSeconds: age, maxAgeSeconds: maxBlockAgeSeconds)])
    }

    /// Compares head block numbers of several nodes; returns a report for every node more than
    /// `maxBlocksBehind` behind the highest.
    public func compare(heads: [(node: String, blockNumber: UInt64)]) -> [StalenessReport] {
        guard let best = heads.max(by: { $0.blockNumber < $1.blockNumber }) else { return [] }
        return heads.compactMap { head in
            guard best.blockNumber - head.blockNumber > maxBlocksBehind else { return nil }
            return StalenessReport(
                node: head.node,
                problems: [.behindBest(blockNumber: head.blockNumber, bestBlockNumber: best.blockNumber,
                                       bestNode: best.node, maxBlocksBehind: maxBlocksBehind)])
        }
    }

    /// Fetches the latest header from every client (one request each) and judges them together.
    public func survey(_ clients: [EthClient], now: UInt64) -> NodeSurvey {
        var nodes: [NodeSurvey.Node] = []
        for client in clients {
            let node = client.endpointDescription
            nodes.append(NodeSurvey.Node(node: node, header: Result { () throws(RPCError) in try client.getBlock(.latest) }))
        }
        let heads = nodes.compactMap { n -> (node: String, blockNumber: UInt64)? in
            guard case .success(let h) = n.header else { return nil }
            return (n.node, h.number)
        }
        var reports: [String: [StalenessReport.Problem]] = [:]
        for report in compare(heads: heads) { reports[report.node, default: []] += report.problems }
        for n in nodes {
            if case .success(let h) = n.header, let report = check(h, now: now, node: n.node) {
                reports[n.node, default: []] += report.problems
            }
        }
        let stale = nodes.compactMap { n in reports[n.node].map { StalenessReport(node: n.node, problems: $0) } }
        return NodeSurvey(nodes: nodes, stale: stale)
    }
}

/// The outcome of `StalenessCheck.survey`: every node's head (or error) and the stale ones.
public struct NodeSurvey: Sendable {
    public struct Node: Sendable {
        public let node: String
        public let header: Result<BlockHeader, RPCError>
    }

    public let nodes: [Node]
    public let stale: [StalenessReport]

    /// Index of the node with the highest fresh head, if any node is both reachable and fresh.
    public var bestFreshIndex: Int? {
        let staleNodes = Set(stale.map(\.node))
        var best: (index: Int, number: UInt64)? = nil
        for (i, n) in nodes.enumerated() where !staleNodes.contains(n.node) {
            guard case .success(let h) = n.header else { continue }
            if let current = best, h.number <= current.number { continue }
            best = (i, h.number)
        }
        return best?.index
    }
}
