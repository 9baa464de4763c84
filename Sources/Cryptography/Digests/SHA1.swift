/// SHA-1, only for the certificate thumbprints protocols still ask for (JOSE `x5t`); never use it
/// where collision resistance matters.
public enum SHA1 {
    /// Bytes in a digest.
    public static let byteCount = 20

    public static func hash(_ data: some Sequence<UInt8>) -> [UInt8] {
        var context = DigestContext(.sha1)
        context.update(data)
        return context.finalize()
    }
}
