import Foundation

extension TenantSeeder {
    /// Custom security attributes as tenants that use them for access decisions have them: an
    /// Engineering set (projects from predefined values, a cost center, a certification flag and
    /// a deactivated legacy attribute) and a Marketing set, with values on about a tenth of the
    /// members and on the gallery applications conditional access filters on.
    mutating func seedCustomSecurityAttributes() {
        guard !profile.isEmpty else { return }
        directory.insert(.attributeSet, ["id": "Engineering", "description": "Attributes for engineering team", "maxAttributesPerSet": 25])
        directory.insert(.attributeSet, ["id": "Marketing", "description": "Attributes for marketing team", "maxAttributesPerSet": 25])
        func define(_ set: String, _ name: String, _ description: String, type: String, collection: Bool, predefined: Bool,
                    status: String = "Available") {
            directory.insert(.customSecurityAttributeDefinition, [
                "id": .string("\(set)_\(name)"), "attributeSet": .string(set), "description": .string(description),
                "isCollection": .bool(collection), "isSearchable": true, "name": .string(name), "status": .string(status),
                "type": .string(type), "usePreDefinedValuesOnly": .bool(predefined),
            ])
        }
        define("Engineering", "Project", "Active projects for user", type: "String", collection: true, predefined: true)
        define("Engineering", "CostCenter", "Cost centers charged", type: "Integer", collection: true, predefined: false)
        define("Engineering", "Certification", "Has completed the security certification", type: "Boolean", collection: false,
               predefined: false)
        define("Engineering", "LegacyProject", "Replaced by Project", type: "String", collection: false, predefined: false,
               status: "Deprecated")
        define("Marketing", "AppCountry", "Countries an application is approved in", type: "String", collection: true, predefined: true)
        define("Marketing", "EmployeeId", "Marketing employee number", type: "String", collection: false, predefined: false)
        let projects = ["Alpine", "Baker", "Cascade", "Denali"]
        for (index, value) in projects.enumerated() {
            directory.insert(.allowedValue, ["id": .string(value), "isActive": .bool(index < 3)], parent: "Engineering_Project")
        }
        let countries = ["Canada", "France", "Germany", "Japan", "United States"]
        for country in countries {
            directory.insert(.allowedValue, ["id": .string(country), "isActive": true], parent: "Marketing_AppCountry")
        }

        let engineers = memberUserIds.filter { directory.isLive($0) && ["IT", "Engineering"].contains(userDepartments[$0] ?? "") }
        let marketers = memberUserIds.filter { directory.isLive($0) && userDepartments[$0] == "Marketing" }
        let count = max(1, memberUserIds.count / 10)
        for user in engineers.prefix(count) {
            let picked = (0..<(1 + random.below(2))).map { _ in projects[random.below(3)] }
            var values: JSONObject = [
                "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
                "Project@odata.type": "#Collection(String)", "Project": .array(Array(Set(picked)).sorted().map(JSONValue.string)),
                "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [.int(1000 + random.below(9) * 100)],
            ]
            if random.chance(0.6) { values["Certification"] = true }
            _ = directory.update(.user, user) { $0["customSecurityAttributes"] = ["Engineering": .object(values)] }
        }
        for user in marketers.prefix(max(1, count / 4)) {
            let employeeId = "QN\(20_000 + random.below(10_000))"
            _ = directory.update(.user, user) {
                $0["customSecurityAttributes"] = ["Marketing": [
                    "@odata.type": "#microsoft.graph.customSecurityAttributeValue", "EmployeeId": .string(employeeId),
                ]]
            }
        }
        for sp in gallerySpIds.prefix(2) {
            _ = directory.update(.servicePrincipal, sp) {
                $0["customSecurityAttributes"] = ["Marketing": [
                    "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
                    "AppCountry@odata.type": "#Collection(String)", "AppCountry": ["Canada", "France"],
                ]]
            }
        }
    }
}
