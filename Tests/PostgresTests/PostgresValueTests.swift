import Foundation
import HoldfastTesting
import Postgres
import Testing

@Suite("Postgres values")
struct PostgresValueTests {
    @Test("every supported type round-trips through the server")
    func roundTrips() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let client = schema.client
            try await client.query("""
                CREATE TABLE sample (
                    t text, i integer, b bigint, flag boolean, u uuid, at timestamptz, raw bytea,
                    doc jsonb, names text[], ids uuid[], counts integer[], ratio double precision, nothing text
                )
                """)
            let id = UUID()
            let at = Date(timeIntervalSince1970: 1_763_750_000.123456)
            let raw: [UInt8] = Array(0...255) + [0, 0, 1]
            let doc = try PostgresJSON(encoding: ["name": "Contoso", "quote": "say \"hi\""])
            let names = ["plain", "with space", "with,comma", "quote\"d", "back\\slash", "", "NULL", "ünï \"✓\" \\"]
            let ids = [UUID(), UUID()]
            try await client.query("""
                INSERT INTO sample VALUES (\("héllo ✓"), \(Int32.max), \(Int64.min), \(true), \(id), \(at),
                    \(PostgresBytes(raw)), \(doc)::jsonb, \(names)::text[], \(ids)::uuid[], \([1, -2, 3])::int[],
                    \(0.1 + 0.2), \(String?.none))
                """)
            let row = try #require(try await client.query("SELECT * FROM sample").first)
            #expect(try row.decode(String.self, "t") == "héllo ✓")
            #expect(try row.decode(Int32.self, "i") == Int32.max)
            #expect(try row.decode(Int64.self, "b") == Int64.min)
            #expect(try row.decode(Bool.self, "flag") == true)
            #expect(try row.decode(UUID.self, "u") == id)
            #expect(try row.decode(Date.self, "at") == at)
            #expect(try row.decode(PostgresBytes.self, "raw").bytes == raw)
            let decodedDoc = try row.decode(PostgresJSON.self, "doc").decode([String: String].self)
            #expect(decodedDoc == ["name": "Contoso", "quote": "say \"hi\""])
            #expect(try row.decode([String].self, "names") == names)
            #expect(try row.decode([UUID].self, "ids") == ids)
            #expect(try row.decode([Int].self, "counts") == [1, -2, 3])
            #expect(try row.decode(Double.self, "ratio") == 0.1 + 0.2)
            #expect(try row.decode(String?.self, "nothing") == nil)
            #expect(throws: PostgresError.self) { try row.decode(String.self, "nothing") }
            #expect(throws: PostgresError.self) { try row.decode(Int.self, "t") }
        }
    }

    @Test("timestamps keep microseconds and survive offsets", arguments: [
        "2026-11-21 19:30:20.123456+00", "2026-11-21 21:30:20.123456+02", "2026-11-21T19:30:20.123456Z",
    ])
    func timestampParsing(text: String) throws {
        let date = try Date(postgresText: text, type: .timestamptz)
        #expect(abs(date.timeIntervalSince1970 - 1_795_289_420.123456) < 0.000001)
    }

    @Test("dates before 1970 and far in the future round-trip")
    func extremeDates() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            for seconds in [-2_208_988_800.5, 0, 4_102_444_800.000001] {
                let date = Date(timeIntervalSince1970: seconds)
                let row = try #require(try await schema.client.query("SELECT \(date)::timestamptz AS at").first)
                let back = try row.decode(Date.self, "at")
                #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000002)
            }
        }
    }

    @Test("a text parameter with a NUL byte is refused before it reaches the server")
    func nulByte() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let error = await #expect(throws: PostgresError.self) {
                try await schema.client.query("SELECT \("a\u{0}b")::text")
            }
            #expect(error?.code == .encoding)
        }
    }
}
