import Audit
import Foundation
import Graph
import GraphSim
import HoldfastTesting
import NIOConcurrencyHelpers
import Postgres
import Tenancy
import Testing

/// Bulk onboarding (``TenantImport``) of a few dozen graph-sim tenants with one multi-tenant app.
@Suite("Tenant import against graph-sim", .timeLimit(.minutes(10)))
struct TenantImportTests {
    static let customers = (1...30).map { String(format: "c%02d", $0) }

    /// The MSP's multi-tenant app, registered in `msp`, consented (every backup permission) in
    /// each of `consentedIn`, and consented without `Policy.Read.All` in each of `partialIn`.
    static func mspApp(_ harness: OnboardingHarness, consentedIn: [String], partialIn: [String] = [])
        throws -> (application: RegisteredApplication, secret: IssuedSecret) {
        let application = try harness.simulator.registerApplication(tenant: "msp", displayName: "Holdfast MSP",
                                                                    permissions: ResourceCatalogue.requiredPermissions)
        for tenant in consentedIn {
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: application.clientId, tenant: tenant)
        }
        for tenant in partialIn {
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions.filter { $0 != "Policy.Read.All" },
                                                   clientId: application.clientId, tenant: tenant)
        }
        return (application, try harness.simulator.addClientSecret(clientId: application.clientId, validFor: 90 * 86_400))
    }

    static func domain(_ harness: OnboardingHarness, _ name: String) throws -> String {
        try #require(harness.simulator.tenant(named: name)).initialDomain
    }

    @Test func aFleetImportReportsEachRowAndARunAgainChangesNothing() async throws {
        try await OnboardingHarness.run(tenants: ["msp"] + Self.customers) { harness in
            let consented = Array(Self.customers.prefix(27)) + ["c30"]
            let (app, secret) = try Self.mspApp(harness, consentedIn: consented, partialIn: ["c29"])
            let good = OnboardingHarness.secret(secret.value, clientID: app.clientId, app: .sharedMultitenantApp)
            let stale = OnboardingHarness.secret("not-" + secret.value, clientID: app.clientId, app: .sharedMultitenantApp)

            var csv = "name,tenant,partner,policy,credential\r\n"
            // A formula-looking cell is a name like any other.
            csv += "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\(try Self.domain(harness, "c01")),@SUM(1+1),,msp\r\n"
            for name in Self.customers[1..<25] {
                csv += "Customer \(name),\(try Self.domain(harness, name)),Acme,standard,msp\r\n"
            }
            csv += "Customer c26,\(try harness.tenantID("c26")),Acme,,msp\r\n"
            // c27 twice: by GUID and by domain; only the token says they are one tenant.
            csv += "Customer c27,\(try harness.tenantID("c27")),Acme,,msp\r\n"
            csv += "Customer c27 again,\(try Self.domain(harness, "c27")),Acme,,msp\r\n"
            csv += "Customer c28,\(try Self.domain(harness, "c28")),Acme,,msp\r\n"
            csv += "Customer c29,\(try Self.domain(harness, "c29")),Acme,,msp\r\n"
            csv += "Customer c30,\(try Self.domain(harness, "c30")),Acme,,stale\n"
            let rows = try TenantImportFile.parse(Array(csv.utf8), format: .csv)
            #expect(rows.count == 31)

            let importer = TenantImport(onboarding: harness.onboarding)
            let seen = NIOLockedValueBox<[Int]>([])
            let results = try await importer.run(rows, credentials: ["msp": good, "stale": stale], concurrency: 6, actor: "importer") {
                done, total, _ in
                #expect(total == 31)
                seen.withLockedValue { $0.append(done) }
            }
            #expect(seen.withLockedValue { $0 } == Array(1...31), "progress counts every row once, in order")
            #expect(results.map(\.row) == Array(2...32))
            let byTenant = Dictionary(grouping: results) { $0.name }
            func outcome(_ name: String) -> TenantImport.RowResult? { byTenant[name]?.first }

            for name in Self.customers[1..<26] {
                #expect(outcome("Customer \(name)")?.outcome == .added, "\(name): \(String(describing: outcome("Customer \(name)")))")
            }
            let formula = try #require(results.first { $0.row == 2 })
            #expect(formula.outcome == .added && formula.status == .active, "\(formula.reason)")
            let stored = try await harness.onboarding.registry.tenant(id: try #require(formula.tenantID))
            #expect(stored.displayName == "=HYPERLINK(\"http://evil.example\",\"x\")")
            #expect(try await harness.onboarding.registry.partner(reference: "@SUM(1+1)").name == "@SUM(1+1)")

            let c27 = results.filter { $0.name.hasPrefix("Customer c27") }.map(\.outcome).sorted { $0.rawValue < $1.rawValue }
            #expect(c27 == [.added, .unchanged], "one c27 row adds it, the other finds it")

            let c28 = try #require(outcome("Customer c28"))
            #expect(c28.outcome == .needsConsent && c28.tenantID == nil)
            #expect(c28.adminConsentURL == "\(harness.baseURL)/\(try Self.domain(harness, "c28"))/adminconsent?client_id=\(app.clientId)")
            #expect(c28.reason.contains("nothing was stored"))

            let c29 = try #require(outcome("Customer c29"))
            #expect(c29.outcome == .needsConsent && c29.status == .onboarding && c29.tenantID != nil)
            #expect(c29.adminConsentURL?.contains("adminconsent?client_id=\(app.clientId)") == true)
            #expect(c29.reason.contains("Policy.Read.All"))

            let c30 = try #require(outcome("Customer c30"))
            #expect(c30.outcome == .failed && c30.tenantID == nil)
            #expect(c30.reason.contains("AADSTS7000215") && c30.reason.contains("nothing was stored"), "\(c30.reason)")

            let tenants = try await harness.onboarding.registry.tenants()
            #expect(tenants.count == 28, "25 + c26 + c27 + c29")
            #expect(tenants.filter { $0.status == .active }.count == 27)
            let auditBefore = try await harness.schema.client.query("SELECT count(*) AS n FROM audit_log").rows[0].decode(Int.self, "n")

            // Again: nothing changes, and each row says so; c28 and c30 are tried again.
            let again = try await importer.run(rows, credentials: ["msp": good, "stale": stale], concurrency: 6, actor: "importer")
            #expect(again.filter { $0.outcome == .unchanged }.count == 29)
            #expect(again.first { $0.name == "Customer c28" }?.outcome == .needsConsent)
            #expect(again.first { $0.name == "Customer c30" }?.outcome == .failed)
            #expect(try await harness.onboarding.registry.tenants().count == 28)
            let auditAfter = try await harness.schema.client.query("SELECT count(*) AS n FROM audit_log").rows[0].decode(Int.self, "n")
            #expect(auditAfter == auditBefore, "a re-run writes nothing")

            // Once c28's administrator consents, the same file adds it.
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: app.clientId, tenant: "c28")
            let third = try await importer.run(rows, credentials: ["msp": good, "stale": stale], concurrency: 2, actor: "importer")
            #expect(third.first { $0.name == "Customer c28" }?.outcome == .added)
            #expect(harness.log.firstLeak(of: [secret.value]) == nil)
        }
    }

    @Test func aRowThatNamesAnUnknownPolicyOrCredentialAddsNothing() async throws {
        try await OnboardingHarness.run(tenants: ["msp", "c01", "c02"]) { harness in
            let (app, secret) = try Self.mspApp(harness, consentedIn: ["c01", "c02"])
            let good = OnboardingHarness.secret(secret.value, clientID: app.clientId, app: .sharedMultitenantApp)
            let importer = TenantImport(onboarding: harness.onboarding)
            let first = TenantImportRow(row: 2, name: "One", tenant: try Self.domain(harness, "c01"))
            let cases: [([TenantImportRow], [String: NewTenantCredential], Int, String)] = [
                ([first, TenantImportRow(row: 3, name: "Two", tenant: try Self.domain(harness, "c02"), policy: "gold")], ["msp": good], 4,
                 "row 3, column policy: no policy is called 'gold'"),
                ([first, TenantImportRow(row: 3, name: "Two", tenant: try Self.domain(harness, "c02"), credential: "other")], ["msp": good], 4,
                 "row 3, column credential: names no credential given with the import ('other'"),
                ([first], ["a": good, "b": good], 4, "row 2, column credential: is empty but 2 credentials are given"),
                ([first], ["msp": good], 0, "the concurrency must be 1-64"),
                ([first], ["msp": good], 65, "the concurrency must be 1-64"),
                ([first], [:], 4, "give the credential"),
            ]
            for (rows, credentials, concurrency, message) in cases {
                let error = await #expect(throws: TenantImportError.self) {
                    try await importer.run(rows, credentials: credentials, concurrency: concurrency, actor: "t")
                }
                #expect(error?.description.contains(message) == true, "\(String(describing: error))")
            }
            #expect(try await harness.onboarding.registry.tenants().isEmpty)
        }
    }
}

/// The file reader alone: every malformed file is refused with its row and column.
@Suite struct TenantImportFileTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    @Test func csvAndJSONReadTheSameRows() throws {
        let csv = "\u{FEFF}Name, Tenant ,policy\n\"Contoso, Ltd\",CONTOSO.onmicrosoft.com,standard\n\nFabrikam,\(Self.tenant),\n"
        let json = """
            [{"name":"Contoso, Ltd","tenant":"CONTOSO.onmicrosoft.com","policy":"standard"},{"name":"Fabrikam","tenant":"\(Self.tenant)","policy":null}]
            """
        let fromCSV = try TenantImportFile.parse(Array(csv.utf8), format: TenantImportFile.format(path: "fleet.csv", bytes: Array(csv.utf8)))
        let fromJSON = try TenantImportFile.parse(Array(json.utf8), format: TenantImportFile.format(path: nil, bytes: Array(json.utf8)))
        #expect(fromCSV.map(\.name) == ["Contoso, Ltd", "Fabrikam"] && fromCSV.map(\.row) == [2, 4])
        #expect(fromCSV.map(\.tenant) == ["contoso.onmicrosoft.com", Self.tenant])
        #expect(fromCSV.map(\.policy) == ["standard", nil])
        #expect(fromJSON.map(\.name) == fromCSV.map(\.name) && fromJSON.map(\.tenant) == fromCSV.map(\.tenant))
        #expect(fromJSON.map(\.row) == [1, 2])
        // Formula-looking cells are kept as written.
        let formulas = try TenantImportFile.parse(Array("name,tenant,partner\n=1+1,a.example,+cmd|' /C calc'!A0\n-2,b.example,@x\n".utf8), format: .csv)
        #expect(formulas.map(\.name) == ["=1+1", "-2"] && formulas.map(\.partner) == ["+cmd|' /C calc'!A0", "@x"])
    }

    @Test func everyMalformedFileNamesItsRowAndColumn() throws {
        let header = "name,tenant,partner\n"
        var badUTF8 = Array((header + "Good,a.example,\nBad,b.example,").utf8)
        badUTF8 += [0xC3, 0x28]
        badUTF8 += Array("\n".utf8)
        let cases: [([UInt8], TenantImportFile.Format, TenantImportError.Code, String)] = [
            (Array("".utf8), .csv, .malformedFile, "the file is empty"),
            (Array(header.utf8), .csv, .malformedFile, "no tenant rows"),
            (Array("name,domain\nX,a.example\n".utf8), .csv, .malformedFile, "row 1, column 2: 'domain' is not a column"),
            (Array("name\nX\n".utf8), .csv, .malformedFile, "row 1, column tenant: the header has no 'tenant' column"),
            (Array("name,tenant,name\n".utf8), .csv, .malformedFile, "row 1, column name: is named twice"),
            (Array((header + "X,a.example,\nY,b.example\n").utf8), .csv, .malformedFile, "row 3: has 2 cells; the header names 3"),
            (Array((header + ",a.example,\n").utf8), .csv, .malformedFile, "row 2, column name: is empty"),
            (Array((header + "X,not a tenant,\n").utf8), .csv, .malformedFile, "row 2, column tenant: 'not a tenant' is neither"),
            (Array((header + "X,a.example,\nY,A.EXAMPLE,\n").utf8), .csv, .malformedFile, "row 3, column tenant: 'a.example' is already on row 2"),
            (badUTF8, .csv, .malformedFile, "row 3, column partner: is not UTF-8 text"),
            (Array((header + "\"X,a.example,\n").utf8), .csv, .malformedFile, "row 2, column 1: a quoted cell is never closed"),
            (Array((header + "\"X\"y,a.example,\n").utf8), .csv, .malformedFile, "row 2, column 1: text follows a closing quote"),
            (Array((header + "X\"y,a.example,\n").utf8), .csv, .malformedFile, "row 2, column 1: a quote inside an unquoted cell"),
            (Array((header + "X\u{7},a.example,\n").utf8), .csv, .malformedFile, "row 2, column name: holds a control character"),
            (Array((header + String(repeating: "n", count: 201) + ",a.example,\n").utf8), .csv, .malformedFile,
             "row 2, column name: is longer than 200"),
            (Array("{\"name\":\"X\"}".utf8), .json, .malformedFile, "must be an array of objects"),
            (Array("[{\"name\":\"X\",\"tenant\":\"a.example\"},\n 7]".utf8), .json, .malformedFile, "row 2: is number, not an object"),
            (Array("[{\"name\":\"X\",\"tenant\":\"a.example\",\"secret\":\"s\"}]".utf8), .json, .malformedFile, "row 1, column secret: is not a column"),
            (Array("[{\"name\":\"X\",\"tenant\":5}]".utf8), .json, .malformedFile, "row 1, column tenant: must be a string"),
            (Array("[{\"name\":\"X\",\n\"tenant\":\"a.example\"".utf8), .json, .malformedFile, "not JSON at line 2"),
            (Array("[{\"name\":\"X\",\"name\":\"Y\",\"tenant\":\"a.example\"}]".utf8), .json, .malformedFile, "not JSON"),
            ([UInt8](repeating: 0x20, count: TenantImportFile.maximumBytes + 1), .csv, .fileTooLarge, "at most \(TenantImportFile.maximumBytes)"),
        ]
        for (bytes, format, code, message) in cases {
            let error = #expect(throws: TenantImportError.self) { try TenantImportFile.parse(bytes, format: format) }
            #expect(error?.code == code, "\(message): \(String(describing: error))")
            #expect(error?.description.contains(message) == true, "expected '\(message)', got \(String(describing: error))")
        }
        var many = header
        for index in 0...TenantImportFile.maximumRows { many += "T\(index),t\(index).example,\n" }
        let tooMany = #expect(throws: TenantImportError.self) { try TenantImportFile.parse(Array(many.utf8), format: .csv) }
        #expect(tooMany?.code == .fileTooLarge)
    }
}
