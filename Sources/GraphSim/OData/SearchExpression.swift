/// `$search` for directory objects: quoted `"property:text"` clauses joined by `AND` or `OR`.
/// A clause matches when a word of the property starts with the text (Graph tokenizes on
/// spaces, dots and other separators), case-insensitively.
struct SearchExpression: Sendable {
    struct Clause: Sendable {
        var property: String
        var text: String
    }

    var clauses: [Clause]
    var conjunction: Bool

    static func parse(_ raw: String) throws -> SearchExpression {
        var clauses: [Clause] = []
        var conjunction = true
        var remainder = Substring(raw.trimmingCharacters(in: .whitespaces))
        while !remainder.isEmpty {
            guard remainder.first == "\"", let close = remainder.dropFirst().firstIndex(of: "\"") else {
                throw GraphError.badRequest("Syntax error: the $search value must be quoted, for example \"displayName:contoso\".")
            }
            let clause = remainder[remainder.index(after: remainder.startIndex)..<close]
            guard let colon = clause.firstIndex(of: ":") else {
                throw GraphError.badRequest("Syntax error: the $search clause '\(clause)' must be of the form \"property:value\".")
            }
            clauses.append(Clause(property: String(clause[..<colon]), text: String(clause[clause.index(after: colon)...]).lowercased()))
            remainder = remainder[remainder.index(after: close)...].drop { $0 == " " }
            if remainder.hasPrefix("OR ") {
                conjunction = false
                remainder = remainder.dropFirst(3).drop { $0 == " " }
            } else if remainder.hasPrefix("AND ") {
                remainder = remainder.dropFirst(4).drop { $0 == " " }
            }
        }
        return SearchExpression(clauses: clauses, conjunction: conjunction)
    }

    func matches(_ object: JSONObject) -> Bool {
        let results = clauses.map { clause -> Bool in
            guard let value = object[clause.property]?.stringValue?.lowercased() else { return false }
            if clause.text.isEmpty { return true }
            let words = value.split(whereSeparator: { " .-_@".contains($0) })
            return value.hasPrefix(clause.text) || words.contains { $0.hasPrefix(clause.text) }
        }
        return conjunction ? results.allSatisfy { $0 } : results.contains(true)
    }
}

import Foundation
