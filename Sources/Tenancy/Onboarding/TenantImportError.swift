/// Why a bulk onboarding file (``TenantImportFile``) or import request (``TenantImport``) was
/// refused before any tenant was added, and where: the row (the CSV record, counting the header
/// as row 1, or the JSON array's element from 1) and the column.
///
/// `description` quotes cells of the file (never a credential: the file only names credentials).
public struct TenantImportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable { case malformedFile, fileTooLarge, invalidRequest }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file is not CSV or JSON as documented, or a row holds a value that cannot be
        /// onboarded (an empty name, a tenant that is neither a GUID nor a domain, a repeated
        /// tenant, an unknown policy or credential reference, text that is not UTF-8).
        public static let malformedFile = Self(.malformedFile)
        /// More bytes or rows than ``TenantImportFile/maximumBytes`` or ``TenantImportFile/maximumRows``.
        public static let fileTooLarge = Self(.fileTooLarge)
        /// The request around the file is wrong (a concurrency out of range, no credential).
        public static let invalidRequest = Self(.invalidRequest)

        public var description: String {
            switch self.base {
            case .malformedFile: "malformedFile"
            case .fileTooLarge: "fileTooLarge"
            case .invalidRequest: "invalidRequest"
            }
        }
    }

    public let code: Code
    /// 1-based; nil when the fault is not in one row (an empty file, a JSON syntax error).
    public let row: Int?
    /// The column's name (`name`, `tenant`, `partner`, `policy`, `credential`) or nil.
    public let column: String?
    public let message: String

    public init(_ code: Code, row: Int? = nil, column: String? = nil, _ message: String) {
        self.code = code
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        switch (row, column) {
        case (let row?, let column?): "row \(row), column \(column): \(message)"
        case (let row?, nil): "row \(row): \(message)"
        case (nil, let column?): "column \(column): \(message)"
        case (nil, nil): message
        }
    }
}
