#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key at the top of Holdfast's key hierarchy: 32 random bytes that wrap every tenant's data
/// key and live only in a file or an environment variable of the processes that need them, never
/// in the database.
///
/// Its `id` is a fingerprint of the key (`mk_` and 16 hex digits of an HMAC of a fixed label under
/// the key), so a wrapped blob names the key it needs, two different keys can never share an id,
/// and the id reveals nothing about the key. Generate a key with `openssl rand -base64 32`.
public struct MasterKey: Sendable, CustomStringConvertible {
    public static let byteCount = 32

    public let id: String
    let material: SecretBytes

    /// Takes 32 bytes of key material; the caller's array is cleansed.
    public init(consuming bytes: inout [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            let count = bytes.count
            bytes.cleanse()
            throw EnvelopeError(.invalidMasterKey, "a master key must be \(Self.byteCount) bytes, not \(count)")
        }
        self.material = SecretBytes(consuming: &bytes)
        self.id = Self.fingerprint(of: self.material)
    }

    /// A new random key (for tests and `holdfast keys generate`).
    public static func generate() -> MasterKey {
        var bytes = SecureRandom.bytes(Self.byteCount)
        // Cannot fail: the length is right.
        return try! MasterKey(consuming: &bytes)
    }

    /// Decodes standard base64 (padding and surrounding whitespace allowed) of exactly 32 bytes.
    ///
    /// - Parameter source: where the text came from, for error messages ("HOLDFAST_MASTER_KEY").
    public init(base64 text: String, source: String) throws {
        var utf8 = Array(text.utf8)
        defer { utf8.cleanse() }
        let trimmed = utf8.drop(while: Self.isWhitespace).reversed().drop(while: Self.isWhitespace).reversed()
        var unpadded = Array(trimmed.reversed().drop(while: { $0 == UInt8(ascii: "=") }).reversed())
        defer { unpadded.cleanse() }
        guard !unpadded.isEmpty, var decoded = Base64Alphabet.standard.decodeUnpadded(unpadded) else {
            throw EnvelopeError(.invalidMasterKey, "the master key in \(source) is not base64; generate one with `openssl rand -base64 32`")
        }
        guard decoded.count == Self.byteCount else {
            let count = decoded.count
            decoded.cleanse()
            throw EnvelopeError(.invalidMasterKey, "the master key in \(source) decodes to \(count) bytes; it must be \(Self.byteCount) (`openssl rand -base64 32`)")
        }
        try self.init(consuming: &decoded)
    }

    /// Reads the base64 key from `path`, refusing a file that its group or others may read or write.
    public init(contentsOfFile path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw EnvelopeError(.invalidMasterKey, "cannot open the master key file \(path): \(reason)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw EnvelopeError(.invalidMasterKey, "cannot stat the master key file \(path): \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw EnvelopeError(.invalidMasterKey, "the master key path \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw EnvelopeError(.insecureKeyFile, "the master key file \(path) has mode \(String(permissions, radix: 8)); its group and others must have no access (chmod 600 \(path))")
        }
        // A base64 key with a newline is 45 bytes; anything far larger is not a key file.
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer { buffer.cleanse() }
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw EnvelopeError(.invalidMasterKey, "cannot read the master key file \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            filled += count
        }
        guard filled < buffer.count else {
            throw EnvelopeError(.invalidMasterKey, "the master key file \(path) is too large to hold a base64 key")
        }
        var text = Array(buffer[..<filled])
        defer { text.cleanse() }
        try self.init(base64: String(decoding: text, as: UTF8.self), source: path)
    }

    public var description: String { "MasterKey(\(self.id))" }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func fingerprint(of key: SecretBytes) -> String {
        let mac = key.withTemporaryArray { HMACSHA256.authenticate(Array("holdfast master key id v1".utf8), key: $0) }
        return "mk_" + Hex.encode(mac.prefix(8))
    }
}
