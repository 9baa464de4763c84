import Foundation
import HoldfastTesting
import Testing
@testable import Vault

@Suite("Sealed blobs")
struct SealedBlobTests {
    let a = UUID()
    let b = UUID()

    @Test func sealsOpensAndNamesByContent() async throws {
        let provider = FixedKeyProvider(tenants: [a, b])
        let keysA = try await provider.currentKeys(tenantID: a, logger: TestLogger.make())
        let keysB = try await provider.currentKeys(tenantID: b, logger: TestLogger.make())
        let object = try json(#"{"id":"1","displayName":"Ann"}"#)

        let first = try SealedBlob.seal(object, keys: keysA)
        let second = try SealedBlob.seal(object, keys: keysA)
        #expect(first.id == second.id, "same content, same tenant: same id")
        #expect(first.sealed != second.sealed, "fresh nonce each time")
        #expect(try SealedBlob.open(first.sealed, id: first.id, keys: keysA) == object)
        #expect(try SealedBlob.seal(object, keys: keysB).id != first.id, "ids do not link tenants")
        #expect(!first.sealed.contains(subsequence: Array("Ann".utf8)), "plaintext does not show")
    }

    @Test func detectsEveryKindOfTampering() async throws {
        let provider = FixedKeyProvider(tenants: [a, b])
        let keysA = try await provider.currentKeys(tenantID: a, logger: TestLogger.make())
        let keysB = try await provider.currentKeys(tenantID: b, logger: TestLogger.make())
        let blob = try SealedBlob.seal(try json(#"{"id":"1"}"#), keys: keysA)
        let other = try SealedBlob.seal(try json(#"{"id":"2"}"#), keys: keysA)

        for index in [blob.sealed.count - 1, blob.sealed.count - 20, 30] {
            var flipped = blob.sealed
            flipped[index] ^= 0x01
            #expect(throws: VaultError.self) { try SealedBlob.open(flipped, id: blob.id, keys: keysA) }
        }
        // A valid blob stored under another id, or opened as another tenant's.
        #expect { try SealedBlob.open(other.sealed, id: blob.id, keys: keysA) } throws: { ($0 as? VaultError)?.code == .tampered }
        #expect(throws: VaultError.self) { try SealedBlob.open(blob.sealed, id: blob.id, keys: keysB) }
        #expect(throws: VaultError.self) { try SealedBlob.open(Array(blob.sealed.prefix(10)), id: blob.id, keys: keysA) }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
