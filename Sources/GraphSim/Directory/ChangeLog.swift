/// The changes to one delta-tracked type, in version order, so a delta round reads only what
/// changed since its token instead of the whole tenant.
///
/// An entry names the object whose state changed, or a container (group, administrative unit,
/// directory role) and the member whose membership changed. The state sent to the client is read
/// when the round is served, so entries carry no payload.
struct ChangeLog: Sendable {
    struct Entry: Sendable {
        let version: UInt64
        let id: String
        let member: String?
    }

    private(set) var entries: [Entry] = []

    mutating func append(version: UInt64, id: String, member: String? = nil) {
        entries.append(Entry(version: version, id: id, member: member))
    }

    /// Index of the first entry whose version is greater than `version`.
    func firstIndex(after version: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].version <= version {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
