import Foundation

/// Custom security attributes with Graph's rules: sets and definitions are named by the caller
/// and can never be deleted (a definition is deactivated with status `Deprecated`, a predefined
/// value with `isActive` false); values on users and service principals are checked against the
/// definitions when written.
extension TenantDirectory {
    static let attributeTypes: Set<String> = ["String", "Integer", "Boolean"]

    /// Names Entra accepts for sets and attributes: letters and digits, at most 32 characters.
    static func isAttributeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 32 && name.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
    }

    mutating func createAttributeSet(_ body: JSONObject) throws -> Entity {
        for name in body.members.map(\.key) where !["id", "description", "maxAttributesPerSet"].contains(name) {
            throw GraphError.badRequest("Property '\(name)' does not exist as a declared property or extension property.")
        }
        guard let id = body["id"]?.stringValue, Self.isAttributeName(id) else {
            throw GraphError.badRequest("Property 'id' is required: up to 32 letters and digits.")
        }
        if collection(.attributeSet).elements.contains(where: { $0.id.lowercased() == id.lowercased() }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue", message: "An attribute set named \(id) already exists.")
        }
        if collection(.attributeSet).count >= 500 {
            throw GraphError.badRequest("A tenant can have at most 500 attribute sets.")
        }
        let maximum = try Self.maxAttributes(body["maxAttributesPerSet"])
        return insert(.attributeSet, ["id": .string(id), "description": body["description"] ?? .null,
                                      "maxAttributesPerSet": maximum.map(JSONValue.int) ?? .null])
    }

    static func maxAttributes(_ value: JSONValue?) throws -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.intValue, (1...500).contains(number) else {
            throw GraphError.badRequest("Property 'maxAttributesPerSet' must be an integer from 1 to 500.")
        }
        return number
    }

    mutating func createAttributeDefinition(_ body: JSONObject) throws -> Entity {
        let type = ResourceType.customSecurityAttributeDefinition
        for name in body.members.map(\.key) where name == "id" || !type.isKnownProperty(name) {
            throw GraphError.badRequest("Property '\(name)' does not exist as a declared property or is read-only.")
        }
        guard let set = body["attributeSet"]?.stringValue, let setEntity = entity(.attributeSet, set) else {
            throw GraphError.badRequest("Property 'attributeSet' must name an existing attribute set.")
        }
        guard let name = body["name"]?.stringValue, Self.isAttributeName(name) else {
            throw GraphError.badRequest("Property 'name' is required: up to 32 letters and digits.")
        }
        guard let kind = body["type"]?.stringValue, Self.attributeTypes.contains(kind) else {
            throw GraphError.badRequest("Property 'type' is required: String, Integer or Boolean.")
        }
        for required in ["isCollection", "isSearchable", "usePreDefinedValuesOnly"] where body[required]?.boolValue == nil {
            throw GraphError.badRequest("Property '\(required)' is required.")
        }
        guard let status = body["status"]?.stringValue, status == "Available" || status == "Deprecated" else {
            throw GraphError.badRequest("Property 'status' is required: Available or Deprecated.")
        }
        let isCollection = body["isCollection"]?.boolValue == true
        let predefined = body["usePreDefinedValuesOnly"]?.boolValue == true
        if kind == "Boolean" && isCollection { throw GraphError.badRequest("A Boolean attribute cannot be a collection.") }
        if kind != "String" && predefined { throw GraphError.badRequest("Only String attributes can use predefined values only.") }
        let id = "\(setEntity.id)_\(name)"
        let siblings = collection(.customSecurityAttributeDefinition).all { $0.object["attributeSet"]?.stringValue == setEntity.id }
        if siblings.contains(where: { $0.id.lowercased() == id.lowercased() }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue", message: "An attribute named \(name) already exists in \(set).")
        }
        let maximum = setEntity.object["maxAttributesPerSet"]?.intValue ?? 500
        if siblings.count >= maximum {
            throw GraphError.badRequest("The attribute set \(set) already has its maximum of \(maximum) attributes.")
        }
        return insert(.customSecurityAttributeDefinition, [
            "id": .string(id), "attributeSet": .string(setEntity.id), "description": body["description"] ?? .null,
            "isCollection": .bool(isCollection), "isSearchable": .bool(body["isSearchable"]?.boolValue == true),
            "name": .string(name), "status": .string(status), "type": .string(kind), "usePreDefinedValuesOnly": .bool(predefined),
        ])
    }

    mutating func createAllowedValue(_ body: JSONObject, definition: String) throws -> Entity {
        guard let owner = entity(.customSecurityAttributeDefinition, definition) else { throw GraphError.notFound(definition) }
        for name in body.members.map(\.key) where !["id", "isActive"].contains(name) {
            throw GraphError.badRequest("Property '\(name)' does not exist as a declared property or extension property.")
        }
        guard owner.object["type"]?.stringValue == "String" else {
            throw GraphError.badRequest("Only String attributes have predefined values.")
        }
        guard let id = body["id"]?.stringValue, !id.isEmpty, id.count <= 64 else {
            throw GraphError.badRequest("Property 'id' is required: up to 64 characters.")
        }
        guard let active = body["isActive"]?.boolValue else { throw GraphError.badRequest("Property 'isActive' is required.") }
        let existing = collection(.allowedValue, parent: owner.id)
        if existing.elements.contains(where: { $0.id == id }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue", message: "The value \(id) already exists.")
        }
        if existing.count >= 100 { throw GraphError.badRequest("An attribute can have at most 100 predefined values.") }
        return insert(.allowedValue, ["id": .string(id), "isActive": .bool(active)], parent: owner.id)
    }

    /// `current` with `patch` applied, as `PATCH` of `customSecurityAttributes` on a user or a
    /// service principal does: per set, attributes in the patch replace the object's, a null
    /// removes one, and a set left empty disappears. Every value is checked against its definition.
    func mergedSecurityAttributes(_ current: JSONValue?, _ patch: JSONValue) throws -> JSONValue {
        guard let sets = patch.objectValue else {
            throw GraphError.badRequest("Property 'customSecurityAttributes' must be an object of attribute sets.")
        }
        var result = current?.objectValue ?? [:]
        for (set, value) in sets {
            guard let attributes = value.objectValue else {
                throw GraphError.badRequest("Attribute set '\(set)' must be an object of attribute values.")
            }
            var merged = result[set]?.objectValue ?? ["@odata.type": "#microsoft.graph.customSecurityAttributeValue"]
            for (name, attribute) in attributes where !name.hasPrefix("@") && !name.contains("@odata.type") {
                guard let definition = entity(.customSecurityAttributeDefinition, "\(set)_\(name)")?.object,
                      definition["attributeSet"]?.stringValue == set else {
                    throw GraphError.badRequest("The custom security attribute \(set).\(name) is not defined.")
                }
                if attribute.isNull {
                    merged[name] = nil
                    merged["\(name)@odata.type"] = nil
                    continue
                }
                guard definition["status"]?.stringValue == "Available" else {
                    throw GraphError.badRequest("The custom security attribute \(set).\(name) is deactivated.")
                }
                let annotation = try checkedAttributeValue(attribute, definition: definition, set: set, name: name,
                                                           declared: attributes["\(name)@odata.type"]?.stringValue)
                // Graph writes the annotation before its value.
                merged["\(name)@odata.type"] = annotation.map(JSONValue.string)
                merged[name] = attribute
            }
            if merged.members.allSatisfy({ $0.key.hasPrefix("@") || $0.key.contains("@odata.type") }) {
                result[set] = nil
            } else {
                result[set] = .object(merged)
            }
        }
        return .object(result)
    }

    /// Checks one value; returns the type annotation Graph keeps beside it (collections and
    /// integers need one, `#Collection(String)`, `#Int32`, `#Collection(Int32)`).
    func checkedAttributeValue(_ value: JSONValue, definition: JSONObject, set: String, name: String, declared: String?) throws -> String? {
        let kind = definition["type"]?.stringValue ?? "String"
        let isCollection = definition["isCollection"]?.boolValue == true
        let elements: [JSONValue]
        if isCollection {
            guard let array = value.arrayValue, !array.isEmpty, array.count <= 50 else {
                throw GraphError.badRequest("\(set).\(name) is a collection: give an array of 1 to 50 values.")
            }
            elements = array
        } else {
            guard value.arrayValue == nil else { throw GraphError.badRequest("\(set).\(name) takes a single value.") }
            elements = [value]
        }
        let expected: String?
        switch kind {
        case "Integer":
            guard elements.allSatisfy({ $0.intValue.map { abs($0) <= 2_147_483_647 } == true }) else {
                throw GraphError.badRequest("\(set).\(name) takes Int32 values.")
            }
            expected = isCollection ? "#Collection(Int32)" : "#Int32"
        case "Boolean":
            guard elements.allSatisfy({ $0.boolValue != nil }) else { throw GraphError.badRequest("\(set).\(name) takes a Boolean.") }
            expected = nil
        default:
            guard elements.allSatisfy({ ($0.stringValue?.count ?? 0) > 0 }) else {
                throw GraphError.badRequest("\(set).\(name) takes non-empty strings.")
            }
            expected = isCollection ? "#Collection(String)" : nil
            if definition["usePreDefinedValuesOnly"]?.boolValue == true {
                let allowed = Set(collection(.allowedValue, parent: "\(set)_\(name)").all { $0.object["isActive"]?.boolValue == true }.map(\.id))
                for element in elements where !allowed.contains(element.stringValue ?? "") {
                    throw GraphError.badRequest("'\(element.stringValue ?? "")' is not an active predefined value of \(set).\(name).")
                }
            }
        }
        if let expected, let declared, declared.lowercased() != expected.lowercased() {
            throw GraphError.badRequest("\(set).\(name)@odata.type must be \(expected).")
        }
        if expected != nil && declared == nil {
            throw GraphError.badRequest("\(set).\(name) needs \(name)@odata.type \(expected ?? "").")
        }
        return expected
    }
}
