public import Foundation
public import Cryptography

/// An app registration created through the admin API.
public struct RegisteredApplication: Sendable, Equatable {
    /// The client id (`appId`).
    public var clientId: String
    public var tenantId: String
    /// The application object's id in its home tenant.
    public var applicationObjectId: String
    /// Its service principal's id in its home tenant.
    public var servicePrincipalId: String
    public var displayName: String

    public init(clientId: String, tenantId: String, applicationObjectId: String, servicePrincipalId: String, displayName: String) {
        self.clientId = clientId
        self.tenantId = tenantId
        self.applicationObjectId = applicationObjectId
        self.servicePrincipalId = servicePrincipalId
        self.displayName = displayName
    }
}

/// A client secret as returned once at creation.
public struct IssuedSecret: Sendable, Equatable {
    public var keyId: String
    /// The secret value; graph-sim keeps only its digest.
    public var value: String
    public var endDateTime: Date
}

extension GraphSimulator {
    /// Registers an application in `tenant` (its application object and service principal are
    /// created in the directory) and grants it `permissions` — Microsoft Graph application
    /// permissions such as `User.Read.All` — as admin-consented app role assignments.
    @discardableResult
    public func registerApplication(
        tenant nameOrId: String,
        displayName: String,
        permissions: [String] = [],
        clientId: String? = nil
    ) throws -> RegisteredApplication {
        let tenant = try requireTenant(nameOrId)
        for permission in permissions where WellKnown.graphPermissionId(permission) == nil {
            throw SimulatorError(.invalidArgument, "'\(permission)' is not a Microsoft Graph application permission graph-sim knows")
        }
        let appId = clientId?.lowercased() ?? SecureRandom.uuid()
        if appTable.withLockedValue({ $0[appId] != nil }) {
            throw SimulatorError(.conflict, "an application with client id \(appId) is already registered")
        }
        let now = clock.now
        let registration: RegisteredApplication = tenant.withDirectory { directory in
            let objectId = directory.newId()
            let created = Timestamp.format(now)
            let application = ObjectTemplates.application(
                id: objectId, appId: appId, displayName: displayName, createdDateTime: created,
                publisherDomain: directory.initialDomain)
            var withAccess = application
            withAccess["requiredResourceAccess"] = [[
                "resourceAppId": .string(WellKnown.microsoftGraphAppId),
                "resourceAccess": .array(permissions.compactMap(WellKnown.graphPermissionId).map {
                    .object(["id": .string($0), "type": "Role"])
                }),
            ]]
            let appEntity = directory.insert(.application, withAccess)
            let actor = Actor.administrator("graph-sim admin")
            directory.audit(activity: "Add application", category: "ApplicationManagement", operationType: "Add",
                            actor: actor, targets: [directory.auditTarget(.application, appEntity)], at: now)
            let spId = directory.newId()
            let spEntity = directory.insert(.servicePrincipal, ObjectTemplates.servicePrincipal(
                id: spId, appId: appId, displayName: displayName, appOwnerOrganizationId: directory.tenantId))
            directory.audit(activity: "Add service principal", category: "ApplicationManagement", operationType: "Add",
                            actor: actor, targets: [directory.auditTarget(.servicePrincipal, spEntity)], at: now)
            return RegisteredApplication(clientId: appId, tenantId: tenant.id, applicationObjectId: objectId,
                                         servicePrincipalId: spId, displayName: displayName)
        }
        appTable.withLockedValue { table in
            table[appId] = AppRegistration(clientId: appId, homeTenantId: tenant.id, displayName: displayName)
        }
        try grantPermissions(permissions, clientId: appId, tenant: tenant.id)
        return registration
    }

    /// The registration for `clientId`.
    public func application(clientId: String) -> AppRegistration? {
        appTable.withLockedValue { $0[clientId.lowercased()] }
    }

    /// Grants Microsoft Graph application permissions to the app in `tenant` (admin consent). For a
    /// multi-tenant app consented in a tenant other than its home, its service principal is created
    /// there first.
    public func grantPermissions(_ permissions: [String], clientId: String, tenant nameOrId: String) throws {
        let tenant = try requireTenant(nameOrId)
        guard let registration = application(clientId: clientId) else {
            throw SimulatorError(.notFound, "no application with client id \(clientId)")
        }
        let ids = try permissions.map { permission -> (String, String) in
            guard let id = WellKnown.graphPermissionId(permission) else {
                throw SimulatorError(.invalidArgument, "'\(permission)' is not a Microsoft Graph application permission graph-sim knows")
            }
            return (permission, id)
        }
        let now = clock.now
        let clientId = registration.clientId, displayName = registration.displayName, homeTenantId = registration.homeTenantId
        // A lazily created tenant gets the consent when it is seeded: consenting an app in a
        // fleet of thousands must not seed them all.
        tenant.changeDirectory { directory in
            let spId = directory.servicePrincipalId(appId: clientId) ?? {
                let id = directory.newId()
                directory.insert(.servicePrincipal, ObjectTemplates.servicePrincipal(
                    id: id, appId: clientId, displayName: displayName,
                    appOwnerOrganizationId: homeTenantId, signInAudience: "AzureADMultipleOrgs"))
                return id
            }()
            guard let graphSp = directory.servicePrincipalId(appId: WellKnown.microsoftGraphAppId) else { return }
            let existing = Set(directory.appRoleAssignmentsByPrincipal.targets(of: spId).elements.compactMap {
                directory.entity(.appRoleAssignment, $0)?.object["appRoleId"]?.stringValue
            })
            for (_, permissionId) in ids where !existing.contains(permissionId) {
                let assignment = directory.insertAppRoleAssignment(
                    principalId: spId, resourceId: graphSp, appRoleId: permissionId, at: now)
                directory.audit(activity: "Add app role assignment to service principal", category: "ApplicationManagement",
                                operationType: "Assign", actor: .administrator("graph-sim admin"),
                                targets: [directory.auditTarget(.appRoleAssignment, assignment)], at: now)
            }
        }
    }

    /// Removes granted Microsoft Graph application permissions from the app in `tenant`.
    public func revokePermissions(_ permissions: [String], clientId: String, tenant nameOrId: String) throws {
        let tenant = try requireTenant(nameOrId)
        let revoked = Set(permissions.compactMap(WellKnown.graphPermissionId))
        let now = clock.now
        tenant.withDirectory { directory in
            guard let spId = directory.servicePrincipalId(appId: clientId) else { return }
            for assignmentId in directory.appRoleAssignmentsByPrincipal.targets(of: spId).elements {
                guard let assignment = directory.entity(.appRoleAssignment, assignmentId),
                      let role = assignment.object["appRoleId"]?.stringValue, revoked.contains(role) else { continue }
                directory.remove(.appRoleAssignment, assignment.id)
                directory.audit(activity: "Remove app role assignment from service principal",
                                category: "ApplicationManagement", operationType: "Unassign",
                                actor: .administrator("graph-sim admin"),
                                targets: [directory.auditTarget(.appRoleAssignment, assignment)], at: now)
            }
        }
    }

    /// Adds a client secret valid from now for `validFor` simulated seconds; the value is returned
    /// once and only its digest is kept.
    public func addClientSecret(
        clientId: String,
        displayName: String = "graph-sim secret",
        validFor: TimeInterval = 180 * 86_400
    ) throws -> IssuedSecret {
        guard var registration = application(clientId: clientId) else {
            throw SimulatorError(.notFound, "no application with client id \(clientId)")
        }
        let value = AppRegistration.newSecretValue()
        let keyId = SecureRandom.uuid()
        let start = clock.now
        let end = start.addingTimeInterval(validFor)
        let secret = AppRegistration.Secret(keyId: keyId, displayName: displayName, hint: String(value.prefix(3)),
                                            digest: AppRegistration.digest(value), startDateTime: start, endDateTime: end)
        registration.secrets.append(secret)
        appTable.withLockedValue { $0[registration.clientId] = registration }
        try updateApplicationObject(registration, activity: "Update application – Certificates and secrets management ") { object in
            var credentials = object["passwordCredentials"]?.arrayValue ?? []
            credentials.append([
                "customKeyIdentifier": .null,
                "displayName": .string(displayName),
                "endDateTime": .string(Timestamp.format(end)),
                "hint": .string(secret.hint),
                "keyId": .string(keyId),
                "secretText": .null,
                "startDateTime": .string(Timestamp.format(start)),
            ])
            object["passwordCredentials"] = .array(credentials)
        }
        return IssuedSecret(keyId: keyId, value: value, endDateTime: end)
    }

    /// Registers a certificate (its public part) for client assertions; returns its key id.
    @discardableResult
    public func addCertificate(clientId: String, certificate: Certificate, displayName: String? = nil) throws -> String {
        guard var registration = application(clientId: clientId) else {
            throw SimulatorError(.notFound, "no application with client id \(clientId)")
        }
        let keyId = SecureRandom.uuid()
        let name = displayName ?? "CN=\(certificate.subject)"
        registration.certificates.append(AppRegistration.RegisteredCertificate(
            keyId: keyId, displayName: name, certificate: certificate,
            sha1Thumbprint: Base64URL.encode(certificate.sha1Thumbprint),
            sha256Thumbprint: Base64URL.encode(certificate.sha256Thumbprint),
            startDateTime: certificate.notBefore, endDateTime: certificate.notAfter))
        appTable.withLockedValue { $0[registration.clientId] = registration }
        try updateApplicationObject(registration, activity: "Update application – Certificates and secrets management ") { object in
            var credentials = object["keyCredentials"]?.arrayValue ?? []
            credentials.append([
                "customKeyIdentifier": .string(Hex.encode(certificate.sha1Thumbprint).uppercased()),
                "displayName": .string(name),
                "endDateTime": .string(Timestamp.format(certificate.notAfter)),
                "key": .null,
                "keyId": .string(keyId),
                "startDateTime": .string(Timestamp.format(certificate.notBefore)),
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
            ])
            object["keyCredentials"] = .array(credentials)
        }
        if let tenant = tenant(named: registration.homeTenantId) {
            tenant.withDirectory { $0.keyCredentialKeys[keyId] = Data(certificate.der).base64EncodedString() }
        }
        return keyId
    }

    /// Registers a PEM certificate (the admin API's upload).
    @discardableResult
    public func addCertificate(clientId: String, pem: String, displayName: String? = nil) throws -> String {
        let certificate: Certificate
        do {
            certificate = try Certificate(pem: pem)
        } catch {
            throw SimulatorError(.invalidArgument, "the certificate is not a PEM X.509 certificate")
        }
        return try addCertificate(clientId: clientId, certificate: certificate, displayName: displayName)
    }

    /// Removes a secret or certificate by key id.
    public func removeCredential(clientId: String, keyId: String) throws {
        guard var registration = application(clientId: clientId) else {
            throw SimulatorError(.notFound, "no application with client id \(clientId)")
        }
        registration.secrets.removeAll { $0.keyId == keyId }
        registration.certificates.removeAll { $0.keyId == keyId }
        appTable.withLockedValue { $0[registration.clientId] = registration }
        try updateApplicationObject(registration, activity: "Update application – Certificates and secrets management ") { object in
            for property in ["passwordCredentials", "keyCredentials"] {
                let kept = (object[property]?.arrayValue ?? []).filter { $0["keyId"]?.stringValue != keyId }
                object[property] = .array(kept)
            }
        }
    }

    private func updateApplicationObject(
        _ registration: AppRegistration,
        activity: String,
        _ change: @escaping (inout JSONObject) -> Void
    ) throws {
        let tenant = try requireTenant(registration.homeTenantId)
        let now = clock.now
        tenant.withDirectory { directory in
            guard let entity = directory.collection(.application).all(where: {
                $0.object["appId"]?.stringValue == registration.clientId
            }).first else { return }
            if let updated = directory.update(.application, entity.id, change) {
                directory.audit(activity: activity, category: "ApplicationManagement", operationType: "Update",
                                actor: .administrator("graph-sim admin"),
                                targets: [directory.auditTarget(.application, updated)], at: now)
            }
        }
    }
}

extension TenantDirectory {
    /// The live service principal of `appId` in this tenant.
    func servicePrincipalId(appId: String) -> String? {
        collection(.servicePrincipal).all { $0.object["appId"]?.stringValue?.lowercased() == appId.lowercased() }.first?.id
    }

    /// Creates an app role assignment and indexes it by principal and resource.
    @discardableResult
    mutating func insertAppRoleAssignment(principalId: String, resourceId: String, appRoleId: String, at date: Date) -> Entity {
        let principal = directoryObject(principalId)
        let resource = entity(.servicePrincipal, resourceId)
        let principalType: String
        switch principal?.type {
        case .user?: principalType = "User"
        case .group?: principalType = "Group"
        default: principalType = "ServicePrincipal"
        }
        let id = ObjectTemplates.compositeId([principalId, newId()])
        let entity = insert(.appRoleAssignment, ObjectTemplates.appRoleAssignment(
            id: id, appRoleId: appRoleId, createdDateTime: Timestamp.formatPrecise(date), principalId: principalId,
            principalDisplayName: principal?.entity.object["displayName"]?.stringValue, principalType: principalType,
            resourceId: resourceId, resourceDisplayName: resource?.object["displayName"]?.stringValue))
        appRoleAssignmentsByPrincipal.add(principalId, id)
        appRoleAssignmentsByResource.add(resourceId, id)
        return entity
    }

    /// Microsoft Graph application permissions granted to `servicePrincipalId`.
    func grantedGraphPermissions(servicePrincipalId: String) -> [String] {
        guard let graph = self.servicePrincipalId(appId: WellKnown.microsoftGraphAppId) else { return [] }
        return appRoleAssignmentsByPrincipal.targets(of: servicePrincipalId).elements.compactMap { assignmentId in
            guard let assignment = entity(.appRoleAssignment, assignmentId),
                  assignment.object["resourceId"]?.stringValue?.lowercased() == graph.lowercased(),
                  let role = assignment.object["appRoleId"]?.stringValue else { return nil }
            return WellKnown.graphPermissionValue(id: role)
        }.sorted()
    }
}
