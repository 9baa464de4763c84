extension ConfigurationKey {
    /// The reference tables of docs/configuration.md, one per section, generated from ``all``
    /// (`holdfast config reference` prints them; a test fails when the document differs).
    public static var markdownReference: String {
        var lines: [String] = []
        for section in Section.allCases {
            let keys = all.filter { $0.section == section }
            guard !keys.isEmpty else { continue }
            lines += ["### \(section.rawValue)", "", "| key (environment variable) | flag | default | meaning |", "|---|---|---|---|"]
            for key in keys {
                let flag = key.flag.map { "`\($0)`" } ?? (key.isSecret ? "never (a secret)" : "—")
                let name = "`\(key.name)`" + (key.isSecret ? " (secret)" : "")
                lines.append("| \(name) | \(flag) | \(key.defaultValue) | \(key.summary.replacingOccurrences(of: "|", with: "\\|")) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
