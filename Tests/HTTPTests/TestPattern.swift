/// The bytes the test server's `/large` route sends, so a client can check a body byte for byte.
enum TestPattern {
    static func byte(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13 ^ index)
    }

    /// The first 32 MiB, computed once: debug builds are slow to make 20 MiB a byte at a time.
    private static let prefix: [UInt8] = [UInt8](unsafeUninitializedCapacity: 32 * 1024 * 1024) { buffer, count in
        for index in buffer.indices {
            buffer[index] = byte(at: index)
        }
        count = buffer.count
    }

    static func bytes(_ range: Range<Int>) -> [UInt8] {
        range.upperBound <= prefix.count ? Array(prefix[range]) : range.map(byte(at:))
    }
}
