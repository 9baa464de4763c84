import COpenSSL

/// An `OSSL_PARAM` array whose keys and values this value owns.
///
/// OpenSSL only borrows parameter storage for the duration of a call, so the list copies every key
/// and value into memory it frees in `deinit`; values marked secret are cleansed first.
struct ParameterList: ~Copyable {
    private var parameters: [OSSL_PARAM] = []
    private var allocations: [(pointer: UnsafeMutableRawPointer, count: Int, isSecret: Bool)] = []

    init() {}

    deinit {
        for allocation in self.allocations {
            if allocation.isSecret {
                OPENSSL_cleanse(allocation.pointer, allocation.count)
            }
            allocation.pointer.deallocate()
        }
    }

    mutating func appendUTF8String(_ key: String, _ value: String) {
        let keyPointer = self.copyCString(key)
        let valuePointer = self.copyCString(value)
        self.parameters.append(OSSL_PARAM_construct_utf8_string(keyPointer, valuePointer, 0))
    }

    mutating func appendOctetString(_ key: String, _ value: [UInt8], isSecret: Bool) {
        let keyPointer = self.copyCString(key)
        // One spare byte so an empty value still has a non-null address, which OpenSSL requires.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: value.count + 1, alignment: 1)
        value.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                storage.copyMemory(from: base, byteCount: bytes.count)
            }
        }
        self.allocations.append((storage, value.count + 1, isSecret))
        self.parameters.append(OSSL_PARAM_construct_octet_string(keyPointer, storage, value.count))
    }

    mutating func appendUInt64(_ key: String, _ value: UInt64) {
        let keyPointer = self.copyCString(key)
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        storage.initialize(to: value)
        self.allocations.append((UnsafeMutableRawPointer(storage), MemoryLayout<UInt64>.size, false))
        self.parameters.append(OSSL_PARAM_construct_uint64(keyPointer, storage))
    }

    mutating func appendUInt32(_ key: String, _ value: UInt32) {
        let keyPointer = self.copyCString(key)
        let storage = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        storage.initialize(to: value)
        self.allocations.append((UnsafeMutableRawPointer(storage), MemoryLayout<UInt32>.size, false))
        self.parameters.append(OSSL_PARAM_construct_uint32(keyPointer, storage))
    }

    /// Calls `body` with the parameters, terminated as OpenSSL expects.
    func withUnsafeParameters<Result>(_ body: (UnsafePointer<OSSL_PARAM>) throws -> Result) rethrows -> Result {
        var terminated = self.parameters
        terminated.append(OSSL_PARAM_construct_end())
        return try terminated.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    private mutating func copyCString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        pointer.initialize(from: utf8, count: utf8.count)
        self.allocations.append((UnsafeMutableRawPointer(pointer), utf8.count, false))
        return pointer
    }
}
