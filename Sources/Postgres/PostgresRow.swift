/// One row of a result, decoded by column name or position.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [String?]

    /// The raw text of a column; `nil` for SQL NULL.
    public subscript(column: String) -> String? {
        guard let index = columns.index(of: column) else { return nil }
        return values[index]
    }

    public subscript(index: Int) -> String? { values[index] }

    public var count: Int { values.count }

    /// Decodes a non-NULL column. Throws when the column is missing, NULL or not of the type.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T {
        guard let index = columns.index(of: column) else {
            throw PostgresError(code: .decoding, message: "no column named '\(column)' in the result", column: column)
        }
        return try decode(type, at: index)
    }

    /// Decodes a column that may be NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ column: String) throws -> T? {
        guard let index = columns.index(of: column) else {
            throw PostgresError(code: .decoding, message: "no column named '\(column)' in the result", column: column)
        }
        guard values[index] != nil else { return nil }
        return try decode(T.self, at: index)
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard index < values.count else {
            throw PostgresError(code: .decoding, message: "column index \(index) out of range (\(values.count) columns)")
        }
        guard let text = values[index] else {
            throw PostgresError(code: .decoding, message: "column '\(columns.names[index])' is NULL; decode \(T.self)? instead", column: columns.names[index])
        }
        do {
            return try T(postgresText: text, type: columns.types[index])
        } catch var error as PostgresError {
            error.column = columns.names[index]
            throw error
        }
    }
}

/// Column names and types shared by all rows of one result.
final class PostgresColumns: Sendable {
    let names: [String]
    let types: [PostgresTypeOID]
    private let positions: [String: Int]

    init(names: [String], types: [PostgresTypeOID]) {
        self.names = names
        self.types = types
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }

    func index(of name: String) -> Int? { positions[name] }
}

/// The rows and the command outcome of one statement.
public struct PostgresResult: Sendable, Sequence {
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted or selected (`PQcmdTuples`), 0 when not applicable.
    public let affectedRows: Int
    public let columnNames: [String]

    public func makeIterator() -> IndexingIterator<[PostgresRow]> { rows.makeIterator() }

    public var first: PostgresRow? { rows.first }
    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
}
