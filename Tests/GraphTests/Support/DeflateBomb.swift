/// A gzip body that expands about 160-fold: `prefix`, then `count` spaces made of back-references
/// (fixed-Huffman deflate, RFC 1951 3.2.6), then `suffix`. Valid gzip with CRC and size, so a
/// client that accepts it decodes it; a few hundred KB become tens of MB.
enum DeflateBomb {
    static func gzip(prefix: String, spaces count: Int, suffix: String) -> [UInt8] {
        let runs = max(0, count - 1) / 258
        let spaces = 1 + runs * 258
        var plain = Array(prefix.utf8)
        var writer = BitWriter()
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE 01: fixed Huffman codes
        for byte in prefix.utf8 { writer.literal(byte) }
        writer.literal(0x20)
        for _ in 0..<runs {
            writer.huffman(0xC5, length: 8)  // length code 285: 258 bytes, no extra bits
            writer.huffman(0, length: 5)     // distance code 0: distance 1
        }
        for byte in suffix.utf8 { writer.literal(byte) }
        writer.huffman(0, length: 7)  // end of block (256)
        var crc = CRC32()
        crc.update(plain)
        crc.update(repeatElement(0x20, count: spaces))
        plain = Array(suffix.utf8)
        crc.update(plain)
        let size = UInt32(truncatingIfNeeded: prefix.utf8.count + spaces + suffix.utf8.count)
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        out += writer.finished
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc.value >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return out
    }

    /// Decompressed size of `gzip(prefix:spaces:suffix:)`.
    static func expandedSize(prefix: String, spaces count: Int, suffix: String) -> Int {
        prefix.utf8.count + 1 + max(0, count - 1) / 258 * 258 + suffix.utf8.count
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt8 = 0
        var used = 0

        /// `value`'s low `bits` bits, least significant first (header fields, extra bits).
        mutating func write(_ value: UInt32, bits: Int) {
            for index in 0..<bits { self.bit(UInt8((value >> UInt32(index)) & 1)) }
        }

        /// A Huffman code, most significant bit first.
        mutating func huffman(_ code: UInt32, length: Int) {
            for index in stride(from: length - 1, through: 0, by: -1) { self.bit(UInt8((code >> UInt32(index)) & 1)) }
        }

        /// A literal below 144: an 8-bit code from 0x30.
        mutating func literal(_ byte: UInt8) {
            precondition(byte < 144)
            self.huffman(0x30 + UInt32(byte), length: 8)
        }

        private mutating func bit(_ bit: UInt8) {
            self.current |= bit << UInt8(self.used)
            self.used += 1
            if self.used == 8 { self.flush() }
        }

        private mutating func flush() {
            self.bytes.append(self.current)
            self.current = 0
            self.used = 0
        }

        var finished: [UInt8] {
            var copy = self
            if copy.used > 0 { copy.flush() }
            return copy.bytes
        }
    }

    private struct CRC32 {
        static let table: [UInt32] = (0..<256).map { index in
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            return value
        }
        private var state: UInt32 = 0xFFFF_FFFF
        var value: UInt32 { self.state ^ 0xFFFF_FFFF }

        mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for byte in bytes { self.state = Self.table[Int((self.state ^ UInt32(byte)) & 0xFF)] ^ (self.state >> 8) }
        }
    }
}
