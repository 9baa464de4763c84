import Foundation

/// The `$filter` subset a backup and restore tool uses: `eq`, `ne`, `gt`, `ge`, `lt`, `le`, `in`,
/// `and`, `or`, `not`, parentheses, `startswith`, `endswith`, and `any` over collections
/// (`groupTypes/any(c:c eq 'Unified')`). String comparison is case-insensitive, as in the
/// directory.
indirect enum FilterExpression: Sendable, Equatable {
    case comparison(Operand, ComparisonOperator, Operand)
    case membership(Operand, [Operand])
    case function(String, [Operand])
    case any(path: [String], variable: String, body: FilterExpression)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    enum ComparisonOperator: String, Sendable {
        case eq, ne, gt, ge, lt, le
    }

    enum Operand: Sendable, Equatable {
        case property([String])
        case literal(JSONValue)
    }

    /// Whether evaluating it needs Graph's advanced query capabilities (`ConsistencyLevel:
    /// eventual` with `$count=true`): `ne`, `not` and `endswith` do.
    var needsAdvancedQuery: Bool {
        switch self {
        case .comparison(_, let op, _): return op == .ne
        case .membership: return false
        case .function(let name, _): return name == "endswith"
        case .any(_, _, let body): return body.needsAdvancedQuery
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return lhs.needsAdvancedQuery || rhs.needsAdvancedQuery
        case .not: return true
        }
    }

    /// Top-level property names it reads, for validating them against the type.
    var properties: Set<String> {
        switch self {
        case .comparison(let lhs, _, let rhs):
            return Self.properties(in: [lhs, rhs])
        case .membership(let lhs, let list):
            return Self.properties(in: [lhs] + list)
        case .function(_, let operands):
            return Self.properties(in: operands)
        case .any(let path, _, _):
            return path.first.map { [$0] } ?? []
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            return lhs.properties.union(rhs.properties)
        case .not(let inner):
            return inner.properties
        }
    }

    private static func properties(in operands: [Operand]) -> Set<String> {
        var names = Set<String>()
        for operand in operands {
            if case .property(let path) = operand, let first = path.first { names.insert(first) }
        }
        return names
    }

    /// The value `property` must equal for the filter to hold (`groupId eq '…'`, alone or and-ed
    /// with other conditions); nil when the filter does not pin it.
    func requiredValue(of property: String) -> String? {
        switch self {
        case .comparison(.property(let path), .eq, .literal(.string(let value))) where path == [property]:
            return value
        case .comparison(.literal(.string(let value)), .eq, .property(let path)) where path == [property]:
            return value
        case .and(let lhs, let rhs):
            return lhs.requiredValue(of: property) ?? rhs.requiredValue(of: property)
        default:
            return nil
        }
    }

    /// When the filter is exactly `id eq '…'` or `id in (…)` (possibly or-ed), the ids; lets a
    /// list answer from the index instead of scanning.
    var identifierLookup: [String]? {
        switch self {
        case .comparison(.property(["id"]), .eq, .literal(.string(let id))):
            return [id]
        case .membership(.property(["id"]), let list):
            var ids: [String] = []
            for item in list {
                guard case .literal(.string(let id)) = item else { return nil }
                ids.append(id)
            }
            return ids
        case .or(let lhs, let rhs):
            guard let left = lhs.identifierLookup, let right = rhs.identifierLookup else { return nil }
            return left + right
        default:
            return nil
        }
    }

    // MARK: Evaluation

    func matches(_ object: JSONObject, variables: [String: JSONValue] = [:]) -> Bool {
        switch self {
        case .comparison(let lhs, let op, let rhs):
            return Self.compare(resolve(lhs, object, variables), op, resolve(rhs, object, variables))
        case .membership(let lhs, let list):
            let value = resolve(lhs, object, variables)
            return list.contains { Self.compare(value, .eq, resolve($0, object, variables)) }
        case .function(let name, let operands):
            guard operands.count == 2,
                  let text = resolve(operands[0], object, variables).stringValue?.lowercased(),
                  let affix = resolve(operands[1], object, variables).stringValue?.lowercased() else { return false }
            switch name {
            case "startswith": return text.hasPrefix(affix)
            case "endswith": return text.hasSuffix(affix)
            case "contains": return text.contains(affix)
            default: return false
            }
        case .any(let path, let variable, let body):
            guard case .array(let items) = Self.value(at: path, in: object) else { return false }
            return items.contains { item in
                var scope = variables
                scope[variable] = item
                return body.matches(object, variables: scope)
            }
        case .and(let lhs, let rhs):
            return lhs.matches(object, variables: variables) && rhs.matches(object, variables: variables)
        case .or(let lhs, let rhs):
            return lhs.matches(object, variables: variables) || rhs.matches(object, variables: variables)
        case .not(let inner):
            return !inner.matches(object, variables: variables)
        }
    }

    private func resolve(_ operand: Operand, _ object: JSONObject, _ variables: [String: JSONValue]) -> JSONValue {
        switch operand {
        case .literal(let value):
            return value
        case .property(let path):
            if let first = path.first, let bound = variables[first] {
                if path.count == 1 { return bound }
                guard case .object(let nested) = bound else { return .null }
                return Self.value(at: Array(path.dropFirst()), in: nested)
            }
            return Self.value(at: path, in: object)
        }
    }

    static func value(at path: [String], in object: JSONObject) -> JSONValue {
        var current: JSONValue = .object(object)
        for name in path {
            guard case .object(let nested) = current, let next = nested[name] else { return .null }
            current = next
        }
        return current
    }

    static func compare(_ lhs: JSONValue, _ op: ComparisonOperator, _ rhs: JSONValue) -> Bool {
        let order: Int?
        switch (lhs, rhs) {
        case (.null, .null):
            order = 0
        case (.null, _), (_, .null):
            return op == .ne
        case (.string(let left), .string(let right)):
            if let leftDate = Timestamp.parse(left), let rightDate = Timestamp.parse(right),
               left.count >= 10, right.count >= 10, left.contains("-"), right.contains("-") {
                order = leftDate < rightDate ? -1 : (leftDate > rightDate ? 1 : 0)
            } else {
                let a = left.lowercased()
                let b = right.lowercased()
                order = a < b ? -1 : (a > b ? 1 : 0)
            }
        case (.bool(let left), .bool(let right)):
            order = left == right ? 0 : (left ? 1 : -1)
        default:
            if let left = lhs.doubleValue, let right = rhs.doubleValue {
                order = left < right ? -1 : (left > right ? 1 : 0)
            } else {
                order = nil
            }
        }
        guard let order else { return op == .ne }
        switch op {
        case .eq: return order == 0
        case .ne: return order != 0
        case .gt: return order > 0
        case .ge: return order >= 0
        case .lt: return order < 0
        case .le: return order <= 0
        }
    }
}
