public import Cryptography

extension HoldfastConfiguration.MasterKeys {
    /// The ring of the configured keys. A key file must be mode 600 or stricter.
    public func ring() throws -> MasterKeyRing {
        guard let current else {
            throw ConfigurationError(.missing, "no master key: set \(ConfigurationKey.masterKeyFile.name) to a file holding `openssl rand -base64 32` (mode 600), or \(ConfigurationKey.masterKey.name)")
        }
        func key(_ secret: HoldfastConfiguration.Secret, name: String) throws -> MasterKey {
            switch secret {
            case .file(let path): try MasterKey(contentsOfFile: path)
            case .value(let text): try MasterKey(base64: text, source: name)
            }
        }
        return MasterKeyRing(current: try key(current, name: ConfigurationKey.masterKey.name),
                             previous: try previous.enumerated().map { try key($1, name: "\(ConfigurationKey.previousMasterKeys.name)[\($0)]") })
    }
}
