import Foundation
import Graph
import JSON
import Vault

/// Company branding: the default (localization `0`) is written with `PATCH /organization/{id}/branding`,
/// other locales are created with their id, reverted, or deleted when added since. Images are not
/// in the snapshot: the plan says which to upload again.
extension PlanningContext {
    static let brandingType = "organization.brandingLocalizations"

    mutating func planBranding() {
        let type = Self.brandingType
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type),
              let targetOrganization = target["organization"].keys.sorted().first else { return }
        var wanted = Set<String>()
        for (key, object) in source[type].sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, scope.includes(key: parts[0]) || scope.includes(key: key) else { continue }
            known.ids[parts[0]] = targetOrganization
            known.ids[parts[1]] = parts[1]
            wanted.insert(parts[1].lowercased())
            let images = entry.readOnly.filter { $0.hasSuffix("ImageRelativeUrl") || $0.hasSuffix("LogoRelativeUrl")
                || $0 == "faviconRelativeUrl" || $0 == "customCSSRelativeUrl" }
                .filter { !Self.isUnset(object[$0]) }.sorted()
            if !images.isEmpty {
                actions.append(OperatorAction(type: type, objectID: key, action:
                    "the branding images and style sheet (\(images.map { $0.replacingOccurrences(of: "RelativeUrl", with: "") }.joined(separator: ", "))) "
                        + "are not in the snapshot and cannot be restored from it: upload them again if they changed"))
            }
            if let current = target[type]["\(targetOrganization)/\(parts[1])"] {
                if !scope.onlyMissing,
                   !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites).isEmpty {
                    add(.patches, .patch, type, key, after: object, before: current)
                }
            } else {
                add(.patches, .create, type, key, after: object, before: nil)
            }
        }
        // Locales added since, under an organization the snapshot has branding for.
        guard !scope.onlyMissing, scope.ids == nil, !wanted.isEmpty else { return }
        for (key, current) in target[type].sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1] != "0", !wanted.contains(parts[1].lowercased()) else { continue }
            add(.removals, .removeReference, type, key, after: nil, before: current)
        }
    }
}

extension ExecutionRun {
    /// Requests of company branding; nil when the step is not branding.
    func brandingRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        guard step.type == PlanningContext.brandingType, let entry = ResourceCatalogue.entry(named: step.type) else { return nil }
        let parts = step.sourceKey.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .some(nil) }
        let json = ["Content-Type": "application/json"]
        if step.action == .removeReference {
            // Removal keys are the target's own.
            return GraphBatchRequest(id: id, method: "DELETE", url: "/organization/\(parts[0])/branding/localizations/\(parts[1])")
        }
        guard let organization = self.mapped(parts[0]), let object = step.after?.objectValue else { return .some(nil) }
        var body = JSONObject()
        for (name, value) in object where !name.hasPrefix("@") && !entry.readOnly.contains(name) {
            if step.action == .patch, let before = step.before, AttributeChange.between(value, before[name] ?? .null).isEmpty { continue }
            body[name] = value
        }
        let locale = parts[1]
        if locale == "0" {
            return GraphBatchRequest(id: id, method: "PATCH", url: "/organization/\(organization)/branding", headers: json, body: .object(body))
        }
        if step.action == .create {
            var created = JSONObject()
            created["id"] = .string(locale)
            for (name, value) in body { created[name] = value }
            return GraphBatchRequest(id: id, method: "POST", url: "/organization/\(organization)/branding/localizations",
                                     headers: json, body: .object(created))
        }
        return GraphBatchRequest(id: id, method: "PATCH", url: "/organization/\(organization)/branding/localizations/\(locale)",
                                 headers: json, body: .object(body))
    }
}
