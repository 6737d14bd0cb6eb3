/// A plain-text table with aligned columns, for the terminal.
struct Table {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    var columns: [Column]
    private(set) var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
    }

    /// Missing cells are blank; extra cells are ignored.
    mutating func add(_ cells: [String]) {
        rows.append(columns.indices.map { $0 < cells.count ? cells[$0] : "" })
    }

    /// A separator line (dashes under every column) before the next row.
    mutating func addSeparator() { rows.append([]) }

    func render() -> String {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                parts.append(column.alignment == .left ? cell + pad : pad + cell)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = [line(columns.map(\.title))]
        for row in rows {
            out.append(row.isEmpty ? line(widths.map { String(repeating: "-", count: $0) }) : line(row))
        }
        return out.joined(separator: "\n")
    }
}
