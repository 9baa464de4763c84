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

        /// Reads `HOLDFAST_S3_*` variables; nil when `HOLDFAST_S3_BUCKET` is unset (no S3 store).
        /// The secret comes from `HOLDFAST_S3_SECRET_ACCESS_KEY_FILE` (preferred) or
        /// `HOLDFAST_S3_SECRET_ACCESS_KEY`.
        public static func fromEnvironment(_ environment: [String: String]) throws -> Configuration? {
            guard let bucket = environment["HOLDFAST_S3_BUCKET"], !bucket.isEmpty else { return nil }
            func required(_ name: String) throws -> String {
                guard let value = environment[name], !value.isEmpty else {
                    throw VaultError(.storage, "HOLDFAST_S3_BUCKET is set but \(name) is not")
                }
                return value
            }
            let secret: String
            if let file = environment["HOLDFAST_S3_SECRET_ACCESS_KEY_FILE"], !file.isEmpty {
                do {
                    secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                } catch {
                    throw VaultError(.storage, "cannot read HOLDFAST_S3_SECRET_ACCESS_KEY_FILE (\(file))", underlying: error)
                }
            } else {
                secret = try required("HOLDFAST_S3_SECRET_ACCESS_KEY")
            }
            var configuration = Configuration(endpoint: try required("HOLDFAST_S3_ENDPOINT"),
                                              region: environment["HOLDFAST_S3_REGION"] ?? "us-east-1", bucket: bucket,
                                              accessKeyID: try required("HOLDFAST_S3_ACCESS_KEY_ID"), secretAccessKey: secret)
            if let style = environment["HOLDFAST_S3_PATH_STYLE"] {
                guard let value = ["true": true, "1": true, "false": false, "0": false][style.lowercased()] else {
                    throw VaultError(.storage, "HOLDFAST_S3_PATH_STYLE must be true or false, not '\(style)'")
                }
                configuration.pathStyle = value
            }
            if let prefix = environment["HOLDFAST_S3_KEY_PREFIX"] { configuration.keyPrefix = prefix }
            if let mode = environment["HOLDFAST_S3_LOCK_MODE"] {
                guard let value = LockMode(rawValue: mode.uppercased()) else {
                    throw VaultError(.storage, "HOLDFAST_S3_LOCK_MODE must be COMPLIANCE or GOVERNANCE, not '\(mode)'")
                }
                configuration.lockMode = value
            }
            if let granularity = environment["HOLDFAST_S3_LOCK_GRANULARITY_SECONDS"] {
                guard let value = TimeInterval(granularity), value >= 1 else {
                    throw VaultError(.storage, "HOLDFAST_S3_LOCK_GRANULARITY_SECONDS must be a number of seconds ≥ 1")
                }
                configuration.lockGranularity = value
            }
            return configuration
        }

        public var description: String {
            "S3BlobStore.Configuration(endpoint: \(self.endpoint), region: \(self.region), bucket: \(self.bucket), "
                + "accessKeyID: \(self.accessKeyID), secretAccessKey: <redacted>, pathStyle: \(self.pathStyle), "
                + "keyPrefix: \(self.keyPrefix), lockMode: \(self.lockMode.rawValue))"
        }
    }
}
