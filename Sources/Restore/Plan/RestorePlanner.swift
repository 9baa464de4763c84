public import Foundation
public import Graph
public import Logging
public import Vault

/// Computes a restore plan (a dry run: nothing is written to Graph) and stores it.
///
/// The source is a snapshot; the target is what Graph serves now, in the same tenant or another.
/// Objects present in both are matched by id, else by natural key (``NaturalKey``); objects in
/// the target's recycle bin are undeleted; others are created. Relationships are compared after
/// mapping both ends. Writes are ordered in ``RestorableTypes/Phase``s.
public struct RestorePlanner: Sendable {
    let vault: Vault
    let store: RestoreStore
    let configuration: RestoreConfiguration
    let logger: Logger

    public init(vault: Vault, store: RestoreStore, configuration: RestoreConfiguration = .init(), logger: Logger) {
        self.vault = vault
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Plans restoring `scope` of snapshot `snapshotID` into `targetTenantID` (read through
    /// `target`), stores the plan and returns it.
    public func plan(snapshotID: Int64, targetTenantID: UUID, target: GraphSession, scope: RestoreScope,
                     actor: String) async throws -> RestorePlan {
        let snapshot = try await self.vault.snapshot(id: snapshotID, logger: self.logger)
        let types = RestorableTypes.closure(of: scope.types ?? RestorableTypes.all)
        guard !types.isEmpty else {
            throw RestoreError(.invalidRequest, "no restorable type in scope; restorable: \(RestorableTypes.all.sorted().joined(separator: ", "))")
        }
        let sameTenant = snapshot.tenantID == targetTenantID
        // Role assignments and memberships are read as well for the lockout guard.
        var readTypes = types.union(["roleAssignment", "group.members", "roleDefinition", "servicePrincipal"])
        // PIM: which role assignments are activations or time-bound, and which settings policy is whose.
        if !types.isDisjoint(with: ["roleAssignment", "roleAssignmentSchedule"]) { readTypes.insert("roleAssignmentScheduleInstance") }
        if types.contains("roleManagementPolicy") { readTypes.insert("roleManagementPolicyAssignment") }
        // Custom security attribute values are written on users matched by the planner.
        if types.contains("userSecurityAttributes") { readTypes.insert("user") }
        // Branding hangs from the organization, whose id differs between tenants.
        if types.contains(PlanningContext.brandingType) { readTypes.insert("organization") }
        // PIM for Groups: which members and owners are activations or time-bound.
        if !types.isDisjoint(with: ["group.members", "group.owners"]) { readTypes.insert("group.assignmentSchedules") }
        if types.contains("domain.federationConfiguration") { readTypes.insert("domain") }
        if types.contains("crossTenantAccessPolicy.partners.identitySynchronization") { readTypes.insert("crossTenantAccessPolicy.partners") }
        // Conditional access names strengths by id: which are recreated decides what the policies point at.
        if types.contains("conditionalAccessPolicy") { readTypes.insert("authenticationStrengthPolicy") }
        let source = try await SnapshotObjectReader(vault: self.vault, logger: self.logger).objects(of: snapshot, types: readTypes)
        let live = LiveObjectReader(session: target)
        let targetObjects = try await live.objects(types: readTypes)
        var deleted: [String: Set<String>] = [:]
        if sameTenant {
            for type in types {
                if let entry = ResourceCatalogue.entry(named: type), entry.softDelete != .none {
                    deleted[type] = try await live.deletedIDs(entry)
                }
            }
        }
        let rewrites = sameTenant ? [:] : try await self.domainRewrites(source: source, target: target)
        var context = PlanningContext(scope: scope, types: types, source: source, target: targetObjects, deleted: deleted,
                                      sameTenant: sameTenant, rewrites: rewrites)
        context.matchObjects()
        // Contacts first: the ones Graph cannot recreate are no member to relink.
        context.planContacts()
        context.matchAuthenticationStrengths()
        context.planAuthenticationContexts()
        context.planAuthenticationStrengths()
        context.planObjects()
        context.planRelationships()
        context.planAssignments()
        context.planSchedules(now: Date())
        context.planRoleSettings()
        context.planPermissionGrantPolicies()
        context.planDomainFederation()
        context.planIdentityProviders()
        context.planIdentitySynchronization()
        context.planCustomSecurityAttributes()
        context.planBranding()

        let steps = context.steps.sorted { ($0.phase, $0.seq) < ($1.phase, $1.seq) }.enumerated().map { index, step in
            var step = step
            step.seq = index + 1
            return step
        }
        let plan = RestorePlan(
            id: UUID(), sourceTenantID: snapshot.tenantID, targetTenantID: targetTenantID, snapshotID: snapshotID, scope: scope,
            status: .planned, destructiveCount: steps.filter(\.isDestructive).count,
            blastRadiusLimit: self.configuration.blastRadiusLimit,
            lockoutFindings: LockoutGuard(privilegedRoleTemplates: self.configuration.privilegedRoleTemplates)
                .findings(steps: steps, source: source, target: targetObjects, map: context.known, sameTenant: sameTenant),
            operatorActions: context.actions, domainRewrites: rewrites, createdBy: actor, createdAt: Date(),
            expiresAt: Date().addingTimeInterval(TimeInterval(self.configuration.planLifetime.components.seconds)), appliedAt: nil,
            error: nil, steps: steps)
        try await self.store.insert(plan, initialMap: context.known, logger: self.logger)
        self.logger.info("restore planned", metadata: [
            "plan.id": "\(plan.id.uuidString.lowercased())", "tenant.id": "\(targetTenantID.uuidString.lowercased())", "snapshot.id": "\(snapshotID)",
            "restore.steps": "\(steps.count)", "restore.destructive": "\(plan.destructiveCount)",
        ])
        return plan
    }

    /// Source domains (of user principal names) the target has not verified → the target's default domain.
    func domainRewrites(source: TenantObjects, target: GraphSession) async throws -> [String: String] {
        let page = try CanonicalJSON.parse(try await target.send(.get("/domains")).body)
        let domains = page["value"]?.arrayValue ?? []
        let verified = Set(domains.filter { $0["isVerified"] == .bool(true) }.compactMap { $0["id"]?.stringValue?.lowercased() })
        guard let fallback = (domains.first { $0["isDefault"] == .bool(true) } ?? domains.first { $0["isInitial"] == .bool(true) })?["id"]?
            .stringValue?.lowercased() else {
            throw RestoreError(.invalidRequest, "the target tenant has no default domain")
        }
        var rewrites: [String: String] = [:]
        for user in source["user"].values {
            for property in ["userPrincipalName", "mail"] {
                guard let address = user[property]?.stringValue, let at = address.lastIndex(of: "@") else { continue }
                let domain = address[address.index(after: at)...].lowercased()
                if !verified.contains(domain) { rewrites[domain] = fallback }
            }
        }
        return rewrites
    }
}

/// The working state of one planning run.
struct PlanningContext {
    let scope: RestoreScope
    let types: Set<String>
    let source: TenantObjects
    let target: TenantObjects
    let deleted: [String: Set<String>]
    let sameTenant: Bool
    let rewrites: [String: String]

    /// Source id → target id for objects the target already has (and undeleted ones).
    var known = IDMap()
    /// Source ids this plan creates: not known until the create is answered.
    var pending = Set<String>()
    var undeleted = Set<String>()
    /// Source ids of deleted objects Graph cannot bring back (an operator action says what to do):
    /// references to and from them are left to the operator too, not planned to fail.
    var unrestorable = Set<String>()
    /// appIds of applications this plan recreates (they get new ones).
    var pendingAppIDs = Set<String>()
    var steps: [RestoreStep] = []
    var actions: [OperatorAction] = []

    init(scope: RestoreScope, types: Set<String>, source: TenantObjects, target: TenantObjects, deleted: [String: Set<String>],
         sameTenant: Bool, rewrites: [String: String]) {
        self.scope = scope
        self.types = types
        self.source = source
        self.target = target
        self.deleted = deleted
        self.sameTenant = sameTenant
        self.rewrites = rewrites
    }

    static let objectTypes = ["user", "group", "administrativeUnit", "roleDefinition", "application", "servicePrincipal",
                              "namedLocation", "conditionalAccessPolicy", "authorizationPolicy",
                              "identitySecurityDefaultsEnforcementPolicy", "adminConsentRequestPolicy", "tenantAppManagementPolicy",
                              "authenticationFlowsPolicy", "deviceRegistrationPolicy"]

    /// Maps every source object the target has: same id, else same natural key.
    mutating func matchObjects() {
        for type in Self.objectTypes where types.contains(type) || type == "servicePrincipal" || type == "roleDefinition" {
            let live = target[type]
            var byNaturalKey: [[String: String]: String] = [:]
            for (id, object) in live {
                if let key = NaturalKey.values(of: object, type: type) { byNaturalKey[key] = byNaturalKey[key] ?? id }
            }
            for (id, object) in source[type] {
                if live[id] != nil {
                    known.ids[id] = id
                } else if deleted[type]?.contains(id) == true {
                    continue
                } else if let key = NaturalKey.values(of: object, type: type, rewrites: rewrites), let match = byNaturalKey[key] {
                    known.ids[id] = match
                    if type == "application", let old = object["appId"]?.stringValue, let new = live[match]?["appId"]?.stringValue {
                        known.appIDs[old] = new
                    }
                }
            }
        }
    }

    func inScope(_ type: String, _ key: String) -> Bool { types.contains(type) && scope.includes(key: key) }

    var remapper: ReferenceRemapper {
        // Objects still to be created map to a placeholder, so anything referencing them differs.
        var map = known
        for id in pending { map.ids[id] = "pending:" + id }
        for appID in pendingAppIDs { map.appIDs[appID] = "pending:" + appID }
        return ReferenceRemapper(map: map, sameTenant: sameTenant)
    }

    mutating func add(_ phase: RestorableTypes.Phase, _ action: RestoreStep.Action, _ type: String, _ key: String,
                      after: CanonicalJSON?, before: CanonicalJSON?, naturalKey: [String: String]? = nil) {
        steps.append(RestoreStep(seq: steps.count, phase: phase, action: action, type: type, sourceKey: key, after: after,
                                 before: before, naturalKey: naturalKey))
    }

    mutating func planObjects() {
        // Creates and undeletes first, so patches know which references are pending.
        for type in Self.objectTypes where types.contains(type) {
            guard let entry = ResourceCatalogue.entry(named: type), let phase = RestorableTypes.creationPhase[type] else { continue }
            for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) && known.ids[id] == nil {
                if deleted[type]?.contains(id) == true {
                    known.ids[id] = id
                    add(.undelete, .undelete, type, id, after: object, before: nil)
                    undeleted.insert(id)
                } else if let reason = Self.notCreatable(entry, object) ?? self.foreignApplication(type, object) {
                    actions.append(OperatorAction(type: type, objectID: id, action: reason))
                    unrestorable.insert(id)
                } else {
                    pending.insert(id)
                    if type == "application", let appID = object["appId"]?.stringValue { pendingAppIDs.insert(appID) }
                    add(phase, .create, type, id, after: object, before: nil,
                        naturalKey: NaturalKey.values(of: object, type: type, rewrites: rewrites))
                    actions += Self.followUps(entry, id: id, object: object)
                }
            }
        }
        // Objects the target has: revert writable properties that differ.
        for type in Self.objectTypes where types.contains(type) {
            guard let entry = ResourceCatalogue.entry(named: type) else { continue }
            let phase: RestorableTypes.Phase = RestorableTypes.conditionalAccess.contains(type) ? .conditionalAccess : .patches
            for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) {
                // An undeleted object comes back as it was deleted, close to the snapshot: only
                // its references to recreated objects need rewriting.
                guard let targetID = known.ids[id], let current = target[type][targetID] ?? (undeleted.contains(id) ? object : nil)
                else { continue }
                let desired = remapper.remap(object, entry: entry)
                if !Self.writableDifferences(entry, desired: desired, current: current, rewrites: rewrites).isEmpty {
                    if scope.onlyMissing && remapper.remap(object, entry: entry) == ReferenceRemapper(map: known, sameTenant: sameTenant).remap(object, entry: entry) {
                        continue  // only restoring what is missing: revert nothing but references to recreated objects
                    }
                    add(phase, .patch, type, id, after: object, before: current)
                }
            }
        }
    }

    /// Why an object cannot be created through Graph, or nil.
    static func notCreatable(_ entry: CatalogueEntry, _ object: CanonicalJSON) -> String? {
        switch entry.name {
        case "group" where object["mailEnabled"] == .bool(true) && !(object["groupTypes"]?.arrayValue ?? []).contains(.string("Unified")):
            return "mail-enabled security groups and distribution lists cannot be created through Graph: recreate it in Exchange"
        case "roleDefinition" where object["isBuiltIn"] == .bool(true):
            return "built-in role definitions are part of every tenant"
        case "servicePrincipal" where object["servicePrincipalType"]?.stringValue == "ManagedIdentity":
            return "managed identities are recreated by their Azure resource"
        case "authorizationPolicy", "identitySecurityDefaultsEnforcementPolicy", "adminConsentRequestPolicy", "tenantAppManagementPolicy",
             "authenticationFlowsPolicy", "deviceRegistrationPolicy":
            return "the \(entry.name) is a singleton: it is patched, never created"
        default:
            return nil
        }
    }

    /// A service principal of an application this tenant does not own (gallery, first-party or
    /// another customer's multi-tenant app) can only come back through consent.
    func foreignApplication(_ type: String, _ object: CanonicalJSON) -> String? {
        guard type == "servicePrincipal", let appID = object["appId"]?.stringValue?.lowercased() else { return nil }
        let owned = (source["application"].values.map { $0 } + target["application"].values.map { $0 })
            .contains { $0["appId"]?.stringValue?.lowercased() == appID }
        let present = target["servicePrincipal"].values.contains { $0["appId"]?.stringValue?.lowercased() == appID }
        return owned || present ? nil
            : "the service principal of an application this tenant does not own cannot be created: grant admin consent to application \(appID) in the target tenant"
    }

    /// What the operator must do after an object is recreated.
    static func followUps(_ entry: CatalogueEntry, id: String, object: CanonicalJSON) -> [OperatorAction] {
        switch entry.name {
        case "user":
            return [OperatorAction(type: "user", objectID: id, action:
                "recreated with a new id and a new temporary password (shown once by the foreground apply; the user must change it); "
                + "authentication methods other than phone, email and temporary access pass must be registered again")]
        case "application":
            var text = "recreated with a new id and a new appId: update every client configured with the old appId"
            if !(object["passwordCredentials"]?.arrayValue ?? []).isEmpty || !(object["keyCredentials"]?.arrayValue ?? []).isEmpty {
                text += "; issue new client secrets and upload certificates again (secret values and private keys cannot be read back)"
            }
            return [OperatorAction(type: "application", objectID: id, action: text)]
        default:
            return []
        }
    }

    /// Top-level writable properties whose desired value differs from the current one.
    static func writableDifferences(_ entry: CatalogueEntry, desired: CanonicalJSON, current: CanonicalJSON,
                                    rewrites: [String: String]) -> [String] {
        guard let wanted = RestorableTypes.writableForm(desired, type: entry.name).objectValue else { return [] }
        let have = RestorableTypes.writableForm(current, type: entry.name).objectValue ?? [:]
        var names: [String] = []
        for key in Set(wanted.keys).union(have.keys).sorted()
        where RestorableTypes.isWritable(key, of: entry) && !entry.createOnly.contains(key) && !ChangeDiffer.volatile.contains(key) {
            var value = wanted[key] ?? .null
            if let text = value.stringValue, key == "userPrincipalName" || key == "mail" {
                value = .string(NaturalKey.rewriteDomain(text, rewrites))
            }
            if wanted[key] == nil { continue }  // never clear what the snapshot does not mention
            if !AttributeChange.between(value, have[key]).isEmpty { names.append(key) }
        }
        return names
    }

    /// Relationships: add what the snapshot has and the target lacks; remove what the target has
    /// extra under parents in scope (not when only restoring deleted objects).
    mutating func planRelationships() {
        // PIM for Groups owns activated and time-bound links: never relink them as permanent ones,
        // and never remove the ones it manages in the target.
        let scheduledSource = Self.scheduledGroupLinks(source)
        let scheduledTarget = Self.scheduledGroupLinks(target)
        for (type, _) in RestorableTypes.referenceTypes.sorted(by: { $0.key < $1.key }) where types.contains(type) {
            guard let entry = ResourceCatalogue.entry(named: type), let parentType = entry.parent else { continue }
            let singleton = entry.shape == .singleton
            var desiredKeys = Set<String>()
            var parentsInScope = Set<String>()
            for (key, object) in source[type].sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "/").map(String.init)
                let parent = parts[0]
                guard let child = singleton ? object["id"]?.stringValue : parts.last else { continue }
                guard inScope(parentType, parent) || scope.includes(key: child) && types.contains(parentType) else { continue }
                guard scope.ids == nil || scope.includes(key: key) || scope.includes(key: child) else { continue }
                if parentType == "group", Self.isDynamic(source["group"][parent]) { continue }
                if !Self.canExist(child, entry: entry, source: source, target: target) {
                    continue  // points at an object neither the snapshot nor the target has (deleted before the backup)
                }
                if unrestorable.contains(parent) || unrestorable.contains(child) { continue }
                parentsInScope.insert(parent)
                let mappedParent = known.ids[parent] ?? (sameTenant && !pending.contains(parent) ? parent : nil)
                let mappedChild = known.ids[child] ?? (sameTenant && !pending.contains(child) ? child : nil)
                if let reason = scheduledSource[type + " " + parent.lowercased() + "/" + child.lowercased()] {
                    let liveKey = mappedParent.flatMap { p in mappedChild.map { p + "/" + $0 } }
                    if let liveKey { desiredKeys.insert(liveKey) }
                    if reason.contains("cannot"), liveKey.map({ target[type][$0] == nil }) ?? true {
                        actions.append(OperatorAction(type: type, objectID: key, action: reason))
                    }
                    continue
                }
                if let p = mappedParent, let c = mappedChild {
                    let liveKey = singleton ? p : p + "/" + c
                    desiredKeys.insert(liveKey)
                    let present = singleton ? target[type][p]?["id"]?.stringValue == c : target[type][liveKey] != nil
                    if present { continue }
                }
                if !pending.contains(parent) && !pending.contains(child) && mappedParent == nil {
                    continue  // the parent exists neither in the target nor in this plan
                }
                add(.relationships, .addReference, type, key, after: object, before: nil)
            }
            guard !scope.onlyMissing else { continue }
            let mappedParents = Set(parentsInScope.compactMap { known.ids[$0] })
            for (key, object) in target[type].sorted(by: { $0.key < $1.key }) {
                let parent = String(key.split(separator: "/")[0])
                guard mappedParents.contains(parent), !desiredKeys.contains(key) else { continue }
                if scheduledTarget[type + " " + key.lowercased()] != nil { continue }
                if parentType == "group", Self.isDynamic(target["group"][parent]) { continue }
                if singleton, source[type].isEmpty { continue }
                add(.removals, .removeReference, type, key, after: nil, before: object)
            }
        }
    }

    /// Whether the object a reference points at is in the snapshot or the target. When the
    /// reference's target types were not read, it is assumed to exist (Graph will say if not).
    static func canExist(_ id: String, entry: CatalogueEntry, source: TenantObjects, target: TenantObjects) -> Bool {
        let kinds = entry.references.first?.targets ?? []
        guard !kinds.isEmpty, kinds.allSatisfy({ source.types[$0] != nil }) else { return true }
        return kinds.contains { source[$0][id] != nil || target[$0][id] != nil }
    }

    static func isDynamic(_ group: CanonicalJSON?) -> Bool {
        (group?["groupTypes"]?.arrayValue ?? []).contains(.string("DynamicMembership"))
    }

    /// Role assignments, app role assignments and delegated grants, matched by what they connect.
    mutating func planAssignments() {
        let scheduled = self.scheduledAssignments
        for (type, fields) in RestorableTypes.contentKeys.sorted(by: { $0.key < $1.key }) where types.contains(type) {
            guard let entry = ResourceCatalogue.entry(named: type), Self.scheduleRequestPaths[type] == nil else { continue }
            var live = Set<[String]>()
            for object in target[type].values { live.insert(fields.map { object[$0]?.stringValue?.lowercased() ?? "" }) }
            for (key, object) in source[type].sorted(by: { $0.key < $1.key }) {
                let ids = fields.compactMap { object[$0]?.stringValue }
                guard types.contains(type) && (scope.ids == nil || scope.includes(key: key) || ids.contains { scope.includes(key: $0) })
                else { continue }
                if ids.contains(where: unrestorable.contains) { continue }
                let referencesPending = ids.contains { pending.contains($0) }
                let desired = remapper.remap(object, entry: entry)
                // PIM owns activations and time-bound assignments: never recreate them as permanent ones.
                if type == "roleAssignment", let reason = scheduled[Self.content(object, Self.roleAssignmentFields)] {
                    if reason.contains("cannot") && !live.contains(Self.content(desired, fields)) {
                        actions.append(OperatorAction(type: type, objectID: key, action: reason))
                    }
                    continue
                }
                if !referencesPending {
                    let content = fields.map { desired[$0]?.stringValue?.lowercased() ?? "" }
                    if live.contains(content) { continue }
                    // A reference that has no counterpart in the target: nothing to assign.
                    if entry.references.contains(where: { desired[$0.path] == .null }) { continue }
                }
                if scope.onlyMissing && !referencesPending && sameTenant == false { continue }
                add(.assignments, .create, type, key, after: object, before: nil,
                    naturalKey: NaturalKey.values(of: object, type: type))
            }
        }
    }
}
