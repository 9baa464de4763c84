import Foundation
public import Graph
public import Logging
import Postgres
public import Queue
import Restore
public import Vault

/// Validates one snapshot: integrity (``Vault/verify(snapshotID:)``: every blob's MAC and id, and
/// the root hash), completeness (each type's count against the live tenant's; no type missing
/// without a recorded reason), referential integrity (every catalogued reference resolves inside
/// the snapshot, or is a keyword or external), and a restore drill when one is configured.
public struct ValidationRun: Sendable {
    let vault: Vault
    let catalogue: [CatalogueEntry]
    let live: (any LiveTenant)?
    let drill: (any RestoreDrilling)?
    /// The validation job running this, whose claim the drill's writes are fenced by.
    let job: JobContext?
    let logger: Logger

    public init(vault: Vault, catalogue: [CatalogueEntry] = ResourceCatalogue.entries, live: (any LiveTenant)?,
                drill: (any RestoreDrilling)?, job: JobContext? = nil, logger: Logger) {
        self.vault = vault
        self.catalogue = catalogue
        self.live = live
        self.drill = drill
        self.job = job
        self.logger = logger
    }

    /// Runs every check (each one's failure is recorded, not thrown) and returns the result,
    /// not yet stored.
    public func run(snapshot: SnapshotSummary, jobID: Int64?) async throws -> ValidationResult {
        let startedAt = Date()
        var checks: [ValidationCheck] = []
        checks.append(try await self.integrity(snapshot))
        checks.append(try await self.completeness(snapshot))
        checks.append(try await self.references(snapshot))
        let (drillCheck, seconds) = try await self.restoreDrill(snapshot)
        checks.append(drillCheck)
        let result = ValidationResult(tenantID: snapshot.tenantID, snapshotID: snapshot.id, jobID: jobID, startedAt: startedAt,
                                      finishedAt: Date(), checks: checks, restoreSeconds: seconds)
        self.logger.info("snapshot validated", metadata: [
            "tenant.id": "\(snapshot.tenantID.uuidString.lowercased())", "snapshot.id": "\(snapshot.id)",
            "validation.passed": "\(result.passed)", "validation.failed_checks": "\(result.failedChecks.joined(separator: ","))",
        ])
        return result
    }

    // MARK: Integrity

    func integrity(_ snapshot: SnapshotSummary) async throws -> ValidationCheck {
        let verification = try await self.vault.verify(snapshotID: snapshot.id)
        var failures = verification.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        if !verification.rootHashMatches {
            failures.insert("root hash: the map does not hash to the recorded \(snapshot.rootHash)", at: 0)
        }
        return ValidationCheck(name: ValidationCheck.integrity, status: failures.isEmpty ? .passed : .failed,
                               summary: "\(verification.objects) objects, \(verification.failures.count) blob failures, root hash "
                                   + (verification.rootHashMatches ? "matches" : "does not match"),
                               failures: failures)
    }

    // MARK: Completeness

    /// Live objects of each type at the snapshot.
    func storedCounts(_ snapshot: SnapshotSummary) async throws -> [String: Int] {
        let rows = try await self.vault.client.query("""
            SELECT type, count(*) AS n FROM object_versions
            WHERE tenant_id = \(snapshot.tenantID) AND valid_from <= \(snapshot.id) AND (valid_to IS NULL OR valid_to > \(snapshot.id))
            GROUP BY type
            """)
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(String.self, "type")] = try row.decode(Int.self, "n") }
        return counts
    }

    func completeness(_ snapshot: SnapshotSummary) async throws -> ValidationCheck {
        let stored = try await self.storedCounts(snapshot)
        let missing = Dictionary(snapshot.missingTypes.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
        var notes = snapshot.missingTypes.map { "\($0.type) missing with a recorded reason: \($0.code): \($0.reason)" }
        guard let live = self.live else {
            return ValidationCheck(name: ValidationCheck.completeness, status: .skipped,
                                   summary: "no Graph session to count the live tenant with", notes: notes)
        }
        let newest = try await self.vault.snapshots(tenantID: snapshot.tenantID, limit: 1).first?.id
        guard newest == snapshot.id else {
            return ValidationCheck(name: ValidationCheck.completeness, status: .skipped,
                                   summary: "live counts describe the tenant now; only its newest snapshot (\(newest.map(String.init) ?? "-")) is compared",
                                   notes: notes)
        }
        var failures: [String] = []
        var compared = 0
        for entry in self.catalogue where entry.parent == nil && missing[entry.name] == nil {
            try Task.checkCancellation()
            let liveCount: Int
            do {
                liveCount = try await live.count(entry)
            } catch let error as GraphError {
                notes.append("\(entry.name): live count unavailable (\(error.code))")
                continue
            }
            compared += 1
            let held = stored[entry.name] ?? 0
            if held == 0 && liveCount > 0 {
                failures.append("\(entry.name): missing from the snapshot without a recorded reason (live tenant has \(liveCount))")
            } else if held != liveCount {
                failures.append("\(entry.name): snapshot holds \(held), live tenant has \(liveCount)")
            }
        }
        let children = self.catalogue.filter { $0.parent != nil }.count
        notes.append("\(children) child types (members, owners, settings, …) are counted through their parents, not live")
        return ValidationCheck(name: ValidationCheck.completeness, status: failures.isEmpty ? .passed : .failed,
                               summary: "\(compared) types compared with the live tenant, \(failures.count) differ", failures: failures,
                               notes: notes)
    }

    // MARK: References

    func references(_ snapshot: SnapshotSummary) async throws -> ValidationCheck {
        let referencing = self.catalogue.filter { !$0.references.isEmpty }
        let known = Set(self.catalogue.map(\.name))
        let missingTypes = Set(snapshot.missingTypes.map(\.type))
        let index = try await ReferenceIndex.build(snapshot: snapshot, vault: self.vault, catalogue: self.catalogue)
        var failures: [String] = []
        var resolved = 0, keywords = 0, external = 0, unverifiable = 0
        var dangling: [(type: String, objectID: String, reference: ObjectReference, value: String, targets: [String])] = []
        for entry in referencing {
            try await index.forEachObject(of: entry.name) { objectID, object in
                for reference in entry.references {
                    for value in ReferencePath.values(reference.path, in: object) {
                        if reference.keywords.contains(value) {
                            keywords += 1
                            continue
                        }
                        var targets = reference.targets
                        // A relationship names its target's type: check only that one.
                        if reference.path == "id", let odataType = object["@odata.type"]?.stringValue {
                            let name = String(odataType.split(separator: ".").last ?? "")
                            targets = known.contains(name) ? [name] : []
                        }
                        switch index.resolve(value, key: reference.key, targets: targets) {
                        case true:
                            resolved += 1
                        case false where targets.contains(where: missingTypes.contains):
                            unverifiable += 1
                        case false where targets.isEmpty || !targets.allSatisfy(known.contains) || reference.key == .appId:
                            // A target Holdfast does not back up (org contacts) or an app published
                            // by another tenant (first-party resource apps): outside the snapshot.
                            external += 1
                        case false:
                            dangling.append((entry.name, objectID, reference, value, targets))
                        }
                    }
                }
            }
        }
        // A reference the tenant itself leaves dangling (a principal deleted under its assignment) is
        // not the backup's fault; only the newest snapshot can be compared with the tenant now.
        var notes: [String] = []
        var lookups: [String: Bool] = [:]
        let newest = try await self.vault.snapshots(tenantID: snapshot.tenantID, limit: 1).first?.id == snapshot.id
        for item in dangling {
            // The directory object a reference names: its value, or the id in a query path (`/users/{id}`).
            let objectID: String? = switch item.reference.key {
            case .id: item.value
            case .queryPath: item.value.split(separator: "/").dropFirst().first.map(String.init)
            default: nil
            }
            if newest, let live = self.live, let objectID, lookups.count < Self.maxLiveLookups || lookups[objectID] != nil {
                let exists: Bool
                if let known = lookups[objectID] {
                    exists = known
                } else {
                    exists = (try? await live.directoryObjectExists(id: objectID)) ?? true
                    lookups[objectID] = exists
                }
                if !exists {
                    notes.append("\(item.type)/\(item.objectID): \(item.reference.path) = \(item.value) dangles in the live tenant too")
                    continue
                }
            }
            failures.append("\(item.type)/\(item.objectID): \(item.reference.path) = \(item.value) resolves to no \(item.targets.joined(separator: "|"))")
        }
        if external > 0 { notes.append("\(external) references point outside the snapshot (types not backed up, other tenants' apps)") }
        if unverifiable > 0 { notes.append("\(unverifiable) references point at types missing from this snapshot") }
        return ValidationCheck(name: ValidationCheck.references, status: failures.isEmpty ? .passed : .failed,
                               summary: "\(resolved) resolved, \(keywords) keywords, \(external) external, \(failures.count) dangling"
                                   + (dangling.count > failures.count ? ", \(dangling.count - failures.count) dangling in the tenant itself" : ""),
                               failures: failures, notes: notes)
    }

    /// Live existence checks per validation, so a badly broken snapshot cannot turn into
    /// thousands of Graph requests; past it, unresolved references count as dangling.
    static let maxLiveLookups = 200

    // MARK: Restore drill

    func restoreDrill(_ snapshot: SnapshotSummary) async throws -> (ValidationCheck, Double?) {
        guard let drill = self.drill else {
            return (ValidationCheck(name: ValidationCheck.restoreDrill, status: .skipped, summary: "no restore drill configured"), nil)
        }
        do {
            let outcome = try await drill.drill(tenantID: snapshot.tenantID, snapshotID: snapshot.id, job: self.job, logger: self.logger)
            return (ValidationCheck(name: ValidationCheck.restoreDrill, status: outcome.differences.isEmpty ? .passed : .failed,
                                    summary: "restored \(outcome.objectsRestored) objects into \(outcome.scratchTenant) in "
                                        + String(format: "%.1f", outcome.restoreSeconds) + " s, \(outcome.differences.count) differences",
                                    failures: outcome.differences), outcome.restoreSeconds)
        } catch let error as RestoreError where error.code == .claimLost {
            // The job lost its lease: this attempt stops; it records nothing.
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return (ValidationCheck(name: ValidationCheck.restoreDrill, status: .failed, summary: "the restore drill failed",
                                    failures: ["\(error)"]), nil)
        }
    }
}
