import Foundation

extension ComplianceReport {
    /// Pretty-printed JSON with sorted snake_case keys and ISO 8601 times, ending in a newline.
    public func renderedJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ComplianceDates.iso8601(date))
        }
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }
}
