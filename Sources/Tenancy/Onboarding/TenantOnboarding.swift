import Audit
public import Cryptography
public import Foundation
public import Graph
public import Logging
public import Postgres

/// Adding a customer tenant and keeping it able to back up: what `holdfast tenants` and the HTTP
/// API call.
///
/// `add` signs in with the credential before anything is stored (a wrong secret leaves no
/// half-added tenant, and a domain resolves to the tenant's GUID through the token's `tid`), adds
/// the tenant, seals the credential, probes every permission (``PermissionProbe``), stores the
/// probe, and makes the tenant `active` only when every backup permission is granted; otherwise
/// it stays `onboarding` with the missing permissions as its reason. Every step is audited;
/// nothing secret is logged, audited or returned.
public struct TenantOnboarding: Sendable {
    public let registry: TenantRegistry
    public let credentials: TenantCredentialStore
    public let probes: TenantProbeStore
    public let graph: GraphClient
    public let catalogue: [CatalogueEntry]
    public let logger: Logger

    public init(client: PostgresClient, keyRing: MasterKeyRing, graph: GraphClient,
                catalogue: [CatalogueEntry] = ResourceCatalogue.entries, logger: Logger) {
        self.registry = TenantRegistry(client: client, logger: logger)
        self.credentials = TenantCredentialStore(client: client, keyRing: keyRing, logger: logger)
        self.probes = TenantProbeStore(client: client)
        self.graph = graph
        self.catalogue = catalogue
        self.logger = logger
    }

    /// What an operator gives to onboard a tenant.
    public struct Request: Sendable {
        /// The Entra tenant id (GUID) or a verified domain (`contoso.onmicrosoft.com`).
        public var directory: String
        public var displayName: String
        /// Added on first use; nil: no partner.
        public var partnerName: String?
        public var policyName: String
        /// `S`, `M` or `L` (Graph's size classes for throttling).
        public var sizeClass: String
        public var credential: NewTenantCredential
        /// A scratch tenant for restore drills (``Tenant/scratch``).
        public var scratch: Bool

        public init(directory: String, displayName: String, partnerName: String? = nil, policyName: String = "standard",
                    sizeClass: String = "S", credential: NewTenantCredential, scratch: Bool = false) {
            self.directory = directory
            self.displayName = displayName
            self.partnerName = partnerName
            self.policyName = policyName
            self.sizeClass = sizeClass
            self.credential = credential
            self.scratch = scratch
        }
    }

    /// Where onboarding (or a re-probe) left the tenant.
    public struct Outcome: Sendable {
        public let tenant: Tenant
        public let credential: CredentialSummary?
        /// Nil when sign-in failed (see the tenant's status reason).
        public let report: PermissionReport?
    }

    /// Onboards a tenant. Throws `GraphAuthenticationError` when the credential cannot sign in
    /// (nothing is stored then), `TenancyError` for bad input, an unknown policy or a duplicate.
    public func add(_ request: Request, actor: String) async throws -> Outcome {
        let directory = request.directory.trimmingCharacters(in: .whitespaces).lowercased()
        let givenID = UUID(uuidString: directory)
        guard givenID != nil || Self.isDomain(directory) else {
            throw TenancyError(.invalidRequest, "'\(request.directory)' is neither a tenant id (GUID) nor a domain name")
        }
        guard ["S", "M", "L"].contains(request.sizeClass) else {
            throw TenancyError(.invalidRequest, "the size class must be S, M or L, not '\(request.sizeClass)'")
        }
        guard !request.displayName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TenancyError(.invalidRequest, "the display name is empty")
        }
        _ = try TenantCredentialStore.Sealable(request.credential)
        if let givenID, let existing = try? await self.registry.tenant(reference: givenID.uuidString) {
            throw TenancyError(.duplicateTenant, "tenant \(existing.id.uuidString.lowercased()) ('\(existing.displayName)') already has Entra tenant id \(directory); use `holdfast tenants update`")
        }
        try await self.checkPolicyExists(request.policyName)

        // Sign in first: proves the credential and names the directory.
        let material = request.credential.material
        let signIn = self.graph.session(for: GraphIdentity(tenant: directory, clientID: request.credential.clientID.uuidString),
                                        sharedApp: request.credential.appKind == .sharedMultitenantApp) {
            material.graphCredential
        }
        let token = try await signIn.accessToken()
        guard let tid = token.tenantIDClaim.flatMap(UUID.init(uuidString:)) ?? givenID else {
            throw TenancyError(.invalidRequest, "the token for \(directory) names no tenant id (tid); give the tenant's GUID")
        }
        if let givenID, givenID != tid {
            throw TenancyError(.invalidRequest, "the token service issued a token for tenant \(tid.uuidString.lowercased()), not \(directory)")
        }

        let tenant = try await self.registry.client.withTransaction { connection -> Tenant in
            var partnerID: UUID?
            if let name = request.partnerName {
                partnerID = try await self.registry.partner(named: name, creatingAs: actor, on: connection).id
            }
            let policyID = try await self.registry.policyID(named: request.policyName, on: connection)
            return try await self.registry.addTenant(
                NewTenant(entraTenantID: tid, primaryDomain: givenID == nil ? directory : "", displayName: request.displayName,
                          partnerID: partnerID, sizeClass: request.sizeClass, policyID: policyID, scratch: request.scratch),
                actor: actor, on: connection)
        }
        let summary = try await self.credentials.store(request.credential, tenantID: tenant.id, actor: actor)
        self.logger.notice("tenant added", metadata: [
            "tenant.id": "\(tenant.id.uuidString.lowercased())", "tenant.entra_id": "\(tid.uuidString.lowercased())",
            "graph.client_id": "\(summary.clientID.uuidString.lowercased())", "actor": "\(actor)",
        ])
        let session = self.graph.session(for: GraphIdentity(tenant: tid.uuidString, clientID: summary.clientID.uuidString),
                                         sharedApp: summary.appKind == AppKind.sharedMultitenantApp) { material.graphCredential }
        if givenID != nil, let domain = await Self.defaultDomain(session) {
            try await self.registry.client.query("""
                UPDATE tenants SET primary_domain = \(domain) WHERE id = \(tenant.id) AND primary_domain IS NULL
                """)
        }
        return try await self.probe(tenant: tenant, credential: summary, session: session, actor: actor)
    }

    /// The tenant's default verified domain (`/organization`), so `tenants show contoso.com` finds a
    /// tenant added by its GUID; nil when the app may not read the organization.
    static func defaultDomain(_ session: GraphSession) async -> String? {
        guard let organization = try? await session.get("/organization?$select=verifiedDomains"),
              let domains = organization["value"]?.arrayValue?.first?["verifiedDomains"]?.arrayValue else { return nil }
        let isDefault = domains.first { domain in
            if case .bool(true)? = domain["isDefault"] { return true }
            return false
        }
        return (isDefault ?? domains.first)?["name"]?.stringValue?.lowercased()
    }

    /// Probes the tenant's permissions again with its stored credential and updates its status:
    /// `active` when backups can run, `onboarding` with what is missing, `credentials_invalid` when
    /// sign-in fails for a reason only an operator can fix.
    public func reprobe(tenantID: UUID, actor: String) async throws -> Outcome {
        let tenant = try await self.registry.tenant(id: tenantID)
        let active = try await self.credentials.activeCredential(tenantID: tenantID)
        guard let identity = active.graphIdentity else {
            throw TenancyError(.invalidRequest, "tenant \(tenantID.uuidString.lowercased()) has no Entra tenant id")
        }
        let store = self.credentials
        let clientID = active.summary.clientID
        await self.graph.tokens.invalidate(identity)
        let session = self.graph.session(for: identity, sharedApp: active.summary.appKind == .sharedMultitenantApp) {
            try await store.activeCredential(tenantID: tenantID, clientID: clientID).graphCredential()
        }
        return try await self.probe(tenant: tenant, credential: active.summary, session: session, actor: actor)
    }

    /// Replaces the tenant's credential for its app (rotation), audited; re-probe afterwards.
    @discardableResult
    public func replaceCredential(_ credential: NewTenantCredential, tenantID: UUID, actor: String) async throws -> CredentialSummary {
        _ = try await self.registry.tenant(id: tenantID)
        let summary = try await self.credentials.store(credential, tenantID: tenantID, actor: actor)
        if let entra = try await self.registry.tenant(id: tenantID).entraTenantID {
            await self.graph.tokens.invalidate(GraphIdentity(tenant: entra.uuidString, clientID: credential.clientID.uuidString))
        }
        return summary
    }

    /// Stops scheduling the tenant (its snapshots stay); audited.
    @discardableResult
    public func suspend(tenantID: UUID, reason: String, actor: String) async throws -> Tenant {
        let tenant = try await self.registry.tenant(id: tenantID)
        guard tenant.status != .offboarded else {
            throw TenancyError(.invalidStatusChange, "tenant \(tenantID.uuidString.lowercased()) is offboarded")
        }
        return try await self.registry.setStatus(.suspended, reason: reason, tenantID: tenantID, actor: actor)
    }

    /// Takes a suspended tenant back: re-probes it, so it returns to `active` only if it can back up.
    public func resume(tenantID: UUID, actor: String) async throws -> Outcome {
        let tenant = try await self.registry.tenant(id: tenantID)
        guard tenant.status == .suspended || tenant.status == .paused else {
            throw TenancyError(.invalidStatusChange, "tenant \(tenantID.uuidString.lowercased()) is \(tenant.status.rawValue), not suspended")
        }
        try await self.registry.setStatus(.onboarding, reason: "resumed; re-probing permissions", tenantID: tenantID, actor: actor)
        return try await self.reprobe(tenantID: tenantID, actor: actor)
    }

    /// Stops protecting the tenant for good; its rows and snapshots stay for the audit trail and
    /// retention. Its credentials are retired (marked replaced) so no worker signs in again.
    @discardableResult
    public func offboard(tenantID: UUID, reason: String, actor: String) async throws -> Tenant {
        try await self.registry.client.withTransaction { connection in
            try await connection.query("""
                UPDATE tenant_credentials SET replaced_at = now() WHERE tenant_id = \(tenantID) AND replaced_at IS NULL
                """)
            try await AuditLog.record(actor: actor, action: "credential.retire", tenantID: tenantID,
                                      details: ["reason": "offboarded"], on: connection)
        }
        return try await self.registry.setStatus(.offboarded, reason: reason, tenantID: tenantID, actor: actor)
    }

    // MARK: Probing

    private func probe(tenant: Tenant, credential: CredentialSummary, session: GraphSession, actor: String) async throws -> Outcome {
        let report: PermissionReport
        do {
            report = try await PermissionProbe(session: session, catalogue: self.catalogue, logger: self.logger).run()
        } catch let error as GraphAuthenticationError {
            try await self.registry.recordAuthenticationFailure(error, tenantID: tenant.id, actor: actor)
            throw error
        }
        try await self.probes.store(report, tenantID: tenant.id, clientID: credential.clientID, actor: actor)
        var updated = try await self.registry.tenant(id: tenant.id)
        if [.onboarding, .active, .credentialsInvalid].contains(updated.status) {
            let (status, reason) = Self.status(after: report)
            if status != updated.status || reason != updated.statusReason {
                updated = try await self.registry.setStatus(status, reason: reason, tenantID: tenant.id, actor: actor)
            }
        }
        return Outcome(tenant: updated, credential: credential, report: report)
    }

    /// The status a probe leads to, with the reason an operator reads.
    static func status(after report: PermissionReport) -> (TenantStatus, String) {
        if report.backupReady {
            return (.active, "every backup permission is granted")
        }
        return (.onboarding, "missing backup permissions: \(report.missingBackupPermissions.joined(separator: ", ")); "
            + "grant them and consent at \(report.adminConsentURL), then run `holdfast tenants update \(report.tenant) --reprobe`")
    }

    private func checkPolicyExists(_ name: String) async throws {
        _ = try await self.registry.client.withConnection { connection in
            try await self.registry.policyID(named: name, on: connection)
        }
    }

    /// A DNS name with at least one dot: letters, digits, hyphens.
    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, text.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

extension CredentialMaterial {
    /// The material as the token provider takes it (PS256 assertions for certificates).
    var graphCredential: GraphClientCredential {
        switch self {
        case .clientSecret(let secret): .clientSecret(secret)
        case .certificate(let privateKey, let certificate): .certificate(privateKey: privateKey, certificate: certificate)
        }
    }
}
