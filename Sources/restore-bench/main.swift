// The restore benchmark (deploy/bench/restore): 1,000 hard-deleted users with their group
// memberships and 20 conditional access policies that reference them, restored into graph-sim
// with its write limits on, timed against the floor those limits allow. Last line: one JSON object.
import Cryptography
import Foundation
import Graph
import GraphSim
import HTTP
import HoldfastTesting
import Jobs
import Logging
import Restore
import Tenancy
import Vault

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}
let tenantUsers = option("--tenant-users", 2_000)
let deletedUsers = option("--deleted-users", 1_000)
let policyCount = option("--policies", 20)

var logger = Logger(label: "restore-bench")
logger.logLevel = .warning
func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let types: Set<String> = ["user", "group", "conditionalAccessPolicy"]
let catalogue = ResourceCatalogue.entries.filter { ["user", "user.manager", "group", "group.members", "conditionalAccessPolicy"].contains($0.name) }

try await TestDatabase.withIsolatedSchema { schema in
    let simulator = try GraphSimulator(configuration: .init(
        host: "127.0.0.1", port: 0, tenants: [TenantSpecification(name: "contoso", profile: SeedProfile(name: "bench", users: tenantUsers), seed: 7)],
        throttlingEnabled: true, throttleScale: 1, requestLogCapacity: 50_000), logger: logger)
    let base = try await simulator.start()
    let http = try HTTPClient(configuration: .init(), logger: logger)
    let tenant = simulator.tenant(named: "contoso")!
    let app = try simulator.registerApplication(tenant: "contoso", displayName: "Holdfast bench", permissions: [
        "User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess",
        "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Application.Read.All",
    ])
    let secret = try simulator.addClientSecret(clientId: app.clientId).value
    let graph = GraphClient(configuration: GraphConfiguration(graphBaseURL: base + "/v1.0", loginBaseURL: base), transport: http,
                            throttleStore: InMemoryThrottleStateStore(), logger: logger)
    let session = graph.session(for: GraphIdentity(tenant: tenant.id, clientID: app.clientId)) {
        .clientSecret(SecretBytes(copying: Array(secret.utf8)))
    }
    let tenantID = try await TenantRegistry(client: schema.client, logger: logger).addTenant(
        NewTenant(entraTenantID: UUID(uuidString: tenant.id)!, primaryDomain: tenant.initialDomain, displayName: "Contoso"), actor: "bench").id
    let vault = Vault(client: schema.client, blobStore: PostgresBlobStore(client: schema.client),
                      keyProvider: TenancyVaultKeyProvider(client: schema.client,
                                                           dataKeys: TenantDataKeyStore(keyRing: MasterKeyRing(current: MasterKey.generate()))),
                      logger: logger)

    // The victims: member users; 20 policies referencing them (50 each, excluded or included).
    let state = try simulator.state(tenant: "contoso")
    let users = (state["objects"]?["user"]?.arrayValue ?? []).filter {
        $0["userType"]?.stringValue == "Member" && ($0["displayName"]?.stringValue ?? "").contains("Break") == false
            && ($0["userPrincipalName"]?.stringValue ?? "").hasPrefix("admin") == false
    }.compactMap { $0["id"]?.stringValue }
    let victims = Array(users.suffix(deletedUsers))
    say("seeding \(policyCount) conditional access policies referencing \(victims.count) of \(tenantUsers) users")
    for index in 0..<policyCount {
        let referenced = (0..<50).map { victims[(index * 50 + $0) % victims.count] }
        let body: [String: Any] = [
            "displayName": "Bench policy \(index)", "state": "enabledForReportingButNotEnforced",
            "conditions": ["users": ["includeUsers": referenced.prefix(25).map { $0 }, "excludeUsers": referenced.suffix(25).map { $0 }],
                           "applications": ["includeApplications": ["All"]], "clientAppTypes": ["all"]],
            "grantControls": ["operator": "OR", "builtInControls": ["mfa"]],
        ]
        try await Task.sleep(for: .milliseconds(1_050))
        _ = try await session.send(GraphRequest(method: "POST", path: "/identity/conditionalAccess/policies",
                                                headers: [("Content-Type", "application/json")],
                                                body: Array(try JSONSerialization.data(withJSONObject: body))))
    }
    try await Task.sleep(for: .milliseconds(1_050))
    say("backing up users, groups, memberships and policies")
    let snapshot = try await BackupRun(vault: vault, session: session, catalogue: catalogue, tenantID: tenantID, jobID: 1, claim: nil,
                                       logger: logger).run()
    _ = try simulator.apply(.hardDeleteUsers(count: victims.count, ids: victims), tenant: "contoso")
    simulator.resetThrottling()
    try await Task.sleep(for: .seconds(2))

    let store = RestoreStore(vault: vault)
    let planStart = ContinuousClock.now
    let plan = try await RestorePlanner(vault: vault, store: store, configuration: .init(blastRadiusLimit: 10_000), logger: logger)
        .plan(snapshotID: snapshot.id, targetTenantID: tenantID, target: session, scope: RestoreScope(types: types, onlyMissing: true),
              actor: "bench")
    let planSeconds = (ContinuousClock.now - planStart) / .seconds(1)
    simulator.resetThrottling()
    try await Task.sleep(for: .seconds(2))

    // The writes the plan needs, as Graph requests: members of one group bind 20 to a request.
    let creates = plan.steps.filter { $0.action == .create }.count
    let caWrites = plan.steps.filter { RestorableTypes.all.contains($0.type) && ["conditionalAccessPolicy", "namedLocation"].contains($0.type) }.count
    var bindRequests = 0
    var references = 0
    let grouped = Dictionary(grouping: plan.steps.filter { $0.action == .addReference }) { "\($0.type)|\($0.sourceKey.split(separator: "/")[0])" }
    for (key, steps) in grouped {
        if key.hasPrefix("group.") { bindRequests += (steps.count + 19) / 20 } else { references += steps.count }
    }
    let writes = creates + bindRequests + references + caWrites
    // Floor: writes are limited to 3,000 per 150 s per app and tenant (a bucket that starts full,
    // then 20 per second), and conditional access to one request per second, which can start
    // only once the users it references exist again. Users and references fit in the burst, so
    // the floor is the conditional access writes at 1 per second (the first one at once).
    let writeFloor = Double(max(0, writes - 3_000)) / 20.0
    let floor = max(writeFloor, Double(max(caWrites - 1, 0)) * 1.0)

    let outcome = try await RestoreExecutor(store: store, logger: logger).apply(planID: plan.id, target: session, actor: "bench")
    let restoredUsers = outcome.plan.steps.filter { $0.type == "user" && $0.action == .create && $0.status == .done }.count
    let source = try await SnapshotObjectReader(vault: vault).objects(of: snapshot, types: RestorableTypes.closure(of: types))
    let differences = try await RestoreComparison().differences(plan: outcome.plan, map: outcome.map, source: source, target: session)
    say("plan \(String(format: "%.1f", planSeconds)) s; apply \(String(format: "%.1f", outcome.seconds)) s for \(outcome.plan.steps.count) steps "
        + "(\(creates) creates, \(bindRequests) member binds, \(references) other references, \(caWrites) policy writes); "
        + "floor \(String(format: "%.1f", floor)) s; failed \(outcome.failedSteps.count); differences \(differences.count)")
    for difference in differences.prefix(5) { say("  \(difference)") }
    await http.shutdown()
    await simulator.stop()
    let objects = outcome.plan.steps.filter { $0.status == .done }.count
    print(#"{"bench":"restore","restore_s":\#(String(format: "%.2f", outcome.seconds)),"floor_s":\#(String(format: "%.2f", floor)),"objects_restored":\#(objects),"users_restored":\#(restoredUsers),"plan_s":\#(String(format: "%.2f", planSeconds)),"writes":\#(writes),"ratio":\#(String(format: "%.2f", outcome.seconds / max(floor, 0.001))),"failed_steps":\#(outcome.failedSteps.count),"differences":\#(differences.count)}"#)
}
