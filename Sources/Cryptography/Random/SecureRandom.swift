import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's default DRBG (`RAND_bytes`), which OpenSSL
/// seeds from the operating system and reseeds itself.
public enum SecureRandom {
    /// `count` random bytes.
    ///
    /// A failing RNG cannot be worked around (continuing would mean keys and nonces an attacker may
    /// predict), so this stops the process with OpenSSL's reason rather than throwing.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: count must not be negative")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            var offset = 0
            while offset < count {
                let chunk = min(count - offset, Int(Int32.max))
                guard RAND_bytes(buffer.baseAddress! + offset, Int32(chunk)) == 1 else {
                    let reasons = OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; ")
                    fatalError("OpenSSL's random number generator failed: \(reasons)")
                }
                offset += chunk
            }
            initializedCount = count
        }
    }

    /// `count` numbers, each uniform in `0..<bound` (1...256): random bytes at or above the largest
    /// multiple of `bound` are thrown away and drawn again (rejection sampling), so no number is
    /// likelier than another, as `byte % bound` would make the first `256 % bound` ones.
    public static func uniformIndices(_ count: Int, below bound: Int) -> [Int] {
        Self.uniformIndices(count, below: bound, source: Self.bytes)
    }

    static func uniformIndices(_ count: Int, below bound: Int, source: (Int) -> [UInt8]) -> [Int] {
        precondition((1...256).contains(bound), "SecureRandom.uniformIndices: bound must be in 1...256")
        precondition(count >= 0, "SecureRandom.uniformIndices: count must not be negative")
        let limit = 256 - 256 % bound
        var result: [Int] = []
        result.reserveCapacity(count)
        while result.count < count {
            for byte in source(count - result.count) where Int(byte) < limit && result.count < count {
                result.append(Int(byte) % bound)
            }
        }
        return result
    }

    /// A random (version 4) UUID in lowercase canonical form, e.g. `1b4e28ba-2fa1-4d2e-8f1b-6c5e2a3d4f70`.
    public static func uuid() -> String {
        var bytes = Self.bytes(16)
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 9562 variant
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, symbol) in Hex.encode(bytes).utf8.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 {
                text.append(UInt8(ascii: "-"))
            }
            text.append(symbol)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
