/// The OData system query options of one request, parsed and validated against the type it
/// addresses.
struct ODataQuery: Sendable {
    var select: [String]?
    var top: Int?
    var filter: FilterExpression?
    var filterText: String?
    var count = false
    var expand: [String] = []
    var orderBy: (property: String, descending: Bool)?
    var search: String?
    var skipToken: String?
    var deltaToken: String?
    var hasSkip = false

    /// Parses the query options of `request`; fails with Graph's errors for malformed options.
    init(_ request: GraphRequest) throws(GraphError) {
        if let value = request.queryValue("$select") {
            let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            select = names.isEmpty ? nil : names
        }
        if let value = request.queryValue("$top") {
            guard let number = Int(value), number > 0 else {
                throw GraphError.badRequest("Invalid page size specified: '\(value)'. Must be between 1 and 999 inclusive.")
            }
            top = number
        }
        if let value = request.queryValue("$filter") {
            filterText = value
            do {
                filter = try FilterParser.parse(value)
            } catch {
                throw GraphError.badRequest(error.message)
            }
        }
        if let value = request.queryValue("$count") {
            switch value.lowercased() {
            case "true": count = true
            case "false": count = false
            default: throw GraphError.badRequest("Invalid value '\(value)' for $count; expected true or false.")
            }
        }
        if let value = request.queryValue("$expand") {
            expand = value.split(separator: ",").map { String($0.split(separator: "(")[0]).trimmingCharacters(in: .whitespaces) }
        }
        if let value = request.queryValue("$orderby") {
            let parts = value.split(separator: " ").map(String.init)
            guard let property = parts.first else { throw GraphError.badRequest("Invalid $orderby.") }
            orderBy = (property, parts.count > 1 && parts[1].lowercased() == "desc")
        }
        search = request.queryValue("$search")
        skipToken = request.queryValue("$skiptoken")
        deltaToken = request.queryValue("$deltatoken")
        hasSkip = request.queryValue("$skip") != nil
    }

    /// Whether the request opted into advanced queries (`ConsistencyLevel: eventual`).
    static func isEventual(_ request: GraphRequest) -> Bool {
        request.header("ConsistencyLevel")?.lowercased() == "eventual"
    }

    /// Checks `$select` and `$filter` names against `type`'s properties.
    func validate(for type: ResourceType) throws(GraphError) {
        if let select, type != .authenticationMethod {
            for name in select where !type.isKnownProperty(name) && name != "*" {
                throw GraphError.invalidProperty(name, type: type)
            }
        }
        if let filter, type != .authenticationMethod {
            for name in filter.properties where !type.isKnownProperty(name) {
                throw GraphError.invalidProperty(name, type: type)
            }
        }
    }

    /// The projection for `type`: `$select`, else the type's default property set.
    func projection(for type: ResourceType) -> Projection {
        if let select, !select.contains("*") {
            return Projection(keys: select)
        }
        if select == nil, let defaults = type.defaultProperties {
            return Projection(keys: defaults)
        }
        return .all
    }

    /// The `(a,b)` part of an `@odata.context` for a `$select`.
    var contextSelection: String {
        guard let select else { return "" }
        return "(" + select.joined(separator: ",") + ")"
    }
}

import Foundation
