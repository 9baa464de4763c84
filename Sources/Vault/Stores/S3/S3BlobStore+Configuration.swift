public import Foundation

extension S3BlobStore {
    /// Object Lock mode for locked blobs. COMPLIANCE: nobody, not even the root account, can delete
    /// a blob or shorten its lock before the date. GOVERNANCE: principals with
    /// `s3:BypassGovernanceRetention` can.
    public enum LockMode: String, Sendable, CaseIterable {
        case compliance = "COMPLIANCE"
        case governance = "GOVERNANCE"
    }

    /// Where and how blobs are stored in S3 (or an S3-compatible service). See
    /// docs/configuration.md for the environment variables that fill it.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`; no trailing path.
        public var endpoint: String
        /// Signing region (`us-east-1` for most S3-compatible services).
        public var region: String
        public var bucket: String
        public var accessKeyID: String
        public var secretAccessKey: String
        /// `endpoint/bucket/key` (true: MinIO, moto, most S3-compatible services) or
        /// `bucket.endpoint-host/key` (false: AWS's virtual-hosted style). Default true.
        public var pathStyle: Bool
        /// Put before `tenants/<tenant id>/<blob id>`, e.g. `holdfast/`. Default empty.
        public var keyPrefix: String
        /// Default COMPLIANCE.
        public var lockMode: LockMode
        /// Lock dates are rounded up to a multiple of this many seconds (see
        /// ``RetentionLockingBlobStore``): longer means fewer whole-map extensions and blobs that
        /// stay locked up to this much past the window. Default 1 day.
        public var lockGranularity: TimeInterval
        /// Requests in flight at once per call. Default 16.
        public var maxConcurrentRequests: Int

        public init(endpoint: String, region: String = "us-east-1", bucket: String, accessKeyID: String, secretAccessKey: String,
                    pathStyle: Bool = true, keyPrefix: String = "", lockMode: LockMode = .compliance,
                    lockGranularity: TimeInterval = 86_400, maxConcurrentRequests: Int = 16) {
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.region = region
            self.bucket = bucket
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.pathStyle = pathStyle
            self.keyPrefix = keyPrefix
            self.lockMode = lockMode
            self.lockGranularity = lockGranularity
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        }

        public var description: String {
            "S3BlobStore.Configuration(endpoint: \(self.endpoint), region: \(self.region), bucket: \(self.bucket), "
                + "accessKeyID: \(self.accessKeyID), secretAccessKey: <redacted>, pathStyle: \(self.pathStyle), "
                + "keyPrefix: \(self.keyPrefix), lockMode: \(self.lockMode.rawValue))"
        }
    }
}
