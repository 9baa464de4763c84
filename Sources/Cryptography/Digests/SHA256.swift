/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// Bytes in a digest.
    public static let byteCount = 32

    public static func hash(_ data: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(data)
        return hasher.finalize()
    }

    /// A SHA-256 computation fed in pieces, for data that arrives as a stream.
    ///
    /// `~Copyable` because it owns an OpenSSL digest context: copying would share it, and
    /// `finalize()` consumes the hasher so nothing can be added after the digest is taken.
    public struct Hasher: ~Copyable {
        private var context: DigestContext

        public init() {
            self.context = DigestContext(.sha256)
        }

        public mutating func update(_ data: some Sequence<UInt8>) {
            self.context.update(data)
        }

        public mutating func update(bufferPointer: UnsafeRawBufferPointer) {
            self.context.update(bufferPointer)
        }

        public consuming func finalize() -> [UInt8] {
            self.context.finalize()
        }
    }
}
