/// How a restore brings an object back to its backed-up state.
public enum RestoreStrategy: Sendable, Hashable {
    /// Undo a soft delete from the deleted-items container when still there (keeping the id),
    /// else create it anew; then patch its writable properties to the backed-up values.
    case undeleteOrCreate
    /// Create it anew (it has no soft delete) and remap references to its new id; patch it when it
    /// still exists.
    case create
    /// A tenant singleton or existing object: patch its writable properties in place.
    case patchInPlace
    /// A relationship: add the missing references (`$ref`, app role assignment) and remove extra ones.
    case relink
    /// Cannot be restored through Graph; the backup is evidence and a guide for a manual step.
    case manual(reason: String)
}
