@testable import Cryptography
import Testing

/// Random choices over an alphabet whose size does not divide 256 (temporary passwords, review F16).
@Suite struct UniformRandomTests {
    @Test func everyIndexIsEquallyLikelyOverAllByteValues() {
        // Feeding every byte value once: with rejection each of 65 indices comes out exactly 3 times
        // (195 accepted bytes); `byte % 65` would give the first 61 indices 4 times and the rest 3.
        var fed = false
        let indices = SecureRandom.uniformIndices(195, below: 65) { count in
            precondition(!fed, "asked for more bytes than 256 values give")
            fed = true
            return (0...255).map(UInt8.init)
        }
        var counts = [Int](repeating: 0, count: 65)
        for index in indices { counts[index] += 1 }
        #expect(counts.allSatisfy { $0 == 3 }, "\(counts)")
    }

    @Test func rejectedBytesAreDrawnAgain() {
        var calls: [[UInt8]] = [[255, 200, 194], [195, 64, 7]]
        let indices = SecureRandom.uniformIndices(3, below: 65) { _ in calls.removeFirst() }
        #expect(indices == [64, 64, 7])
    }

    @Test func realDrawsStayInRange() {
        for bound in [1, 2, 57, 65, 255, 256] {
            #expect(SecureRandom.uniformIndices(500, below: bound).allSatisfy { (0..<bound).contains($0) })
        }
    }
}
