import CLibPQ
public import Logging
import NIOConcurrencyHelpers
public import NIOPosix
import Foundation

/// One PostgreSQL session. Every libpq call runs on `threadPool`, never on Swift's cooperative
/// threads. A connection serves one caller at a time; get one from ``PostgresClient``.
public final class PostgresConnection: Sendable {
    let handle: PGConnectionHandle
    let threadPool: NIOThreadPool
    /// The logger of whoever holds the connection now (set by the pool for each lease), so a
    /// statement's log line carries its caller's metadata (`job.id`, `request.id`).
    private let currentLogger: NIOLockedValueBox<Logger>
    /// Set once a statement saw the session break; the pool then discards the connection.
    private let brokenFlag = AtomicFlag()
    /// `PQtransactionStatus` after the last call, recorded on the blocking thread that made it, so
    /// the pool can check a returned connection without another hop to that thread (a thread
    /// wake-up each way, per statement: measurable on a busy 2-core machine).
    private let lastTransactionStatus = AtomicTransactionStatus()

    init(handle: PGConnectionHandle, threadPool: NIOThreadPool, logger: Logger) {
        self.handle = handle
        self.threadPool = threadPool
        self.currentLogger = NIOLockedValueBox(logger)
    }

    /// The logger statements on this connection log to: its current holder's.
    public var logger: Logger {
        get { currentLogger.withLockedValue { $0 } }
    }

    /// Hands the connection to a caller who logs with `logger` (the pool does this on each lease).
    func adopt(logger: Logger) {
        currentLogger.withLockedValue { $0 = logger }
    }

    /// Opens a session (blocking connect on `threadPool`) and applies the session settings Holdfast relies on.
    public static func connect(
        configuration: PostgresConfiguration,
        threadPool: NIOThreadPool,
        logger: Logger
    ) async throws -> PostgresConnection {
        let handle = try await threadPool.runIfActive {
            try Self.openBlocking(configuration: configuration)
        }
        let connection = PostgresConnection(handle: handle, threadPool: threadPool, logger: logger)
        var setup = "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET IntervalStyle = postgres; SET extra_float_digits = 3;"
        if let searchPath = configuration.searchPath, !searchPath.isEmpty {
            let quoted = try await connection.quoteIdentifiers(searchPath)
            setup += " SET search_path = \(quoted.joined(separator: ", "));"
        }
        do {
            try await connection.executeScript(setup)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private static func openBlocking(configuration: PostgresConfiguration) throws -> PGConnectionHandle {
        PGConnectionHandle(connection: try LibPQConnect.open(configuration, applicationName: configuration.applicationName))
    }

    static func connectionErrorMessage(_ connection: OpaquePointer) -> String {
        LibPQConnect.errorMessage(connection)
    }

    /// True once the session broke; such a connection is never reused.
    public var isBroken: Bool { brokenFlag.isSet }

    // MARK: - Statements

    /// Runs one parameterised statement. Task cancellation asks the server to cancel it.
    ///
    /// `logger`: where its trace line (and a failure's debug line) go; the connection's current
    /// holder's logger when nil. Bind values are never logged, only the statement text.
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger? = nil) async throws -> PostgresResult {
        let logger = logger ?? self.logger
        do {
            let result = try await withTaskCancellationHandler {
                try await threadPool.runIfActive { [handle, brokenFlag, lastTransactionStatus] in
                    try handle.withConnection { connection, prepared in
                        defer { lastTransactionStatus.record(connection) }
                        return try Self.executeBlocking(connection, query: query, prepared: &prepared, broken: brokenFlag)
                    }
                }
            } onCancel: { [handle] in
                handle.requestCancel()
            }
            logger.trace("PostgreSQL statement", metadata: [
                "db.statement": "\(query.sql)", "db.rows": "\(result.rows.count)", "db.affected_rows": "\(result.affectedRows)",
            ])
            return result
        } catch {
            logger.debug("PostgreSQL statement failed", metadata: ["db.statement": "\(query.sql)", "error": "\(error)"])
            throw error
        }
    }

    /// Runs a script of one or more statements without parameters (`PQexec`), such as a migration file.
    public func executeScript(_ sql: String, logger: Logger? = nil) async throws {
        (logger ?? self.logger).trace("PostgreSQL script", metadata: ["db.statement": "\(sql.prefix(200))"])
        try await threadPool.runIfActive { [handle, brokenFlag, lastTransactionStatus] in
            try handle.withConnection { connection in
                defer { lastTransactionStatus.record(connection) }
                guard let result = PQexec(connection, sql) else {
                    brokenFlag.set()
                    throw PostgresError(code: .connectionLost, message: Self.connectionErrorMessage(connection), query: sql)
                }
                defer { PQclear(result) }
                try Self.check(result: result, connection: connection, sql: sql, broken: brokenFlag)
            }
        }
    }

    /// Quotes identifiers with the server's rules (`PQescapeIdentifier`).
    public func quoteIdentifiers(_ names: [String]) async throws -> [String] {
        try await threadPool.runIfActive { [handle] in
            try handle.withConnection { connection in
                try names.map { name in
                    guard let escaped = PQescapeIdentifier(connection, name, name.utf8.count) else {
                        throw PostgresError(code: .encoding, message: "cannot quote identifier: \(Self.connectionErrorMessage(connection))")
                    }
                    defer { PQfreemem(escaped) }
                    return String(cString: escaped)
                }
            }
        }
    }

    /// Checks, without blocking, that the server has not closed the session (for example after a
    /// restart) while it sat idle. Returns false when it must be discarded.
    func isAlive() async -> Bool {
        let alive = (try? await threadPool.runIfActive { [handle] in
            try handle.withConnection { connection -> Bool in
                guard PQstatus(connection) == CONNECTION_OK else { return false }
                var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 0)
                if ready < 0 { return false }
                // Pooled sessions never LISTEN and sent nothing, so input while idle means the
                // server is saying goodbye (admin shutdown, idle timeout, restart): discard it.
                return ready == 0
            }
        }) ?? false
        if !alive { brokenFlag.set() }
        return alive
    }

    /// The session's transaction state after its last statement, used by the pool to decide
    /// whether a returned connection is clean. Statements only run through this type, so the
    /// state recorded after each of them is the session's state.
    func transactionStatus() -> PGTransactionStatusType {
        lastTransactionStatus.status
    }

    public func close() async {
        brokenFlag.set()
        _ = try? await threadPool.runIfActive { [handle] in handle.close() }
    }

    // MARK: - Blocking internals (blocking-pool threads only)

    private static func executeBlocking(_ connection: OpaquePointer, query: PostgresQuery, prepared: inout [String: String],
                                        broken: AtomicFlag) throws -> PostgresResult {
        let count = query.binds.count
        var values = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        var lengths = [Int32](repeating: 0, count: count)
        var formats = [Int32](repeating: 0, count: count)
        var types = [Oid](repeating: 0, count: count)
        defer { values.forEach { free($0) } }
        for (index, bind) in query.binds.enumerated() {
            switch bind {
            case .null:
                values[index] = nil
            case .text(let text):
                if text.utf8.contains(0) {
                    throw PostgresError(code: .encoding, message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold", query: query.sql)
                }
                values[index] = strdup(text)
            case .bytea(let bytes):
                // malloc'd like the text values, so one `free` releases every parameter.
                let buffer = malloc(max(bytes.count, 1))!
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
                }
                values[index] = buffer.assumingMemoryBound(to: CChar.self)
                lengths[index] = Int32(bytes.count)
                formats[index] = 1
                types[index] = PostgresTypeOID.bytea.rawValue
            }
        }
        var statementName: String?
        if query.usesPreparedStatement {
            if let name = prepared[query.sql] {
                statementName = name
            } else {
                let name = "hf_\(prepared.count + 1)"
                guard let result = PQprepare(connection, name, query.sql, Int32(count), count == 0 ? nil : types) else {
                    broken.set()
                    throw PostgresError(code: .connectionLost, message: connectionErrorMessage(connection), query: query.sql)
                }
                defer { PQclear(result) }
                try check(result: result, connection: connection, sql: query.sql, broken: broken)
                prepared[query.sql] = name
                statementName = name
            }
        }
        let result: OpaquePointer? = values.withUnsafeBufferPointer { valueBuffer in
            valueBuffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(count, 1)) { valuePointer in
                if let statementName {
                    return PQexecPrepared(connection, statementName, Int32(count), count == 0 ? nil : valuePointer,
                                          count == 0 ? nil : lengths, count == 0 ? nil : formats, 0)
                }
                return PQexecParams(connection, query.sql, Int32(count), count == 0 ? nil : types, count == 0 ? nil : valuePointer,
                                    count == 0 ? nil : lengths, count == 0 ? nil : formats, 0)
            }
        }
        guard let result else {
            broken.set()
            throw PostgresError(code: .connectionLost, message: connectionErrorMessage(connection), query: query.sql)
        }
        defer { PQclear(result) }
        try check(result: result, connection: connection, sql: query.sql, broken: broken)
        return decodeResult(result)
    }

    private static func check(result: OpaquePointer, connection: OpaquePointer, sql: String, broken: AtomicFlag) throws {
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            if PQstatus(connection) == CONNECTION_BAD {
                broken.set()
                throw PostgresError(code: .connectionLost, message: resultMessage(result) ?? connectionErrorMessage(connection),
                                    sqlState: field(result, "C"), query: sql)
            }
            let sqlState = field(result, "C")
            if let sqlState, PostgresError.discardsConnection(sqlState: sqlState) {
                // The session is still up but useless: a read-only node after a failover keeps
                // refusing writes; a server shutting down ends it anyway. Never reuse it.
                broken.set()
            }
            throw PostgresError(
                code: .server,
                message: field(result, "M") ?? resultMessage(result) ?? "statement failed",
                sqlState: field(result, "C"),
                detail: field(result, "D"),
                hint: field(result, "H"),
                constraint: field(result, "n"),
                table: field(result, "t"),
                column: field(result, "c"),
                query: sql
            )
        default:
            // COPY and pipeline states are never started by this client.
            broken.set()
            throw PostgresError(code: .protocolViolation, message: "unexpected result status \(String(cString: PQresStatus(status)))", query: sql)
        }
    }

    private static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
        return String(cString: value)
    }

    private static func resultMessage(_ result: OpaquePointer) -> String? {
        guard let text = PQresultErrorMessage(result) else { return nil }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? nil : message
    }

    private static func decodeResult(_ result: OpaquePointer) -> PostgresResult {
        let rowCount = Int(PQntuples(result))
        let fieldCount = Int(PQnfields(result))
        var names: [String] = []
        var types: [PostgresTypeOID] = []
        names.reserveCapacity(fieldCount)
        for column in 0..<fieldCount {
            names.append(String(cString: PQfname(result, Int32(column))))
            types.append(PostgresTypeOID(rawValue: PQftype(result, Int32(column))))
        }
        let columns = PostgresColumns(names: names, types: types)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(fieldCount)
            for column in 0..<fieldCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    let pointer = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))!)
                    values.append(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
        return PostgresResult(rows: rows, affectedRows: affected, columnNames: names)
    }
}
