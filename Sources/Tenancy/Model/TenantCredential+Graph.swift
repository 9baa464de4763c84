public import Graph

extension TenantCredential {
    /// The credential as the Graph client's token provider takes it.
    public func graphCredential(signature: GraphClientCredential.AssertionSignature = .ps256) -> GraphClientCredential {
        switch self.material {
        case .clientSecret(let secret):
            .clientSecret(secret)
        case .certificate(let privateKey, let certificate):
            .certificate(privateKey: privateKey, certificate: certificate, signature: signature)
        }
    }

    /// Who signs in: the tenant's Entra directory id and the app's client id; nil when the tenant
    /// has no directory id recorded.
    public var graphIdentity: GraphIdentity? {
        self.entraTenantID.map { GraphIdentity(tenant: $0.uuidString, clientID: self.summary.clientID.uuidString) }
    }
}
