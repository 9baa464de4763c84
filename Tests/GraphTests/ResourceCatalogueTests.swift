import Foundation
import Graph
import GraphSim
import Testing

@Suite("Resource catalogue")
struct ResourceCatalogueTests {
    /// The types issue 6 names, by catalogue entry.
    static let requiredEntries = [
        "user", "user.manager", "user.authenticationMethods", "group", "group.members", "group.owners", "group.settings",
        "application", "application.owners", "application.federatedIdentityCredentials", "application.extensionProperties",
        "servicePrincipal", "servicePrincipal.owners", "servicePrincipal.appRoleAssignedTo", "oAuth2PermissionGrant",
        "conditionalAccessPolicy", "namedLocation", "roleDefinition", "roleAssignment", "directoryRole",
        "directoryRole.members", "administrativeUnit", "administrativeUnit.members",
        "administrativeUnit.scopedRoleMembers", "authenticationMethodsPolicy", "authorizationPolicy",
        "crossTenantAccessPolicy", "crossTenantAccessPolicy.default", "crossTenantAccessPolicy.partners", "organization",
        "domain", "device", "groupLifecyclePolicy", "groupSetting", "claimsMappingPolicy", "claimsMappingPolicy.appliesTo",
        "tokenLifetimePolicy", "tokenLifetimePolicy.appliesTo", "tokenIssuancePolicy", "tokenIssuancePolicy.appliesTo",
        "subscribedSku", "onPremisesSynchronization", "servicePrincipal.synchronizationJobs",
        "servicePrincipal.synchronizationJobs.schema",
        // Issue 16: PIM for Entra roles.
        "roleEligibilitySchedule", "roleEligibilityScheduleInstance", "roleAssignmentSchedule",
        "roleAssignmentScheduleInstance", "roleManagementPolicy", "roleManagementPolicyAssignment",
        // Issue 16: app sign-in and credential policies, consent classifications, tenant switches.
        "homeRealmDiscoveryPolicy", "homeRealmDiscoveryPolicy.appliesTo", "activityBasedTimeoutPolicy",
        "tenantAppManagementPolicy", "appManagementPolicy", "appManagementPolicy.appliesTo",
        "servicePrincipal.delegatedPermissionClassifications", "authenticationFlowsPolicy", "deviceRegistrationPolicy", "agreement",
        // Issue 16: PIM for Groups.
        "group.eligibilitySchedules", "group.eligibilityScheduleInstances", "group.assignmentSchedules",
        "group.assignmentScheduleInstances",
        // Issue 16: custom security attributes.
        "attributeSet", "customSecurityAttributeDefinition", "customSecurityAttributeDefinition.allowedValues",
        "userSecurityAttributes", "servicePrincipalSecurityAttributes",
        // Issue 16: company branding.
        "organization.brandingLocalizations",
        // Issue 16: organizational contacts.
        "orgContact",
    ]

    /// graph-sim types that are not tenant configuration: Microsoft's global templates, the audit
    /// log, PIM's requests (a log of changes, whose result is the schedules); and PIM's rules,
    /// read inline with their policy (`$expand=rules`).
    static let notBackedUp: Set<String> = [
        "directoryRoleTemplate", "groupSettingTemplate", "directoryAudit", "unifiedRoleEligibilityScheduleRequest",
        "unifiedRoleAssignmentScheduleRequest", "unifiedRoleManagementPolicyRule",
        "privilegedAccessGroupEligibilityScheduleRequest", "privilegedAccessGroupAssignmentScheduleRequest",
    ]

    @Test func everyRequiredTypeHasOneEntry() {
        let names = ResourceCatalogue.entries.map(\.name)
        #expect(Set(names).count == names.count, "duplicate entry names")
        for name in Self.requiredEntries {
            #expect(ResourceCatalogue.entry(named: name) != nil, "missing \(name)")
        }
    }

    @Test func parentsComeFirstAndPathsNeedTheirChain() {
        var seen = Set<String>()
        for entry in ResourceCatalogue.entries {
            var chain = 0
            var parent = entry.parent
            while let name = parent {
                #expect(seen.contains(name), "\(entry.name)'s parent \(name) is not listed before it")
                chain += 1
                parent = ResourceCatalogue.entry(named: name)?.parent
            }
            #expect(entry.depth == chain, "\(entry.name): path has \(entry.depth) parent ids, chain has \(chain)")
            seen.insert(entry.name)
        }
    }

    @Test func referencesPointAtCatalogueEntries() {
        let names = Set(ResourceCatalogue.entries.map(\.name)).union(["orgContact"])
        for entry in ResourceCatalogue.entries {
            for reference in entry.references {
                for target in reference.targets {
                    #expect(names.contains(target), "\(entry.name).\(reference.path) points at unknown \(target)")
                }
            }
            #expect(entry.kind == .object || entry.restore == .relink, "\(entry.name): relationships are relinked")
            #expect(!entry.permissions.isEmpty)
            #expect(entry.readOnly.isDisjoint(with: entry.createOnly), "\(entry.name): read-only and create-only overlap")
        }
    }

    @Test func everyTypeGraphSimServesIsCoveredWithItsDeltaSupport() {
        let entriesByType = Dictionary(grouping: ResourceCatalogue.entries, by: \.odataType)
        for type in ResourceType.all where !Self.notBackedUp.contains(type.name) {
            let entries = entriesByType[type.odataType] ?? []
            #expect(!entries.isEmpty, "graph-sim serves \(type.name) but no catalogue entry reads it")
            for entry in entries where entry.parent == nil {
                #expect((entry.delta != nil) == type.hasDelta, "\(entry.name): delta support differs from Graph's")
                #expect(entry.softDelete != .none || !type.softDeletes, "\(entry.name): graph-sim soft-deletes it")
            }
        }
    }

    /// The demo, the failover test, the API fuzz and the backup benchmark all grant the dev seed's
    /// permissions; a catalogue entry needing one it lacks leaves every dev tenant onboarding.
    @Test func theDevSeedGrantsEveryPermissionABackupNeeds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("deploy/dev/graph-sim-seed.json"))
        let seed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let applications = try #require(seed["applications"] as? [[String: Any]])
        let granted = Set(try #require(applications.first?["permissions"] as? [String]))
        // As the onboarding probe counts it: an entry is readable when any of its alternatives is granted.
        let unreadable = ResourceCatalogue.entries.filter { !$0.permissions.isEmpty && granted.isDisjoint(with: $0.permissions) }
        #expect(unreadable.isEmpty, "deploy/dev/graph-sim-seed.json grants none of \(unreadable.map { "\($0.name): \($0.permissions)" })")
    }

    @Test func pathsSubstituteParentsAndSelect() throws {
        let schema = try #require(ResourceCatalogue.entry(named: "servicePrincipal.synchronizationJobs.schema"))
        #expect(schema.listRequestPath(parents: ["sp 1", "job.2"]) == "/servicePrincipals/sp%201/synchronization/jobs/job.2/schema")
        let members = try #require(ResourceCatalogue.entry(named: "group.members"))
        #expect(members.listRequestPath(parents: ["g"]) == "/groups/g/members?$select=id")
        let user = try #require(ResourceCatalogue.entry(named: "user"))
        #expect(user.itemRequestPath(id: "u")?.hasPrefix("/users/u?$select=id,") == true)
        #expect(user.deltaRequestPath?.hasSuffix(",manager") == true)
        #expect(members.objectKey(parents: ["g"], id: "u") == "g/u")
    }

    /// Every list, item and delta endpoint answers 200 from a seeded tenant, with only the
    /// permissions the catalogue declares.
    @Test func everyEndpointAnswersFromGraphSim() async throws {
        // 200 users: the smallest profile graph-sim seeds as hybrid (directory sync and Cloud Sync).
        try await GraphSimHarness.run(profile: SeedProfile(name: "catalogue", users: 200), seed: 1,
                                      permissions: ResourceCatalogue.requiredPermissions) { harness in
            let session = harness.session()
            var reader = CatalogueProbe(session: session)
            var failures: [String] = []
            var empty: [String] = []
            for entry in ResourceCatalogue.entries {
                do {
                    let probe = try await reader.probe(entry)
                    if probe.items == 0 { empty.append(entry.name) }
                    if let itemID = probe.firstItemID, let path = entry.itemRequestPath(id: itemID, parents: probe.parents) {
                        let item = try await session.send(.get(path)).json()
                        if item[entry.key]?.stringValue != itemID { failures.append("\(entry.name): GET \(path) returned another object") }
                    }
                    if let delta = entry.deltaRequestPath {
                        let page = try await session.send(.get(delta)).json()
                        if page["value"]?.arrayValue == nil { failures.append("\(entry.name): delta page without value") }
                    }
                } catch {
                    failures.append("\(entry.name): \(error)")
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            // A seeded tenant has objects of every type, so each entry was read with something in it.
            #expect(empty.isEmpty, "no items found for \(empty)")
        }
    }
}

/// Finds, for each entry, parent ids under which its list answers with items, and lists it.
struct CatalogueProbe {
    struct Result {
        var parents: [String]
        var items: Int
        var firstItemID: String?
    }

    let session: GraphSession
    /// Candidate parent-id chains per entry, from earlier probes.
    var chains: [String: [[String]]] = [:]

    init(session: GraphSession) { self.session = session }

    mutating func probe(_ entry: CatalogueEntry) async throws -> Result {
        let candidates: [[String]] = entry.parent.map { self.chains[$0] ?? [] } ?? [[]]
        var lastError: (any Error)?
        var answered: Result?
        var found: [[String]] = []
        for parents in candidates {
            do {
                let ids = try await self.list(entry, parents: parents)
                found += ids.map { parents + [$0] }
                if answered == nil || (answered?.items == 0 && !ids.isEmpty) {
                    answered = Result(parents: parents, items: ids.count, firstItemID: ids.first)
                }
                // Children need a few parents with items; stop once enough are known.
                if found.count >= 50 { break }
            } catch let error as Graph.GraphError where error.status == 404 && entry.shape == .singleton && entry.parent != nil {
                lastError = error  // a user without a manager
            }
        }
        self.chains[entry.name] = found
        guard let answered else {
            throw lastError ?? Graph.GraphError(code: .invalidResponse, message: "no parent to list \(entry.name) under")
        }
        return answered
    }

    private func list(_ entry: CatalogueEntry, parents: [String]) async throws -> [String] {
        var path: String? = entry.listRequestPath(parents: parents)
        var ids: [String] = []
        while let next = path {
            let json = try await self.session.send(.get(next)).json()
            if entry.shape == .singleton {
                // A singleton per parent is keyed by its parents; a tenant singleton by its id.
                return [json[entry.key]?.stringValue ?? parents.last ?? entry.name]
            }
            ids += (json["value"]?.arrayValue ?? []).compactMap { $0[entry.key]?.stringValue }
            path = json["@odata.nextLink"]?.stringValue
        }
        return ids
    }
}
