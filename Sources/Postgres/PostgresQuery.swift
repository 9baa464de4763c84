/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
///
///     try await client.query("SELECT id FROM jobs WHERE tenant_id = \(tenantID) AND state = \(state)")
///
/// Use `\(unescaped:)` only for trusted identifiers the code itself chose (never user input).
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    public var binds: [PostgresData]
    /// Prepare the statement once per connection and reuse its plan (see ``prepared()``).
    public var usesPreparedStatement = false

    public init(unsafeSQL sql: String, binds: [PostgresData] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// The same statement, prepared on each connection the first time it runs there and executed
    /// by name afterwards, so the server parses and plans it once per session. For hot statements
    /// whose text does not vary (the queue's claim and completion).
    public func prepared() -> PostgresQuery {
        var copy = self
        copy.usesPreparedStatement = true
        return copy
    }

    /// The statement text only; parameters are not shown (they may be secret).
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds: [PostgresData]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = []
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresData)
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(value?.postgresData ?? .null)
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation(unescaped text: String) { sql += text }
    }
}
