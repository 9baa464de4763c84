/// An S3 request failed. `code` is S3's error code (`NoSuchBucket`, `AccessDenied`,
/// `InvalidRequest`…) when the server sent an XML error, else a transport or status summary;
/// `requestID` is what the provider's support asks for.
public struct S3Error: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The credentials may not do this, or (on DELETE/retention) an Object Lock forbids it.
        public static let accessDenied = Code("AccessDenied")
        public static let noSuchBucket = Code("NoSuchBucket")
        public static let noSuchKey = Code("NoSuchKey")
        public static let preconditionFailed = Code("PreconditionFailed")
        /// Two conditional writes of one key raced; retry.
        public static let conditionalRequestConflict = Code("ConditionalRequestConflict")
        public static let signatureDoesNotMatch = Code("SignatureDoesNotMatch")
        public static let invalidAccessKeyID = Code("InvalidAccessKeyId")
        /// Object Lock headers on a bucket created without Object Lock.
        public static let invalidRequest = Code("InvalidRequest")
        /// No response arrived (connection refused, timeout, TLS); `underlying` says which.
        public static let transport = Code("transport")
        /// A response without a parsable S3 error body.
        public static let unexpectedResponse = Code("unexpectedResponse")

        public var description: String { self.rawValue }
    }

    public var code: Code
    /// S3's message, or ours.
    public var message: String
    public var status: Int?
    public var requestID: String?
    /// `METHOD bucket/key` (no query, no credentials).
    public var operation: String
    public var underlying: (any Error)?

    public init(code: Code, message: String, status: Int? = nil, requestID: String? = nil, operation: String,
                underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String {
        var text = "S3Error.\(self.code): \(self.message) (\(self.operation)"
        if let status { text += ", HTTP \(status)" }
        if let requestID { text += ", request id \(requestID)" }
        return text + ")"
    }

    public static func == (lhs: S3Error, rhs: S3Error) -> Bool { lhs.code == rhs.code }

    /// The error a non-2xx response describes: S3's XML `<Error>` if there is one.
    static func from(status: Int, body: [UInt8], headers: [String: String], operation: String) -> S3Error {
        let xml = String(decoding: body, as: UTF8.self)
        let requestID = S3XML.firstValue(of: "RequestId", in: xml) ?? headers["x-amz-request-id"]
        if let code = S3XML.firstValue(of: "Code", in: xml) {
            return S3Error(code: Code(code), message: S3XML.firstValue(of: "Message", in: xml) ?? code, status: status,
                           requestID: requestID, operation: operation)
        }
        // HEAD responses have no body: name the usual meaning of the status.
        let code: Code = switch status {
        case 403: .accessDenied
        case 404: .noSuchKey
        case 412: .preconditionFailed
        case 409: .conditionalRequestConflict
        default: .unexpectedResponse
        }
        return S3Error(code: code, message: "HTTP \(status) without an S3 error body", status: status, requestID: requestID,
                       operation: operation)
    }
}
