import COpenSSL
import Cryptography
import Testing

@Suite("OpenSSL error queue")
struct ErrorQueueTests {
    @Test("Entries left by other code on the thread are not reported as a later operation's")
    func staleEntriesAreNotReported() throws {
        let key = SecureRandom.bytes(32)
        let box = try AES256GCM.seal([1, 2, 3], key: key)
        let tampered = try AES256GCM.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: [UInt8](repeating: 0, count: 16))
        // The test runs synchronously, so the stale entries and the failure share one thread's queue.
        let garbage: [UInt8] = [0x30, 0x03, 0x02]
        garbage.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            #expect(d2i_X509(nil, &cursor, buffer.count) == nil)
        }
        #expect(ERR_peek_error() != 0)

        let error = #expect(throws: CryptoError.self) { try AES256GCM.open(tampered, key: key) }
        #expect(error?.code == .authenticationFailure)
        #expect(error?.openSSLErrors.contains { $0.contains("asn1") || $0.contains("ASN1") } == false)
        #expect(ERR_peek_error() == 0)
    }

    @Test("A failure leaves the queue empty and keeps OpenSSL's reasons in the error")
    func failureDrainsQueue() throws {
        let error = #expect(throws: CryptoError.self) { try Certificate(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(error?.code == .invalidCertificate)
        #expect(error?.openSSLErrors.isEmpty == false)
        #expect(ERR_peek_error() == 0)
    }
}
