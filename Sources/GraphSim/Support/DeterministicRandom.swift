/// A seeded xoshiro256** generator: the same seed always yields the same tenant.
///
/// Not for secrets (client secrets and keys come from `SecureRandom`); it only makes seeded
/// directories and server-assigned ids reproducible.
public struct DeterministicRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// A generator seeded from a number and a name (FNV-1a, stable across processes, unlike
    /// `Hasher`).
    public init(seed: UInt64, salt: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in salt.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        self.init(seed: seed ^ hash)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform in `0..<upperBound`.
    public mutating func below(_ upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next() % UInt64(upperBound))
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    public mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// `count` distinct indices below `upperBound` (all of them when `count >= upperBound`).
    public mutating func distinctIndices(_ count: Int, below upperBound: Int) -> [Int] {
        if count >= upperBound { return Array(0..<upperBound) }
        var chosen = Set<Int>()
        var result: [Int] = []
        result.reserveCapacity(count)
        while result.count < count {
            let index = below(upperBound)
            if chosen.insert(index).inserted { result.append(index) }
        }
        return result
    }

    /// A lowercase version-4 GUID.
    public mutating func uuid() -> String {
        var high = next()
        var low = next()
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return Self.format(high: high, low: low)
    }

    static func format(high: UInt64, low: UInt64) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for index in 0..<16 {
            let nibble = Int((high >> UInt64(60 - index * 4)) & 0xF)
            bytes.append(hex[nibble])
            if index == 7 || index == 11 { bytes.append(UInt8(ascii: "-")) }
        }
        for index in 0..<16 {
            let nibble = Int((low >> UInt64(60 - index * 4)) & 0xF)
            if index == 0 || index == 4 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hex[nibble])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` random characters from `alphabet`.
    public mutating func string(_ count: Int, alphabet: StaticString = "abcdefghijklmnopqrstuvwxyz0123456789") -> String {
        // ASCII alphabets only: index the bytes instead of building Characters.
        let size = alphabet.utf8CodeUnitCount
        let start = alphabet.utf8Start
        return String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = start[below(size)]
            }
            return count
        }
    }
}
