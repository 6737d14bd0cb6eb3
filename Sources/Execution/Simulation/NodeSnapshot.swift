import EthRPC

/// An `evm_snapshot` taken before the simulator mines anything on a devnet or fork. Whatever is
/// mined after it must be rolled back: a dry run that leaves its transactions on chain has traded
/// for real (and moved the operator's nonce), so a failed rollback is an error, never ignored.
struct NodeSnapshot {
    let id: String
    /// The head when the snapshot was taken; the rollback must bring the chain back to it.
    let head: UInt64

    /// nil when the node has no `evm_snapshot` (any public node): nothing will be mined then.
    static func take(_ client: EthClient, head known: UInt64? = nil) throws(SimulationError) -> NodeSnapshot? {
        let head: UInt64
        if let known { head = known } else {
            do { head = try client.blockNumber() } catch { throw .rpc(error) }
        }
        guard let reply = try? client.rpc.call("evm_snapshot"), let id = reply.stringValue else { return nil }
        return NodeSnapshot(id: id, head: head)
    }

    /// `evm_revert`, checked: it must answer true, or (its reply lost) the head must be back at
    /// the snapshot's block. Otherwise says what stayed on chain.
    func revert(_ client: EthClient, sentFrom sender: String) throws(SimulationError) {
        var why: String
        do {
            let reply = try client.rpc.call("evm_revert", [.string(id)])
            if reply.boolValue == true { return }
            why = "evm_revert(\(id)) answered \(reply.serializedString)"
        } catch {
            why = "evm_revert(\(id)) failed: \(error)"
        }
        let now: UInt64
        do { now = try client.blockNumber() } catch {
            throw .rollbackFailed(reason: why, stayed: "the chain head could not be read (\(error)); check blocks after \(head) for transactions from \(sender)")
        }
        if now == head { return }
        let blocks = now == head + 1 ? "block \(now) stays" : "blocks \(head + 1)…\(now) stay"
        throw .rollbackFailed(
            reason: why, stayed: "\(blocks) on chain with the simulated transaction(s) from \(sender), whose nonce moved")
    }
}
