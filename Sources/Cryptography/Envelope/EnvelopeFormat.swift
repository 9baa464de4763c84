/// Holdfast's binary layout for wrapped data keys and sealed secrets:
///
///     version (1 byte, 1) ‖ kind (1 byte: 'K' wrapped key, 'S' sealed secret)
///     ‖ one or two ids, each as length (1 byte) ‖ UTF-8
///     ‖ AES-256-GCM nonce (12) ‖ ciphertext ‖ tag (16)
///
/// The header is also part of the associated data, so changing an id or the kind fails
/// authentication rather than opening under a different key.
enum EnvelopeFormat {
    static let version: UInt8 = 1

    enum Kind: UInt8 {
        case wrappedDataKey = 0x4B  // "K"
        case sealedSecret = 0x53  // "S"
    }

    static func header(kind: Kind, ids: [String]) -> [UInt8] {
        var bytes: [UInt8] = [Self.version, kind.rawValue]
        for id in ids {
            let utf8 = Array(id.utf8)
            precondition(!utf8.isEmpty && utf8.count <= 255, "envelope key ids are 1...255 bytes")
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        return bytes
    }

    /// Splits `bytes` into its ids and sealed box; `header` is the bytes the ids were read from.
    static func parse(_ bytes: [UInt8], kind: Kind, idCount: Int) throws -> (ids: [String], header: [UInt8], box: AES256GCM.SealedBox) {
        guard bytes.count >= 2 else {
            throw EnvelopeError(.malformedBlob, "an envelope blob is at least 2 bytes, not \(bytes.count)")
        }
        guard bytes[0] == Self.version else {
            throw EnvelopeError(.unsupportedVersion, "envelope format version \(bytes[0]) is not supported by this build (it reads version \(Self.version))")
        }
        guard bytes[1] == kind.rawValue else {
            throw EnvelopeError(.malformedBlob, "the blob is not a \(kind == .wrappedDataKey ? "wrapped data key" : "sealed secret")")
        }
        var offset = 2
        var ids: [String] = []
        for _ in 0..<idCount {
            guard offset < bytes.count else { throw EnvelopeError(.malformedBlob, "the envelope blob is truncated in its header") }
            let length = Int(bytes[offset])
            offset += 1
            guard length > 0, offset + length <= bytes.count else {
                throw EnvelopeError(.malformedBlob, "the envelope blob is truncated in its header")
            }
            ids.append(String(decoding: bytes[offset..<offset + length], as: UTF8.self))
            offset += length
        }
        do {
            let box = try AES256GCM.SealedBox(combined: Array(bytes[offset...]))
            return (ids, Array(bytes[..<offset]), box)
        } catch {
            throw EnvelopeError(.malformedBlob, "the envelope blob is too short to hold a sealed box", underlying: error)
        }
    }

    /// Associated data: a label, the header, and the context that is not stored in the blob
    /// (tenant id, purpose), each NUL-separated so no two contexts produce the same bytes.
    static func associatedData(label: String, header: [UInt8], context: [String]) -> [UInt8] {
        var bytes = Array(label.utf8)
        bytes.append(0)
        bytes.append(contentsOf: header)
        for item in context {
            bytes.append(0)
            bytes.append(contentsOf: item.utf8)
        }
        return bytes
    }

    static func mapAuthenticationFailure<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CryptoError where error.code == .authenticationFailure {
            throw EnvelopeError(.authenticationFailure, "\(what) did not authenticate: wrong key, tenant or purpose, or the stored bytes were modified")
        }
    }
}
