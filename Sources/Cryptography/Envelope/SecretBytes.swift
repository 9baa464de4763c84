import COpenSSL

/// Secret key material or plaintext in memory owned by one object, overwritten with zeros
/// (`OPENSSL_cleanse`, which the optimiser may not remove) when the last reference goes away.
///
/// `description` never shows the bytes, so a `SecretBytes` interpolated into a log line by mistake
/// prints its length only.
// @unchecked Sendable: the buffer is written once, in `init`, before the object is shared, and is
// only read afterwards (and cleansed in `deinit`, when no other reference can exist).
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let storage: UnsafeMutableRawBufferPointer

    /// Takes a copy of `bytes` and cleanses the caller's array, which the caller gives up.
    public init(consuming bytes: inout [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress {
                storage.baseAddress!.copyMemory(from: base, byteCount: source.count)
            }
        }
        self.storage = storage
        self.count = bytes.count
        bytes.cleanse()
        bytes = []
    }

    /// Copies `bytes` (for inputs the caller cannot cleanse, such as decoded configuration text).
    public convenience init(copying bytes: some Collection<UInt8>) {
        var copy = Array(bytes)
        self.init(consuming: &copy)
    }

    /// `count` random bytes from `SecureRandom`.
    public static func random(count: Int) -> SecretBytes {
        var bytes = SecureRandom.bytes(count)
        return SecretBytes(consuming: &bytes)
    }

    deinit {
        OPENSSL_cleanse(self.storage.baseAddress, self.storage.count)
        self.storage.deallocate()
    }

    public let count: Int

    /// Runs `body` with the bytes; the pointer must not escape.
    public func withUnsafeBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        try body(UnsafeRawBufferPointer(rebasing: self.storage[0..<self.count]))
    }

    /// Runs `body` with a temporary array copy that is cleansed when `body` returns (for APIs that
    /// take `[UInt8]`).
    public func withTemporaryArray<T, E: Error>(_ body: ([UInt8]) throws(E) -> T) throws(E) -> T {
        var copy = self.withUnsafeBytes { Array($0) }
        defer { copy.cleanse() }
        return try body(copy)
    }

    /// Compares in constant time.
    public func isEqual(to other: SecretBytes) -> Bool {
        guard self.count == other.count else { return false }
        return self.withUnsafeBytes { lhs in
            other.withUnsafeBytes { rhs in
                CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0
            }
        }
    }

    public var description: String { "SecretBytes(\(self.count) bytes, redacted)" }
    public var debugDescription: String { self.description }
}

extension Array where Element == UInt8 {
    /// Overwrites the array's storage with zeros in a way the optimiser keeps. Only useful on an
    /// array whose storage is not shared with another copy.
    public mutating func cleanse() {
        self.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress {
                OPENSSL_cleanse(base, buffer.count)
            }
        }
    }
}
