/// An error of the console's stores and pages. `message` is safe to show the user; equality is on
/// the code.
public struct ConsoleError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A form field or query parameter is malformed; the message names it.
        public static let invalidInput = Code("invalidInput")
        /// No such user, tenant or job (or not one the viewer may see: the same answer).
        public static let notFound = Code("notFound")
        /// The request did not come from a console page of this origin, or its form token is wrong.
        public static let forgedRequest = Code("forgedRequest")
        /// The viewer's role may not do this.
        public static let forbidden = Code("forbidden")
        /// The name is taken, or the user is already in the state asked for.
        public static let conflict = Code("conflict")
        /// This coordinator cannot do it (no master key, so no vault or Graph credentials).
        public static let unavailable = Code("unavailable")
        /// The database failed.
        public static let storage = Code("storage")

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "ConsoleError.\(code): \(message)" }

    public static func == (lhs: ConsoleError, rhs: ConsoleError) -> Bool { lhs.code == rhs.code }
}
