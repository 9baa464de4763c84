public import Foundation
public import HTTP
public import Logging
import Cryptography

/// Blobs in an S3 bucket (AWS or any S3-compatible service), one object per blob at
/// `<keyPrefix>tenants/<tenant id>/<blob id hex>`, signed with SigV4 by libcurl.
///
/// - `put` is a PUT with `If-None-Match: *`: S3 refuses (412) to overwrite an existing key, so
///   two writers of one id never both "write" it. When the tenant's policy has an immutability
///   window, the PUT carries `x-amz-object-lock-mode` and `-retain-until-date` (the bucket must be
///   created with Object Lock enabled); see ``RetentionLockingBlobStore`` for the rule.
/// - `contains` is a HEAD per id, `get` a GET, `list` ListObjectsV2 with `start-after`.
/// - `delete` removes the current version (HEAD for its version id, then DELETE `?versionId=`), so
///   garbage collection frees space in a versioned (Object Lock) bucket. A version whose
///   retain-until date has not passed is kept (S3 would refuse it with `AccessDenied`), and a
///   later collection deletes it; an `AccessDenied` all the same (a clock behind S3's) keeps it too.
///
/// Requests run concurrently (up to ``Configuration/maxConcurrentRequests`` per call) on the
/// shared ``HTTPClient``, whose libcurl thread never blocks Swift's cooperative pool. 500, 503
/// and conditional-write conflicts are retried three times.
public struct S3BlobStore: RetentionLockingBlobStore {
    public let configuration: Configuration
    let http: HTTPClient
    let immutability: any ImmutabilityWindowProvider
    let logger: Logger

    public init(configuration: Configuration, http: HTTPClient, immutability: any ImmutabilityWindowProvider, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.immutability = immutability
        self.logger = logger
    }

    // MARK: BlobStore

    public func put(_ blobs: [(id: BlobID, sealed: [UInt8])], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        guard !blobs.isEmpty else { return [] }
        let lockUntil = try await self.retentionTarget(tenantID: tenantID, at: Date())
        let results = try await self.concurrently(blobs.map { ($0.id, $0.sealed) }) { id, sealed in
            try await self.putOne(id, sealed, tenantID: tenantID, lockUntil: lockUntil, logger: logger) ? id : nil
        }
        return Set(results.compactMap { $0 })
    }

    public func get(_ id: BlobID, tenantID: UUID, logger: Logger) async throws -> [UInt8]? {
        let response = try await self.send(.get, key: self.key(id, tenantID), logger: logger)
        switch response.status {
        case 200: return response.body
        case 404: return nil
        default: throw self.error(response, "GET", self.key(id, tenantID))
        }
    }

    public func contains(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        let present = try await self.concurrently(ids) { id in try await self.head(id, tenantID: tenantID, logger: logger) != nil ? id : nil }
        return Set(present.compactMap { $0 })
    }

    @discardableResult
    public func delete(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        let now = Date()
        let deleted = try await self.concurrently(ids) { id -> Bool in
            let key = self.key(id, tenantID)
            guard let headers = try await self.head(id, tenantID: tenantID, logger: logger) else { return false }
            if let until = headers["x-amz-object-lock-retain-until-date"].flatMap(Self.parseDate), until > now { return false }
            var query: [(String, String)] = []
            if let version = headers["x-amz-version-id"], version != "null" { query.append(("versionId", version)) }
            let response = try await self.send(.delete, key: key, query: query, logger: logger)
            switch response.status {
            case 200, 204: return true
            case 404: return false
            case 403 where S3XML.firstValue(of: "Code", in: String(decoding: response.body, as: UTF8.self)) == "AccessDenied"
                && headers["x-amz-object-lock-mode"] != nil:
                return false
            default: throw self.error(response, "DELETE", key)
            }
        }
        return Set(zip(ids, deleted).filter(\.1).map(\.0))
    }

    public func list(tenantID: UUID, after: BlobID?, limit: Int, logger: Logger) async throws -> [BlobID] {
        let prefix = self.tenantPrefix(tenantID)
        var ids: [BlobID] = []
        var continuation: String?
        while ids.count < limit {
            var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(min(1000, limit - ids.count)))]
            if let continuation {
                query.append(("continuation-token", continuation))
            } else if let after {
                query.append(("start-after", prefix + after.hex))
            }
            let response = try await self.send(.get, key: nil, query: query, logger: logger)
            guard response.status == 200 else { throw self.error(response, "LIST", prefix) }
            let xml = String(decoding: response.body, as: UTF8.self)
            for key in S3XML.values(of: "Key", in: xml) where key.hasPrefix(prefix) {
                if let id = BlobID(hex: String(key.dropFirst(prefix.count))) { ids.append(id) }
            }
            guard S3XML.firstValue(of: "IsTruncated", in: xml) == "true",
                  let token = S3XML.firstValue(of: "NextContinuationToken", in: xml) else { break }
            continuation = token
        }
        return Array(ids.prefix(limit))
    }

    // MARK: Object Lock

    public func retentionTarget(tenantID: UUID, at date: Date) async throws -> Date? {
        let window = try await self.immutability.immutabilityWindow(tenantID: tenantID)
        guard window > 0 else { return nil }
        return lockDate(from: date, window: window, granularity: self.configuration.lockGranularity)
    }

    public func extendRetention(_ ids: [BlobID], tenantID: UUID, until: Date) async throws {
        let body = Array("""
            <Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>\(self.configuration.lockMode.rawValue)</Mode>\
            <RetainUntilDate>\(Self.format(until))</RetainUntilDate></Retention>
            """.utf8)
        _ = try await self.concurrently(ids) { id -> Bool in
            // Look first: a blob already locked long enough needs no request, and some S3-compatible
            // servers (moto) would let a PUT shorten a COMPLIANCE lock that AWS refuses to shorten.
            guard let stored = try await self.head(id, tenantID: tenantID) else { return false }
            if let current = stored["x-amz-object-lock-retain-until-date"].flatMap(Self.parseDate), current >= until { return true }
            let key = self.key(id, tenantID)
            var headers: HTTPHeaders = ["Content-Type": "application/xml"]
            for field in Self.checksumHeaders(body) { headers.add(name: field.name, value: field.value) }
            let response = try await self.send(.put, key: key, query: [("retention", "")], body: body, headers: headers)
            switch response.status {
            case 200, 204: return true
            case 404: return false
            default: throw self.error(response, "PUT retention", key)
            }
        }
    }

    /// The Object Lock on a stored blob: its mode and date, or nil when it is not stored or not locked.
    public func lock(of id: BlobID, tenantID: UUID) async throws -> (mode: LockMode, until: Date)? {
        guard let headers = try await self.head(id, tenantID: tenantID),
              let mode = headers["x-amz-object-lock-mode"].flatMap({ LockMode(rawValue: $0.uppercased()) }),
              let until = headers["x-amz-object-lock-retain-until-date"].flatMap(Self.parseDate) else { return nil }
        return (mode, until)
    }

    // MARK: Requests

    private func putOne(_ id: BlobID, _ sealed: [UInt8], tenantID: UUID, lockUntil: Date?, logger: Logger) async throws -> Bool {
        let key = self.key(id, tenantID)
        var headers: HTTPHeaders = [
            "If-None-Match": "*",
            "Content-Type": "application/octet-stream",
        ]
        // Object Lock uploads need a checksum (Content-MD5 or an SDK checksum); SHA-256 also
        // lets S3 reject a body damaged in transit.
        for field in Self.checksumHeaders(sealed) { headers.add(name: field.name, value: field.value) }
        if let lockUntil {
            headers.add(name: "x-amz-object-lock-mode", value: self.configuration.lockMode.rawValue)
            headers.add(name: "x-amz-object-lock-retain-until-date", value: Self.format(lockUntil))
        }
        let response = try await self.send(.put, key: key, body: sealed, headers: headers, logger: logger)
        switch response.status {
        case 200: return true
        case 412:
            // Already stored (a de-duplication hit raced past `contains`): it must be locked as
            // long as a blob written now.
            if let lockUntil { try await self.extendRetention([id], tenantID: tenantID, until: lockUntil) }
            return false
        default: throw self.error(response, "PUT", key)
        }
    }

    /// The blob's response headers, or nil when it is not stored.
    private func head(_ id: BlobID, tenantID: UUID, logger: Logger? = nil) async throws -> HTTPHeaders? {
        let key = self.key(id, tenantID)
        let response = try await self.send(.head, key: key, logger: logger)
        switch response.status {
        case 200: return response.headers
        case 404: return nil
        default: throw self.error(response, "HEAD", key)
        }
    }

    /// One signed request, retried on 500, 503, 409 (conflicting conditional writes) and
    /// transport failures.
    private func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], body: [UInt8]? = nil,
                      headers: HTTPHeaders = [:], logger: Logger? = nil) async throws -> HTTPResponse {
        let logger = logger ?? self.logger
        var request = HTTPRequest(method: method, url: self.url(key: key, query: query), headers: headers, body: body)
        request.awsSigV4 = "aws:amz:\(self.configuration.region):s3"
        request.credentials = .init(username: self.configuration.accessKeyID, password: self.configuration.secretAccessKey)
        let operation = "\(method) \(self.configuration.bucket)/\(key ?? "")"
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await self.http.execute(request, logger: logger)
                if [500, 503, 409].contains(response.status) && attempt < 4 {
                    logger.debug("S3 asked to retry", metadata: ["s3.operation": "\(operation)", "http.status": "\(response.status)"])
                    try await Task.sleep(for: .milliseconds(100 * (1 << attempt)))
                    continue
                }
                return response
            } catch let error as HTTPClientError {
                guard attempt < 4 && error.code != .invalidRequest && error.code != .shutDown else {
                    throw S3Error(code: .transport, message: "no response from \(self.configuration.endpoint): \(error.code)",
                                  operation: operation, underlying: error)
                }
                try await Task.sleep(for: .milliseconds(100 * (1 << attempt)))
            }
        }
    }

    private func error(_ response: HTTPResponse, _ method: String, _ key: String) -> S3Error {
        var headers: [String: String] = [:]
        if let id = response.headers["x-amz-request-id"] ?? response.headers["x-amzn-requestid"] { headers["x-amz-request-id"] = id }
        return S3Error.from(status: response.status, body: response.body, headers: headers,
                            operation: "\(method) \(self.configuration.bucket)/\(key)")
    }

    /// Runs `body` over `items` with at most `maxConcurrentRequests` in flight; results in order.
    private func concurrently<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        guard !items.isEmpty else { return [] }
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(self.configuration.maxConcurrentRequests, items.count) {
                let index = next
                group.addTask { (index, try await body(items[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, try await body(items[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    // MARK: Names

    func tenantPrefix(_ tenantID: UUID) -> String {
        "\(self.configuration.keyPrefix)tenants/\(tenantID.uuidString.lowercased())/"
    }

    func key(_ id: BlobID, _ tenantID: UUID) -> String {
        self.tenantPrefix(tenantID) + id.hex
    }

    func url(key: String?, query: [(String, String)]) -> String {
        let endpoint = self.configuration.endpoint
        var url: String
        if self.configuration.pathStyle {
            url = "\(endpoint)/\(Self.encode(self.configuration.bucket, keepSlash: false))/"
        } else {
            let schemeEnd = endpoint.range(of: "://")?.upperBound ?? endpoint.startIndex
            url = String(endpoint[..<schemeEnd]) + self.configuration.bucket + "." + String(endpoint[schemeEnd...]) + "/"
        }
        if let key { url += Self.encode(key, keepSlash: true) }
        if !query.isEmpty {
            // SigV4 signs the query sorted by name; send it sorted and fully encoded as it is signed.
            url += "?" + query.sorted { $0.0 < $1.0 }.map { name, value in
                value.isEmpty && name == "retention" ? name : "\(Self.encode(name, keepSlash: false))=\(Self.encode(value, keepSlash: false))"
            }.joined(separator: "&")
        }
        return url
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (and `/` in keys), as SigV4 wants.
    static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func checksumHeaders(_ body: [UInt8]) -> [(name: String, value: String)] {
        [("x-amz-sdk-checksum-algorithm", "SHA256"), ("x-amz-checksum-sha256", Data(SHA256.hash(body)).base64EncodedString())]
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    static func parseDate(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }
}
