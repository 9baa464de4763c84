/// Source ids → target ids, and recreated applications' appIds.
public struct IDMap: Sendable, Hashable, Codable {
    public var ids: [String: String] = [:]
    public var appIDs: [String: String] = [:]

    public init(ids: [String: String] = [:], appIDs: [String: String] = [:]) {
        self.ids = ids
        self.appIDs = appIDs
    }

    public var isEmpty: Bool { self.ids.isEmpty && self.appIDs.isEmpty }
}
