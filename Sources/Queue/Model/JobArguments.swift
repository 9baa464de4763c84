public import Foundation

/// A job kind's arguments as a type (River's `JobArgs`): the kind they belong to, their JSON
/// shape (`Codable`), and the checks their values must pass. A job is enqueued only with
/// arguments that decode as its kind's type and pass ``validate()``, so a bad argument is refused
/// at enqueue, naming the field, and never reaches a worker.
///
/// Declared in the module that owns the kind (`Jobs.BackupArguments`, `Compliance.WebhookArguments`, …);
/// the composition root lists them in ``EnqueueChecks``.
public protocol JobArguments: Codable, Sendable {
    static var kind: JobKind { get }
    /// Whether a job of this kind must, may or must not name a tenant.
    static var tenant: JobTenantRequirement { get }
    /// Whether a suspended or offboarded tenant may still have jobs of this kind (retention of
    /// what was kept); a tenant that does not exist never may.
    static var servesInactiveTenants: Bool { get }
    /// The top-level fields the JSON may have; nil: those encoding a decoded value writes (or
    /// leaves out as nil). A field outside them is refused, so a misspelt one is not ignored.
    static var fieldNames: Set<String>? { get }
    /// Checks the values; throws ``QueueError/Code/invalidArguments`` naming the field.
    func validate() throws(QueueError)
}

extension JobArguments {
    public static var tenant: JobTenantRequirement { .required }
    public static var servesInactiveTenants: Bool { false }
    public static var fieldNames: Set<String>? { nil }
    public func validate() throws(QueueError) {}

    /// This kind's arguments in `text`, decoded and validated; the error names the field.
    public static func decode(_ text: String) throws(QueueError) -> Self {
        let value: Self
        do {
            value = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw QueueError(code: .invalidArguments, message: "\(Self.kind) job arguments: \(JobArgumentsField.describe(error))")
        } catch {
            throw QueueError(code: .invalidArguments, message: "\(Self.kind) job arguments are not a JSON object: \(error)")
        }
        if let unknown = Self.unknownFields(in: text, decoded: value) {
            throw QueueError(code: .invalidArguments, message: "\(Self.kind) job arguments: unknown field '\(unknown)'")
        }
        try value.validate()
        return value
    }

    /// The first top-level field of `text` the type does not have (a misspelt `ful` would
    /// otherwise be ignored): one that decoding dropped, so encoding does not write it back.
    private static func unknownFields(in text: String, decoded: Self) -> String? {
        guard let input = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        if let names = Self.fieldNames { return input.keys.sorted().first { !names.contains($0) } }
        guard let encoded = try? JSONEncoder().encode(decoded),
              let known = try? JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return nil }
        return input.keys.sorted().first { known[$0] == nil && !(input[$0] is NSNull) }
    }

    /// Refuses `field` with `reason` (for ``validate()``).
    public static func invalid(_ field: String, _ reason: String) -> QueueError {
        QueueError(code: .invalidArguments, message: "\(Self.kind) job argument '\(field)' \(reason)")
    }
}

/// Whether a job kind names a tenant.
public enum JobTenantRequirement: Sendable {
    case required, optional, none
}

/// Turns a `DecodingError` into a sentence that names the field.
enum JobArgumentsField {
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "'\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' is required"
        case .typeMismatch(let type, let context):
            return "'\(path(context.codingPath))' must be \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "'\(path(context.codingPath))' must be \(Self.name(of: type)), not null"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? "not valid JSON" : "'\(field)' is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is UUID.Type: "a UUID"
        default: "a \(type)"
        }
    }
}

/// A handler of one kind whose arguments it receives decoded and validated (River's
/// `Worker[T JobArgs]`): `kind` comes from the arguments type.
public protocol TypedJobHandler: JobHandler {
    associatedtype Arguments: JobArguments
    func run(_ job: Job, arguments: Arguments, context: JobContext) async throws
}

extension TypedJobHandler {
    public var kind: JobKind { Arguments.kind }

    /// Decodes the job's arguments; a job whose arguments do not decode (inserted before its kind
    /// was typed, or by hand) is discarded with the reason, since retrying cannot fix it.
    public func run(_ job: Job, context: JobContext) async throws {
        let arguments: Arguments
        do {
            arguments = try Arguments.decode(job.arguments)
        } catch {
            throw PermanentJobError("job \(job.id): \(error.message)", underlying: error)
        }
        try await self.run(job, arguments: arguments, context: context)
    }
}
