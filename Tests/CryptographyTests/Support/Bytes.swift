import Cryptography

/// Bytes from hex written in a test vector; a malformed literal is a bug in the test itself.
func hex(_ string: String) -> [UInt8] {
    guard let bytes = Hex.decode(string.filter { !$0.isWhitespace }) else {
        preconditionFailure("malformed hex in a test vector: \(string)")
    }
    return bytes
}

/// The code of a thrown `CryptoError`, or `nil` for any other error.
func cryptoErrorCode(_ error: any Error) -> CryptoError.Code? {
    (error as? CryptoError)?.code
}

/// A freshly generated key of `kind`.
func generateKey(_ kind: KeyKind) throws -> PrivateKey {
    switch kind {
    case .rsa: try PrivateKey.generateRSA(bits: 2048)
    case .ecP256: try PrivateKey.generateP256()
    case .ed25519: try PrivateKey.generateEd25519()
    }
}

