import Cycle
import Execution
import Foundation
import Operations

/// The metrics of one portfolio as cycles end: kept in `<data dir>/<network>/metrics-<portfolio>.json`
/// between processes (a timer starts a new one per run), written for node_exporter's textfile
/// collector (`--metrics-file`) and served by the daemon (`--metrics-listen`).
final class MetricsSink: @unchecked Sendable {
    private let lock = NSLock()
    private var metrics: RebalancerMetrics
    private let statePath: String
    let textFile: String?

    init(dataDir: String?, network: String, portfolioFile: String, quoteToken: String, textFile: String?) {
        let name = URL(fileURLWithPath: portfolioFile).deletingPathExtension().lastPathComponent
        let directory = DataDirectory(dataDir)
        try? directory.prepare(network: network)
        statePath = directory.networkDirectory(network).appendingPathComponent("metrics-\(name).json").path
        metrics = RebalancerMetrics.load(statePath) ?? RebalancerMetrics(network: network, portfolio: portfolioFile, quoteToken: quoteToken)
        metrics.quoteToken = quoteToken
        self.textFile = textFile
    }

    var text: String { lock.withLock { metrics.render() } }

    /// A cycle's result: its outcome, the drift it decided on, what it spent, what is pending.
    func record(_ result: CycleResult, pending: Int?) {
        update { m in
            m.recordTick(Self.outcome(result.status), at: Date())
            if let drift = result.drift {
                m.portfolioValue = drift.totalValue
                m.driftPoints = Dictionary(uniqueKeysWithValues: drift.rows.map { ($0.token, $0.driftPoints) })
                m.weightPercent = Dictionary(uniqueKeysWithValues: drift.rows.map { ($0.token, $0.weight) })
            }
            if let summary = result.execution?.summary {
                m.gasSpentWei += Double(summary.costWei.description) ?? 0
                m.feesPaid += summary.feesPaid
            }
            if let pending { m.pendingTransactions = pending }
        }
    }

    /// A cycle that stopped with an error of `kind` (node, journal, dry run, confirmation, portfolio, …).
    func recordError(kind: String) {
        update { m in
            m.recordTick("error", at: Date())
            m.recordNodeError(kind: kind)
        }
    }

    func setAlerting(_ alerting: Bool) { update { $0.alerting = alerting } }

    private func update(_ body: (inout RebalancerMetrics) -> Void) {
        let snapshot = lock.withLock { () -> RebalancerMetrics in
            body(&metrics)
            return metrics
        }
        snapshot.save(statePath)
        if let textFile {
            do { try snapshot.writeTextFile(textFile) } catch { note("warning: --metrics-file \(textFile): cannot write: \(error)") }
        }
    }

    static func outcome(_ status: CycleResult.Status) -> String {
        switch status {
        case .completed: return "completed"
        case .skipped: return "skipped"
        case .disagreed: return "disagreed"
        case .failed: return "failed"
        case .unsettled: return "unsettled"
        }
    }
}
