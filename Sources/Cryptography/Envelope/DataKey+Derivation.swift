extension DataKey {
    /// A 32-byte key for `purpose`, derived from this data key with HKDF-SHA-256 (info binds a
    /// label, the tenant id and the purpose), so each use of the data key (blob encryption, blob
    /// ids, snapshot hashes) has an independent key and none of them reveals the data key.
    public func derivedKey(purpose: String) -> SecretBytes {
        var info = Array("holdfast derived key v1".utf8)
        for part in [self.tenantID, purpose] {
            info += [0] + Array(part.utf8)
        }
        var key = self.material.withTemporaryArray { material in
            HKDF.deriveKey(inputKeyMaterial: material, salt: [], info: info, outputByteCount: 32)
        }
        return SecretBytes(consuming: &key)
    }
}
