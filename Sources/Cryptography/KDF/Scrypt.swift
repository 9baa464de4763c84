import COpenSSL

/// scrypt (RFC 7914), through OpenSSL's `EVP_KDF` "SCRYPT": the password hash of console users.
///
/// CPU- and memory-hard by design (a hash with the default parameters takes 128 MiB and a good part
/// of a second), so callers run it off Swift's cooperative pool.
public enum Scrypt {
    /// The cost parameters. Memory used is 128 × `blockSize` × `cost` bytes.
    public struct Parameters: Sendable, Hashable {
        /// log2 of N, the CPU/memory cost (N = 2^`logCost`).
        public var logCost: Int
        /// r, the block size.
        public var blockSize: Int
        /// p, the parallelisation.
        public var parallelism: Int

        /// OWASP's recommendation for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1,
        /// 128 MiB per hash.
        public static let recommended = Parameters(logCost: 17, blockSize: 8, parallelism: 1)

        /// Limits accepted when a stored hash names its parameters: a tampered row must not make
        /// the server allocate gigabytes or loop for hours.
        public static let logCostRange = 1...20
        public static let blockSizeRange = 1...32
        public static let parallelismRange = 1...16

        public init(logCost: Int, blockSize: Int, parallelism: Int) {
            self.logCost = logCost
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// Whether every parameter is inside the accepted ranges.
        public var isAcceptable: Bool {
            Self.logCostRange.contains(logCost) && Self.blockSizeRange.contains(blockSize) && Self.parallelismRange.contains(parallelism)
        }

        /// Bytes of memory one derivation needs (128 × r × N), plus the p × 128 × r of its inputs.
        var memoryBytes: UInt64 {
            128 * UInt64(blockSize) * (UInt64(1) << UInt64(logCost)) + 128 * UInt64(blockSize) * UInt64(parallelism)
        }
    }

    /// Derives `outputByteCount` bytes (1...1024) from `password` and `salt`. Parameters outside
    /// ``Parameters/isAcceptable`` are refused with `invalidInput`.
    public static func deriveKey(password: [UInt8], salt: [UInt8], parameters: Parameters, outputByteCount: Int) throws -> [UInt8] {
        guard parameters.isAcceptable else {
            throw CryptoError(.invalidInput, "scrypt parameters ln=\(parameters.logCost), r=\(parameters.blockSize), p=\(parameters.parallelism) are outside the accepted ranges")
        }
        guard (1...1024).contains(outputByteCount) else {
            throw CryptoError(.invalidInput, "scrypt output must be 1...1024 bytes, not \(outputByteCount)")
        }
        let context = EVP_KDF_CTX_new(FetchedAlgorithm.scrypt.pointer)
        requireOpenSSL(context != nil, "allocate a scrypt context")
        defer { EVP_KDF_CTX_free(context) }

        var list = ParameterList()
        list.appendOctetString(OSSL_KDF_PARAM_PASSWORD, password, isSecret: true)
        list.appendOctetString(OSSL_KDF_PARAM_SALT, salt, isSecret: false)
        list.appendUInt64(OSSL_KDF_PARAM_SCRYPT_N, UInt64(1) << UInt64(parameters.logCost))
        list.appendUInt32(OSSL_KDF_PARAM_SCRYPT_R, UInt32(parameters.blockSize))
        list.appendUInt32(OSSL_KDF_PARAM_SCRYPT_P, UInt32(parameters.parallelism))
        // OpenSSL refuses a derivation needing more than maxmem; allow exactly what these parameters need, with headroom.
        list.appendUInt64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, parameters.memoryBytes * 2 + 1024 * 1024)
        var output = [UInt8](repeating: 0, count: outputByteCount)
        let derived = list.withUnsafeParameters { parameterPointer in
            output.withUnsafeMutableBufferPointer { EVP_KDF_derive(context, $0.baseAddress, outputByteCount, parameterPointer) }
        }
        guard derived == 1 else {
            throw CryptoError(.openssl, "scrypt derivation failed")
        }
        return output
    }
}
