import COpenSSL

/// An `EVP_MD_CTX` running one digest, freed exactly once when this value ends.
struct DigestContext: ~Copyable {
    private let context: OpaquePointer
    let outputByteCount: Int

    init(_ algorithm: FetchedAlgorithm) {
        let context = EVP_MD_CTX_new()
        requireOpenSSL(context != nil, "allocate a digest context")
        self.context = context!
        self.outputByteCount = Int(EVP_MD_get_size(algorithm.pointer))
        requireOpenSSL(EVP_DigestInit_ex2(context, algorithm.pointer, nil) == 1, "start a \(algorithm.name) digest")
    }

    deinit {
        EVP_MD_CTX_free(self.context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return
        }
        requireOpenSSL(EVP_DigestUpdate(self.context, base, bytes.count) == 1, "update a digest")
    }

    mutating func update(_ data: some Sequence<UInt8>) {
        let handled: Void? = data.withContiguousStorageIfAvailable { self.update(UnsafeRawBufferPointer($0)) }
        if handled == nil {
            // Not contiguous (a lazy sequence, say): hash it in bounded chunks rather than copying it whole.
            var chunk: [UInt8] = []
            chunk.reserveCapacity(16 * 1024)
            for byte in data {
                chunk.append(byte)
                if chunk.count == 16 * 1024 {
                    chunk.withUnsafeBytes { self.update($0) }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            chunk.withUnsafeBytes { self.update($0) }
        }
    }

    consuming func finalize() -> [UInt8] {
        let count = self.outputByteCount
        let context = self.context
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            var length: UInt32 = 0
            requireOpenSSL(EVP_DigestFinal_ex(context, buffer.baseAddress, &length) == 1, "finish a digest")
            initializedCount = Int(length)
        }
    }
}
