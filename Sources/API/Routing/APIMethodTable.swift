/// Which methods each path of the route table accepts, so a request with a method the path does
/// not declare answers 405 with `Allow` (RFC 9110 §15.5.6) instead of Hummingbird's 404.
struct APIMethodTable: Sendable {
    private struct Entry: Sendable {
        var segments: [Substring?]   // nil: a `{parameter}` segment
        var methods: [String]
    }
    private let entries: [Entry]

    init(routes: [APIRoute]) {
        var byPath: [String: [String]] = [:]
        var order: [String] = []
        for route in routes {
            if byPath[route.path] == nil { order.append(route.path) }
            byPath[route.path, default: []].append(route.method.rawValue)
        }
        entries = order.map { path in
            let segments = path.split(separator: "/").map { segment -> Substring? in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : segment
            }
            var methods = byPath[path] ?? []
            // Hummingbird answers HEAD through the GET route.
            if methods.contains("GET") { methods.append("HEAD") }
            return Entry(segments: segments, methods: methods)
        }
    }

    /// The methods a request path accepts (empty when no route has that path), in a stable order.
    func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: [String] = []
        for entry in entries where entry.segments.count == segments.count {
            let matches = zip(entry.segments, segments).allSatisfy { template, actual in
                template.map { $0 == actual } ?? !actual.isEmpty
            }
            if matches { allowed.append(contentsOf: entry.methods.filter { !allowed.contains($0) }) }
        }
        return allowed
    }
}
