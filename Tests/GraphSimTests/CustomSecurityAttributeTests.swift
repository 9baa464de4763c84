import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Custom security attributes as graph-sim serves them: the documented bodies, Graph's rules
/// for sets, definitions and predefined values (never deleted), and values on users and service
/// principals that are checked against their definitions and hidden without the permission.
@Suite("Custom security attributes")
struct CustomSecurityAttributeTests {
    static let permissions = [
        "User.Read.All", "Application.Read.All", "CustomSecAttributeDefinition.ReadWrite.All",
        "CustomSecAttributeAssignment.ReadWrite.All",
    ]

    @Test("sets, definitions and predefined values match the documented examples")
    func fidelity() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            try FidelityTests.expectFaithful("attributesets-list.json", try await session.get("/directory/attributeSets").json())
            try FidelityTests.expectFaithful("customsecurityattributedefinitions-list.json",
                                             try await session.get("/directory/customSecurityAttributeDefinitions").json())
            try FidelityTests.expectFaithful("allowedvalues-list.json",
                                             try await session.get("/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues").json())
        }
        try await TestSupport.withFixture(permissions: ["User.Read.All"]) { fixture in
            let session = try await fixture.session()
            #expect(try await session.get("/directory/attributeSets").status == 403)
        }
    }

    @Test("sets and definitions follow Graph's rules and are never deleted")
    func definitions() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            #expect(try await session.send("POST", "/directory/attributeSets", json: ["id": "Not a name!", "maxAttributesPerSet": 5]).status == 400)
            #expect(try await session.send("POST", "/directory/attributeSets", json: ["id": "engineering"]).status == 409)
            #expect(try await session.send("POST", "/directory/attributeSets", json: ["id": "Finance", "maxAttributesPerSet": 1]).status == 201)
            let definition: JSONValue = [
                "attributeSet": "Finance", "description": "Budget owner", "isCollection": false, "isSearchable": true,
                "name": "BudgetOwner", "status": "Available", "type": "Boolean", "usePreDefinedValuesOnly": false,
            ]
            let created = try await session.send("POST", "/directory/customSecurityAttributeDefinitions", json: definition)
            #expect(created.status == 201)
            #expect(try created.json()["id"] == "Finance_BudgetOwner")
            // The set holds at most one attribute; a Boolean cannot be a collection.
            let second: JSONValue = ["attributeSet": "Finance", "isCollection": true, "isSearchable": true, "name": "Other", "status": "Available",
                      "type": "Boolean", "usePreDefinedValuesOnly": false]
            #expect(try await session.send("POST", "/directory/customSecurityAttributeDefinitions", json: second).status == 400)
            // Only description, status and usePreDefinedValuesOnly change.
            #expect(try await session.send("PATCH", "/directory/customSecurityAttributeDefinitions/Finance_BudgetOwner",
                                            json: ["type": "String"]).status == 400)
            #expect(try await session.send("PATCH", "/directory/customSecurityAttributeDefinitions/Finance_BudgetOwner",
                                            json: ["status": "Deprecated"]).status == 204)
            #expect(try await session.send("DELETE", "/directory/customSecurityAttributeDefinitions/Finance_BudgetOwner").status == 405)
            #expect(try await session.send("DELETE", "/directory/attributeSets/Finance").status == 405)
            // Predefined values: only on String attributes, deactivated rather than deleted.
            let values = "/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues"
            #expect(try await session.send("POST", values, json: ["id": "Everest", "isActive": true]).status == 201)
            #expect(try await session.send("POST", values, json: ["id": "Everest", "isActive": true]).status == 409)
            #expect(try await session.send("PATCH", "\(values)/Everest", json: ["isActive": false]).status == 204)
            #expect(try await session.send("DELETE", "\(values)/Everest").status == 405)
            #expect(try await session.send("POST", "/directory/customSecurityAttributeDefinitions/Finance_BudgetOwner/allowedValues",
                                            json: ["id": "Yes", "isActive": true]).status == 400)
        }
    }

    @Test("values on users: only when selected, hidden without the permission, checked against definitions")
    func values() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            let users = try await session.getAll("/users?$select=id,customSecurityAttributes&$top=999")
            let holder = try #require(users.first { $0["customSecurityAttributes"]?["Engineering"] != nil })
            let id = try #require(holder["id"]?.stringValue)
            #expect(holder["customSecurityAttributes"]?["Engineering"]?["Project@odata.type"] == "#Collection(String)")
            let bare = try #require(users.first { $0["customSecurityAttributes"]?.objectValue?.isEmpty == true })
            #expect(bare["customSecurityAttributes"] == .object([:]))
            // Not part of a user unless selected.
            #expect(try await session.get("/users/\(id)").json()["customSecurityAttributes"] == nil)

            let path = "/users/\(id)"
            #expect(try await session.send("PATCH", path, json: ["customSecurityAttributes": ["Engineering": [
                "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Unknown": "x",
            ]]]).status == 400)
            // Denali is a deactivated predefined value; a collection needs its annotation.
            #expect(try await session.send("PATCH", path, json: ["customSecurityAttributes": ["Engineering": [
                "Project@odata.type": "#Collection(String)", "Project": ["Denali"],
            ]]]).status == 400)
            #expect(try await session.send("PATCH", path, json: ["customSecurityAttributes": ["Engineering": ["Project": ["Baker"]]]]).status == 400)
            #expect(try await session.send("PATCH", path, json: ["customSecurityAttributes": ["Engineering": [
                "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
                "Project@odata.type": "#Collection(String)", "Project": ["Baker"], "CostCenter": .null, "Certification": .null,
            ], "Marketing": ["EmployeeId": "QN1"]]]).status == 204)
            let updated = try await session.get("\(path)?$select=customSecurityAttributes").json()["customSecurityAttributes"]
            #expect(updated?["Engineering"]?["Project"] == ["Baker"])
            #expect(updated?["Engineering"]?["CostCenter"] == nil)
            #expect(updated?["Marketing"]?["EmployeeId"] == "QN1")
            // Removing the last attribute of a set removes the set.
            #expect(try await session.send("PATCH", path, json: ["customSecurityAttributes": ["Marketing": ["EmployeeId": .null]]]).status == 204)
            #expect(try await session.get("\(path)?$select=customSecurityAttributes").json()["customSecurityAttributes"]?["Marketing"] == nil)
        }
        // Without an assignment permission Graph answers with no values rather than an error, and refuses writes.
        try await TestSupport.withFixture(permissions: ["User.ReadWrite.All"]) { fixture in
            let session = try await fixture.session()
            let users = try await session.getAll("/users?$select=id,customSecurityAttributes&$top=999")
            #expect(!users.isEmpty)
            #expect(users.allSatisfy { $0["customSecurityAttributes"] == .object([:]) })
            let id = try #require(users.first?["id"]?.stringValue)
            #expect(try await session.send("PATCH", "/users/\(id)", json: ["customSecurityAttributes": ["Marketing": ["EmployeeId": "QN2"]]]).status == 403)
        }
    }
}
