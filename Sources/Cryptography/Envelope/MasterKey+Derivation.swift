extension MasterKey {
    /// A 32-byte key for `purpose` (e.g. `api-key-hash`), derived from the master key with
    /// HKDF-SHA-256. Values keyed with it can only be made or checked by a process that holds the
    /// master key, and the derived key reveals nothing about the master key or other purposes.
    public func derivedKey(purpose: String) -> SecretBytes {
        let info = Array("holdfast master key derivation v1".utf8) + [0] + Array(purpose.utf8)
        var key = self.material.withTemporaryArray { material in
            HKDF.deriveKey(inputKeyMaterial: material, salt: [], info: info, outputByteCount: 32)
        }
        return SecretBytes(consuming: &key)
    }
}

extension MasterKeyRing {
    /// Every key in the ring, the current one first.
    public var allKeys: [MasterKey] {
        self.ids.compactMap { try? self.key(id: $0) }
    }
}
