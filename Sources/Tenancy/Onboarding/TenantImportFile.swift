public import Foundation
import JSON

/// One row of a bulk onboarding file, checked: what ``TenantImport`` onboards.
public struct TenantImportRow: Sendable, Equatable {
    /// Where the row is: the CSV record (the header is row 1) or the JSON array's element (from 1).
    public var row: Int
    public var name: String
    /// The Entra tenant id (GUID) or a domain, lowercased.
    public var tenant: String
    /// Nil: no partner.
    public var partner: String?
    /// Nil: the `standard` policy.
    public var policy: String?
    /// The name of a credential given with the import (never the secret itself); nil: the only one given.
    public var credential: String?

    public init(row: Int, name: String, tenant: String, partner: String? = nil, policy: String? = nil, credential: String? = nil) {
        self.row = row
        self.name = name
        self.tenant = tenant
        self.partner = partner
        self.policy = policy
        self.credential = credential
    }
}

/// Reads a bulk onboarding file: CSV (RFC 4180, a header naming the columns) or JSON (an array of
/// objects with those members). Every row is checked before anything is onboarded, and the first
/// fault is reported with its row and column, so a broken file adds nothing. Cells are data: a
/// cell starting with `=`, `+`, `-` or `@` is kept as written and never evaluated.
public enum TenantImportFile {
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    /// Columns, in the order the documentation lists them; `name` and `tenant` are required.
    public static let columns = ["name", "tenant", "partner", "policy", "credential"]
    /// A file larger than this is refused unread (about 250,000 rows of typical width).
    public static let maximumBytes = 16 << 20
    /// Rows per file; an MSP's fleet of 10,000 fits twice over.
    public static let maximumRows = 20_000
    static let maximumLength = ["name": 200, "tenant": 253, "partner": 200, "policy": 200, "credential": 100]

    /// The format a file's name or first character says: `.json`/`.csv`, else JSON when the
    /// first non-blank byte opens an array.
    public static func format(path: String?, bytes: [UInt8]) -> Format {
        let lower = path?.lowercased() ?? ""
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return first == UInt8(ascii: "[") ? .json : .csv
    }

    /// The rows of `bytes`, checked; throws ``TenantImportError`` with the row and column at fault.
    public static func parse(_ bytes: [UInt8], format: Format) throws(TenantImportError) -> [TenantImportRow] {
        guard bytes.count <= maximumBytes else {
            throw TenantImportError(.fileTooLarge, "the file has \(bytes.count) bytes; at most \(maximumBytes) are read (split it)")
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let cells: [(row: Int, values: [String: String])]
        switch format {
        case .csv: cells = try csvCells(Array(body))
        case .json: cells = try jsonCells(Array(body))
        }
        return try rows(cells)
    }

    /// Rows given as cells by column name (the API's `tenants` array), checked as a file's are.
    public static func rows(_ cells: [(row: Int, values: [String: String])]) throws(TenantImportError) -> [TenantImportRow] {
        guard !cells.isEmpty else { throw TenantImportError(.malformedFile, "the file has no tenant rows") }
        guard cells.count <= maximumRows else {
            throw TenantImportError(.fileTooLarge, "the file has \(cells.count) rows; at most \(maximumRows) are imported at once (split it)")
        }
        var seen: [String: Int] = [:]
        var rows: [TenantImportRow] = []
        rows.reserveCapacity(cells.count)
        for (row, values) in cells {
            if let unknown = values.keys.sorted().first(where: { !columns.contains($0) }) {
                throw TenantImportError(.malformedFile, row: row, column: unknown,
                                        "is not a column (expected: \(columns.joined(separator: ", ")))")
            }
            let parsed = try checkedRow(row, values)
            if let earlier = seen[parsed.tenant] {
                throw TenantImportError(.malformedFile, row: row, column: "tenant", "'\(parsed.tenant)' is already on row \(earlier)")
            }
            seen[parsed.tenant] = row
            rows.append(parsed)
        }
        return rows
    }

    // MARK: Checks

    private static func checkedRow(_ row: Int, _ values: [String: String]) throws(TenantImportError) -> TenantImportRow {
        var cleaned: [String: String] = [:]
        for column in columns {
            guard let raw = values[column] else { continue }
            let value = raw.trimmingCharacters(in: .whitespaces)
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw TenantImportError(.malformedFile, row: row, column: column, "holds a control character")
            }
            if let limit = maximumLength[column], value.count > limit {
                throw TenantImportError(.malformedFile, row: row, column: column, "is longer than \(limit) characters")
            }
            if !value.isEmpty { cleaned[column] = value }
        }
        guard let name = cleaned["name"] else { throw TenantImportError(.malformedFile, row: row, column: "name", "is empty") }
        guard let given = cleaned["tenant"] else { throw TenantImportError(.malformedFile, row: row, column: "tenant", "is empty") }
        let tenant = given.lowercased()
        guard UUID(uuidString: tenant) != nil || TenantOnboarding.isDomain(tenant) else {
            throw TenantImportError(.malformedFile, row: row, column: "tenant",
                                    "'\(given)' is neither a tenant id (GUID) nor a domain name")
        }
        return TenantImportRow(row: row, name: name, tenant: tenant, partner: cleaned["partner"], policy: cleaned["policy"],
                               credential: cleaned["credential"])
    }

    private static func text(_ bytes: ArraySlice<UInt8>, row: Int, column: String) throws(TenantImportError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TenantImportError(.malformedFile, row: row, column: column, "is not UTF-8 text")
        }
        return text
    }

    // MARK: CSV

    /// Records of the CSV text as cells by column; blank lines are skipped.
    private static func csvCells(_ bytes: [UInt8]) throws(TenantImportError) -> [(row: Int, values: [String: String])] {
        let records = try csvRecords(bytes)
        guard let header = records.first else { throw TenantImportError(.malformedFile, "the file is empty") }
        var names: [String] = []
        for (index, field) in header.fields.enumerated() {
            let name = try text(field, row: header.row, column: "\(index + 1)").trimmingCharacters(in: .whitespaces).lowercased()
            guard columns.contains(name) else {
                throw TenantImportError(.malformedFile, row: header.row, column: "\(index + 1)",
                                        "'\(name)' is not a column (expected: \(columns.joined(separator: ", ")))")
            }
            guard !names.contains(name) else {
                throw TenantImportError(.malformedFile, row: header.row, column: name, "is named twice in the header")
            }
            names.append(name)
        }
        for required in ["name", "tenant"] where !names.contains(required) {
            throw TenantImportError(.malformedFile, row: header.row, column: required, "the header has no '\(required)' column")
        }
        var result: [(row: Int, values: [String: String])] = []
        for record in records.dropFirst() {
            if record.fields.count == 1, record.fields[0].isEmpty { continue }
            guard record.fields.count == names.count else {
                throw TenantImportError(.malformedFile, row: record.row, "has \(record.fields.count) cells; the header names \(names.count)")
            }
            if result.count == maximumRows {
                throw TenantImportError(.fileTooLarge, row: record.row, "more than \(maximumRows) rows; split the file")
            }
            var values: [String: String] = [:]
            for (name, field) in zip(names, record.fields) { values[name] = try text(field, row: record.row, column: name) }
            result.append((record.row, values))
        }
        return result
    }

    /// RFC 4180 records (LF or CRLF ends a record; `""` inside quotes is one quote). `row` counts
    /// records from 1, as a spreadsheet numbers them.
    private static func csvRecords(_ bytes: [UInt8]) throws(TenantImportError) -> [(row: Int, fields: [ArraySlice<UInt8>])] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [(row: Int, fields: [ArraySlice<UInt8>])] = []
        var fields: [ArraySlice<UInt8>] = []
        var index = 0
        var row = 1
        func endRecord() {
            records.append((row, fields))
            fields = []
            row += 1
        }
        while index <= bytes.count {
            if index == bytes.count {
                // A final record without a line break; an empty last line is no record.
                if !fields.isEmpty { endRecord() }
                break
            }
            if bytes[index] == quote {
                var value: [UInt8] = []
                var cursor = index + 1
                while true {
                    guard cursor < bytes.count else {
                        throw TenantImportError(.malformedFile, row: row, column: "\(fields.count + 1)", "a quoted cell is never closed")
                    }
                    if bytes[cursor] == quote {
                        if cursor + 1 < bytes.count, bytes[cursor + 1] == quote {
                            value.append(quote)
                            cursor += 2
                            continue
                        }
                        cursor += 1
                        break
                    }
                    value.append(bytes[cursor])
                    cursor += 1
                }
                fields.append(value[...])
                index = cursor
                guard index == bytes.count || [comma, lf, cr].contains(bytes[index]) else {
                    throw TenantImportError(.malformedFile, row: row, column: "\(fields.count)", "text follows a closing quote")
                }
            } else {
                var end = index
                while end < bytes.count, ![comma, lf, cr].contains(bytes[end]) {
                    if bytes[end] == quote {
                        throw TenantImportError(.malformedFile, row: row, column: "\(fields.count + 1)",
                                                "a quote inside an unquoted cell (quote the whole cell and double the quote)")
                    }
                    end += 1
                }
                fields.append(bytes[index..<end])
                index = end
            }
            guard index < bytes.count else { continue }
            switch bytes[index] {
            case comma:
                index += 1
                // A comma at the very end leaves one more, empty cell (before a line break the loop reads it).
                if index == bytes.count { fields.append([]) }
            case cr:
                index += (index + 1 < bytes.count && bytes[index + 1] == lf) ? 2 : 1
                endRecord()
            default:
                index += 1
                endRecord()
            }
        }
        return records
    }

    // MARK: JSON

    private static func jsonCells(_ bytes: [UInt8]) throws(TenantImportError) -> [(row: Int, values: [String: String])] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let line = bytes.prefix(error.offset).count { $0 == UInt8(ascii: "\n") } + 1
            throw TenantImportError(.malformedFile, "not JSON at line \(line) (byte \(error.offset)): \(error.reason)")
        }
        guard let elements = document.arrayValue else {
            throw TenantImportError(.malformedFile, "a JSON file must be an array of objects, one per tenant")
        }
        guard elements.count <= maximumRows else {
            throw TenantImportError(.fileTooLarge, "the file has \(elements.count) rows; at most \(maximumRows) are imported at once (split it)")
        }
        var result: [(row: Int, values: [String: String])] = []
        for (index, element) in elements.enumerated() {
            let row = index + 1
            guard let object = element.objectValue else {
                throw TenantImportError(.malformedFile, row: row, "is \(element.typeName), not an object")
            }
            var values: [String: String] = [:]
            for member in object.members {
                guard columns.contains(member.key) else {
                    throw TenantImportError(.malformedFile, row: row, column: member.key,
                                            "is not a column (expected: \(columns.joined(separator: ", ")))")
                }
                if member.value.isNull { continue }
                guard let text = member.value.stringValue else {
                    throw TenantImportError(.malformedFile, row: row, column: member.key, "must be a string, not \(member.value.typeName)")
                }
                values[member.key] = text
            }
            result.append((row, values))
        }
        return result
    }
}
