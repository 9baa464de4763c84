import CZstd

/// zstd one-shot compression. Objects are small (a few KB), so a frame per object is enough and
/// each blob decompresses on its own.
enum Zstd {
    /// Level 3 is zstd's default: fast, and JSON still shrinks 5–10×.
    static let level: Int32 = 3
    /// A Graph object is far below this; a frame claiming more is corrupt or hostile.
    static let maximumDecompressedSize = 64 << 20

    static func compress(_ input: [UInt8]) throws(VaultError) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { source in
                ZSTD_compress(out.baseAddress, bound, source.baseAddress, input.count, level)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw VaultError(.compression, "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
        }
        output.removeSubrange(written...)
        return output
    }

    static func decompress(_ input: [UInt8]) throws(VaultError) -> [UInt8] {
        let size = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, input.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are the two largest UInt64 values; we always write the size.
        guard size < UInt64.max - 1, size <= UInt64(maximumDecompressedSize) else {
            throw VaultError(.compression, "a blob's zstd frame has no valid content size")
        }
        var output = [UInt8](repeating: 0, count: Int(size))
        let capacity = output.count
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { source in
                ZSTD_decompress(out.baseAddress, capacity, source.baseAddress, input.count)
            }
        }
        if ZSTD_isError(written) != 0 || written != capacity {
            throw VaultError(.compression, "zstd decompression failed")
        }
        return output
    }
}
