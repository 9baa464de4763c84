@testable import Cryptography
import Foundation
import Testing

@Suite("Envelope encryption")
struct EnvelopeTests {
    let tenantA = "6f0c3d54-7a0e-4d59-9a57-2c4f64b3e001"
    let tenantB = "6f0c3d54-7a0e-4d59-9a57-2c4f64b3e002"

    func secret(_ text: String) -> SecretBytes { SecretBytes(copying: Array(text.utf8)) }

    func text(_ bytes: SecretBytes) -> String { bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    @Test func sealedSecretRoundTripsThroughStoredBytes() throws {
        let master = MasterKey.generate()
        let ring = MasterKeyRing(current: master)
        let dataKey = DataKey.generate(tenantID: tenantA)
        let wrapped = try WrappedDataKey(serialized: try dataKey.wrapped(under: master).serialized)
        #expect(wrapped.masterKeyID == master.id)
        #expect(wrapped.dataKeyID == dataKey.id)
        let sealed = try SealedSecret(serialized: try dataKey.seal(secret("s3cr3t~value"), purpose: .clientSecret).serialized)
        #expect(sealed.dataKeyID == dataKey.id)
        let reopened = try wrapped.unwrap(tenantID: tenantA, keyRing: ring)
        #expect(text(try reopened.open(sealed, purpose: .clientSecret)) == "s3cr3t~value")
        #expect(!String(decoding: sealed.serialized, as: UTF8.self).contains("s3cr3t"))
    }

    @Test func sealedSecretDoesNotOpenUnderAnotherTenant() throws {
        let master = MasterKey.generate()
        let ring = MasterKeyRing(current: master)
        let dataKey = DataKey.generate(tenantID: tenantA)
        let wrapped = try dataKey.wrapped(under: master)
        let sealed = try dataKey.seal(secret("tenant A only"), purpose: .clientSecret)

        // The wrapped key copied to tenant B's row.
        #expect(throws: EnvelopeError(.authenticationFailure, "")) { try wrapped.unwrap(tenantID: tenantB, keyRing: ring) }
        // The same key material under tenant B's id, as if rows were swapped: the seal is bound to A.
        let keyOfB = DataKey(tenantID: tenantB, id: dataKey.id, material: dataKey.material)
        #expect(throws: EnvelopeError(.authenticationFailure, "")) { try keyOfB.open(sealed, purpose: .clientSecret) }
        // Another tenant's own data key names a different key id.
        #expect(throws: EnvelopeError(.unknownDataKey, "")) {
            try DataKey.generate(tenantID: tenantB).open(sealed, purpose: .clientSecret)
        }
    }

    @Test func sealedSecretDoesNotOpenForAnotherPurpose() throws {
        let dataKey = DataKey.generate(tenantID: tenantA)
        let sealed = try dataKey.seal(secret("a secret"), purpose: .clientSecret)
        #expect(throws: EnvelopeError(.authenticationFailure, "")) { try dataKey.open(sealed, purpose: .privateKey) }
    }

    @Test func everyFlippedBitIsDetected() throws {
        let master = MasterKey.generate()
        let ring = MasterKeyRing(current: master)
        let dataKey = DataKey.generate(tenantID: tenantA)
        let sealed = try dataKey.seal(secret("tamper with me"), purpose: .clientSecret).serialized
        let wrapped = try dataKey.wrapped(under: master).serialized
        for index in sealed.indices {
            var bytes = sealed
            bytes[index] ^= 0x01
            #expect(throws: EnvelopeError.self) {
                try dataKey.open(try SealedSecret(serialized: bytes), purpose: .clientSecret)
            }
        }
        for index in wrapped.indices {
            var bytes = wrapped
            bytes[index] ^= 0x80
            #expect(throws: EnvelopeError.self) {
                try WrappedDataKey(serialized: bytes).unwrap(tenantID: tenantA, keyRing: ring)
            }
        }
        #expect(throws: EnvelopeError(.malformedBlob, "")) { try SealedSecret(serialized: Array(sealed.prefix(10))) }
        var future = sealed
        future[0] = 2
        #expect(throws: EnvelopeError(.unsupportedVersion, "")) { try SealedSecret(serialized: future) }
        #expect(throws: EnvelopeError(.malformedBlob, "")) { try SealedSecret(serialized: wrapped) }
    }

    @Test func rewrappingKeepsSecretsReadableWithoutTheOldKey() throws {
        let old = MasterKey.generate()
        let new = MasterKey.generate()
        #expect(old.id != new.id)
        let dataKey = DataKey.generate(tenantID: tenantA)
        let sealed = try dataKey.seal(secret("survives rotation"), purpose: .privateKey)
        let wrapped = try dataKey.wrapped(under: old)

        let rotating = MasterKeyRing(current: new, previous: [old])
        let rewrapped = try wrapped.rewrapped(tenantID: tenantA, keyRing: rotating)
        #expect(rewrapped.masterKeyID == new.id)
        #expect(rewrapped.dataKeyID == dataKey.id)

        let newOnly = MasterKeyRing(current: new)
        #expect(throws: EnvelopeError(.unknownMasterKey, "")) { try wrapped.unwrap(tenantID: tenantA, keyRing: newOnly) }
        let opened = try rewrapped.unwrap(tenantID: tenantA, keyRing: newOnly).open(sealed, purpose: .privateKey)
        #expect(text(opened) == "survives rotation")
    }

    @Test func masterKeyIdIsAFingerprint() throws {
        let base64 = Data(SecureRandom.bytes(32)).base64EncodedString()
        let first = try MasterKey(base64: base64, source: "test")
        let second = try MasterKey(base64: " \(base64)\n", source: "test")
        #expect(first.id == second.id)
        #expect(first.id.hasPrefix("mk_") && first.id.count == 19)
        #expect(!first.description.contains(base64))
        #expect(!"\(SecretBytes(copying: [1, 2, 3]))".contains("1"))
    }

    @Test func masterKeyRejectsWrongLengthAndFormat() throws {
        let short = Data(SecureRandom.bytes(16)).base64EncodedString()
        #expect(throws: EnvelopeError(.invalidMasterKey, "")) { try MasterKey(base64: short, source: "test") }
        #expect(throws: EnvelopeError(.invalidMasterKey, "")) { try MasterKey(base64: "not base64 at all!", source: "test") }
        #expect(throws: EnvelopeError(.invalidMasterKey, "")) { try MasterKey(base64: "", source: "test") }
        do {
            _ = try MasterKey(base64: short, source: "HOLDFAST_MASTER_KEY")
        } catch let error as EnvelopeError {
            #expect(error.description.contains("HOLDFAST_MASTER_KEY"))
            #expect(error.description.contains("16 bytes"))
            #expect(!error.description.contains(short))
        }
    }

    @Test func masterKeyFileMustBePrivate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-mk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("master.key").path
        let key = Data(SecureRandom.bytes(32)).base64EncodedString() + "\n"
        try key.write(toFile: path, atomically: false, encoding: .utf8)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: EnvelopeError(.insecureKeyFile, "")) { try MasterKey(contentsOfFile: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(throws: EnvelopeError(.insecureKeyFile, "")) { try MasterKey(contentsOfFile: path) }

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let fromFile = try MasterKey(contentsOfFile: path)
        #expect(fromFile.id == (try MasterKey(base64: key, source: "test")).id)
        #expect(throws: EnvelopeError(.invalidMasterKey, "")) { try MasterKey(contentsOfFile: path + ".missing") }

        let previous = MasterKey.generate()
        let ring = MasterKeyRing(current: fromFile, previous: [try MasterKey(base64: Data(SecureRandom.bytes(32)).base64EncodedString(), source: "test")])
        #expect(ring.current.id == fromFile.id)
        #expect(ring.ids.count == 2)
        #expect(throws: EnvelopeError(.unknownMasterKey, "")) { try ring.key(id: previous.id) }
    }
}
