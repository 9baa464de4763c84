import Foundation
@testable import GraphSim
import Testing

@Suite("JSON value, writer and parser")
struct JSONTests {
    @Test("writes compact JSON that Foundation reads back equal")
    func writerMatchesFoundation() throws {
        let value: JSONValue = [
            "id": "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0",
            "displayName": "Conf Room \"Adams\"\n\\ é ☃ 😀",
            "count": -42,
            "ratio": 0.25,
            "flag": true,
            "nothing": .null,
            "list": [1, "two", [3], ["four": 4]],
            "control": "\u{01}\u{1f}",
        ]
        let bytes = JSONWriter.serialize(value)
        let foundation = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect(foundation?["displayName"] as? String == "Conf Room \"Adams\"\n\\ é ☃ 😀")
        #expect(foundation?["count"] as? Int == -42)
        #expect(foundation?["control"] as? String == "\u{01}\u{1f}")
        #expect(try JSONParser.parse(bytes) == value)
    }

    @Test("parses escapes, surrogate pairs, numbers and nesting")
    func parser() throws {
        let text = #"{"a":"\u00e9\ud83d\ude00\/\t","b":[1,-2.5e3,0],"c":{"d":null,"e":false}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?.stringValue == "é😀/\t")
        #expect(value["b"]?.arrayValue == [.int(1), .number(JSONNumber("-2.5e3")!), .int(0)])
        #expect(value["b"]?.arrayValue?[1].doubleValue == -2500)
        #expect(value["c"]?["e"] == .bool(false))
        #expect(value.objectValue?.keys == ["a", "b", "c"])
    }

    @Test("rejects malformed input", arguments: [
        "{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "01", "{\"a\":1}x", "\"\\ud800\"", "[\"\u{01}\"]",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test("object equality ignores member order")
    func objectEquality() {
        let lhs: JSONObject = ["a": 1, "b": 2]
        let rhs: JSONObject = ["b": 2, "a": 1]
        #expect(lhs == rhs)
        #expect(lhs != ["a": 1, "b": 3])
    }

    @Test("projections copy selected members from the cached bytes and write null for missing ones")
    func projection() throws {
        let encoded = EncodedObject(["id": "1", "displayName": "Adele", "mail": .null])
        var projection = Projection(keys: ["displayName", "jobTitle", "id"])
        var bytes: [UInt8] = []
        projection.write(encoded, leading: CollectionWriter.typeAnnotation(.user), into: &bytes)
        let value = try JSONParser.parse(bytes)
        #expect(value == ["@odata.type": "#microsoft.graph.user", "displayName": "Adele", "jobTitle": .null, "id": "1"])
        var all = Projection.all
        bytes.removeAll()
        all.write(encoded, into: &bytes)
        #expect(try JSONParser.parse(bytes) == .object(encoded.object))
    }
}
