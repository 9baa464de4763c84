public import Cryptography
import NIOPosix

/// Hashes and checks console passwords with scrypt.
///
/// Stored form: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (salt 16 random bytes, hash 32
/// bytes, both base64url), so each hash keeps the parameters it was made with and raising the
/// default later does not lock anybody out. The work runs on NIO's blocking thread pool: a hash
/// takes 128 MiB and a good part of a second with the default parameters, which must not stall
/// Swift's cooperative pool, and the pool's size (one thread per core) bounds the memory that
/// concurrent sign-ins can take.
public struct PasswordHasher: Sendable {
    public let parameters: Scrypt.Parameters

    static let saltByteCount = 16
    static let hashByteCount = 32
    /// Longest password accepted, in UTF-8 bytes: anything longer is refused before hashing.
    public static let maximumPasswordBytes = 1024

    public init(parameters: Scrypt.Parameters = .recommended) {
        self.parameters = parameters
    }

    public func hash(_ password: String) async throws -> String {
        let salt = SecureRandom.bytes(Self.saltByteCount)
        let parameters = self.parameters
        let bytes = Array(password.utf8)
        let derived = try await NIOThreadPool.singleton.runIfActive {
            try Scrypt.deriveKey(password: bytes, salt: salt, parameters: parameters, outputByteCount: Self.hashByteCount)
        }
        return "$scrypt$ln=\(parameters.logCost),r=\(parameters.blockSize),p=\(parameters.parallelism)$"
            + Base64URL.encode(salt) + "$" + Base64URL.encode(derived)
    }

    /// Whether `password` is the one `stored` was made from. A stored value that does not parse,
    /// or names parameters outside the accepted ranges, never matches.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        guard let parsed = Self.parse(stored) else { return false }
        let bytes = Array(password.utf8)
        let derived = try await NIOThreadPool.singleton.runIfActive {
            try Scrypt.deriveKey(password: bytes, salt: parsed.salt, parameters: parsed.parameters, outputByteCount: parsed.hash.count)
        }
        return HMAC.constantTimeEquals(derived, parsed.hash)
    }

    /// Spends the time a verification would, for a user name that does not exist, so the answer's
    /// timing does not tell which names do.
    public func wasteEquivalentTime(_ password: String) async throws {
        _ = try await hash(password)
    }

    static func parse(_ stored: String) -> (parameters: Scrypt.Parameters, salt: [UInt8], hash: [UInt8])? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for field in parts[2].split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[String(pair[0])] = value
        }
        guard let logCost = values["ln"], let blockSize = values["r"], let parallelism = values["p"],
              let salt = Base64URL.decode(String(parts[3])), let hash = Base64URL.decode(String(parts[4])),
              salt.count >= 8, (16...64).contains(hash.count) else { return nil }
        let parameters = Scrypt.Parameters(logCost: logCost, blockSize: blockSize, parallelism: parallelism)
        guard parameters.isAcceptable else { return nil }
        return (parameters, salt, hash)
    }
}
