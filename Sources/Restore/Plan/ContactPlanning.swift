import Foundation
import Graph
import Vault

/// Organizational contacts: Graph reads them but cannot create or update them, so a restore plan
/// names each missing or changed one for the operator (Exchange Online or directory sync writes them).
extension PlanningContext {
    mutating func planContacts() {
        let type = "orgContact"
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type) else { return }
        let byMail = Dictionary(target[type].compactMap { key, object in object["mail"]?.stringValue.map { ($0.lowercased(), key) } },
                                uniquingKeysWith: { first, _ in first })
        for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) {
            let name = object["displayName"]?.stringValue ?? id
            let mail = object["mail"]?.stringValue ?? ""
            let targetID = target[type][id] != nil ? id : byMail[mail.lowercased()]
            guard let targetID, let current = target[type][targetID] else {
                unrestorable.insert(id)
                actions.append(OperatorAction(type: type, objectID: id, action:
                    "the contact \(name) <\(mail)> cannot be created through Graph: recreate it in Exchange Online (New-MailContact) "
                        + "or through directory synchronization, then restore its groups to link it again"))
                continue
            }
            known.ids[id] = targetID
            let changed = Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites)
            if !changed.isEmpty && !scope.onlyMissing {
                actions.append(OperatorAction(type: type, objectID: id, action:
                    "the contact \(name) changed since the backup (\(changed.joined(separator: ", "))) and cannot be updated through Graph: "
                        + "revert it in Exchange Online (Set-MailContact)"))
            }
        }
    }
}
