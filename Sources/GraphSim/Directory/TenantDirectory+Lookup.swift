extension TenantDirectory {
    /// The live object of `type` named by `key` (id or alternate key), in `parent`'s collection
    /// for child types.
    func resolve(_ type: ResourceType, _ key: EntityKey, parent: String? = nil) -> Entity? {
        switch key {
        case .id(let id):
            return entity(type, id, parent: parent)
        case .appId(let appId):
            return collection(type, parent: parent).all {
                $0.object["appId"]?.stringValue?.lowercased() == appId.lowercased()
            }.first
        case .roleTemplateId(let template):
            return collection(type, parent: parent).all {
                $0.object["roleTemplateId"]?.stringValue?.lowercased() == template.lowercased()
            }.first
        case .name(let name):
            return collection(type, parent: parent).all { $0.object["name"]?.stringValue == name }.first
        }
    }

    /// The id of the live parent object, or Graph's 404.
    func requireParent(_ parent: ParentReference) throws -> String {
        guard let entity = resolve(parent.type, parent.key) else {
            throw GraphError.notFound(parent.key.description)
        }
        return entity.id
    }

    func require(_ type: ResourceType, _ key: EntityKey, parent: String? = nil) throws -> Entity {
        guard let entity = resolve(type, key, parent: parent) else {
            throw GraphError.notFound(key.description)
        }
        return entity
    }

    /// The object with its key credentials' public keys filled in, as Graph returns them for
    /// `$select=keyCredentials`.
    func withKeyCredentialKeys(_ entity: Entity) -> EncodedObject {
        guard case .array(let credentials)? = entity.object["keyCredentials"], !credentials.isEmpty else {
            return entity.encoded
        }
        var object = entity.object
        object["keyCredentials"] = .array(credentials.map { credential in
            guard case .object(var fields) = credential, let keyId = fields["keyId"]?.stringValue,
                  let key = keyCredentialKeys[keyId] else { return credential }
            fields["key"] = .string(key)
            return .object(fields)
        })
        return EncodedObject(object)
    }
}
