import Foundation

/// One line of `rebalancer doctor`: what was checked, how it stands, and what to do about it.
struct DoctorCheck: Encodable, Equatable {
    enum Status: String, Encodable {
        case ok, warn, fail
        /// Not run: it needs something an earlier check found broken.
        case skip
    }

    var name: String
    var status: Status
    var detail: String
    /// What to do; set for warn and fail.
    var fix: String?

    static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name: name, status: .ok, detail: detail) }
    static func warn(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .warn, detail: detail, fix: fix)
    }
    static func fail(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .fail, detail: detail, fix: fix)
    }
    static func skip(_ name: String, needs: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .skip, detail: "not checked: needs \(needs)")
    }
}

/// Every check of one `doctor` pass, printed as a table or JSON.
struct DoctorReport: Encodable {
    var portfolio: String
    var network: String?
    var checks: [DoctorCheck]

    var failed: Bool { checks.contains { $0.status == .fail } }

    func text() -> String {
        let width = max(8, checks.map(\.name.count).max() ?? 0)
        var lines: [String] = []
        for check in checks {
            let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(check.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(name)  \(check.detail)")
            if let fix = check.fix { lines.append(String(repeating: " ", count: 6 + width + 2) + "fix: \(fix)") }
        }
        let counts = [DoctorCheck.Status.ok, .warn, .fail, .skip].map { status in (status, checks.filter { $0.status == status }.count) }
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }
        lines.append("")
        lines.append((failed ? "NOT READY: " : "ready: ") + counts.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
