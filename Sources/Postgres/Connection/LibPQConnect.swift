import CLibPQ
import Foundation

/// Blocking `PQconnectdbParams`, shared by pooled and listening sessions. Call off the cooperative pool.
enum LibPQConnect {
    /// Returns an open `PGconn*` that the caller owns, or throws with libpq's message.
    static func open(_ configuration: PostgresConfiguration, applicationName: String) throws -> OpaquePointer {
        // `dbname` is expanded (expand_dbname = 1), so a URL or conninfo given there overrides the
        // defaults listed before it; empty values fall back to the PG* environment.
        let defaults = configuration.connectionDefaults
        let keywords = defaults.map(\.keyword) + ["fallback_application_name", "dbname"]
        let values = defaults.map(\.value) + [applicationName, configuration.connectionString]
        let keywordPointers = keywords.map { strdup($0) }
        let valuePointers = values.map { strdup($0) }
        defer {
            keywordPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        var keywordArray: [UnsafePointer<CChar>?] = keywordPointers.map { UnsafePointer($0) } + [nil]
        var valueArray: [UnsafePointer<CChar>?] = valuePointers.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(&keywordArray, &valueArray, 1) else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = errorMessage(connection)
            PQfinish(connection)
            let target = configuration.redactedConnectionString.isEmpty
                ? "PostgreSQL (PG* environment)" : configuration.redactedConnectionString
            throw PostgresError(code: .connectionFailed, message: "cannot connect to \(target): \(message)")
        }
        // Server notices ("relation already exists, skipping") would otherwise go to stderr unstructured.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return connection
    }

    static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown error" }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "unknown error" : message
    }
}
