import Graph
import Vault

/// Reads the values an ``ObjectReference`` path names in an object: `a.b`, `a[].b`, `a.b[]`.
enum ReferencePath {
    static func values(_ path: String, in object: CanonicalJSON) -> [String] {
        var current = [object]
        for segment in path.split(separator: ".") {
            let intoArray = segment.hasSuffix("[]")
            let key = intoArray ? String(segment.dropLast(2)) : String(segment)
            var next: [CanonicalJSON] = []
            for value in current {
                guard let child = value[key] else { continue }
                if intoArray {
                    next += child.arrayValue ?? []
                } else {
                    next.append(child)
                }
            }
            current = next
        }
        return current.compactMap(\.stringValue)
    }
}
