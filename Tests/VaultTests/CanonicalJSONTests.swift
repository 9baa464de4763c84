import Cryptography
import Testing
@testable import Vault

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalJSON.canonicalize(Array(text.utf8)), as: UTF8.self)
    }

    @Test func sortsKeysAndDropsWhitespace() throws {
        #expect(try canonical(#" { "b" : [1, 2, {"z":null,"a":true}], "a": "x" , "B": false } "#)
            == #"{"B":false,"a":"x","b":[1,2,{"a":true,"z":null}]}"#)
    }

    @Test func keepsNumbersAsWritten() throws {
        #expect(try canonical(#"{"big":12345678901234567890123,"f":1.10,"e":-2.5E+10,"z":-0}"#)
            == #"{"big":12345678901234567890123,"e":-2.5E+10,"f":1.10,"z":-0}"#)
    }

    @Test func escapesMinimallyAndDecodesEscapes() throws {
        #expect(try canonical(#"["a\/b","\u00e9\ud83d\ude00","tab\there","\u0001","q\"\\"]"#)
            == "[\"a/b\",\"é😀\",\"tab\\there\",\"\\u0001\",\"q\\\"\\\\\"]")
    }

    @Test func isIdempotentAndIndependentOfInputOrder() throws {
        let first = try canonical(#"{"id":"1","displayName":"Ann","groupTypes":["Unified"]}"#)
        let second = try canonical(#"{"groupTypes":["Unified"],  "displayName":"Ann","id":"1"}"#)
        #expect(first == second)
        #expect(try canonical(first) == first)
    }

    @Test(arguments: [#"{"a":1,"a":2}"#, "[1,]", "01", "1.", "\"\u{01}\"", #"{"a" 1}"#, "nul", #""\ud800""#, "[1] x", ""])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: VaultError.self) { try CanonicalJSON.canonicalize(Array(text.utf8)) }
    }

    @Test func sortsKeysByUTF8Bytes() throws {
        #expect(try canonical(#"{"é":1,"z":2,"Z":3,"@odata.type":4}"#) == #"{"@odata.type":4,"Z":3,"z":2,"é":1}"#)
    }

    /// Blob ids and root hashes are HMACs of these bytes: the canonical form of a realistic object,
    /// recorded from the vault's own canonicaliser before JSON became a shared module, must never
    /// change, or every stored blob id would stop matching its object.
    @Test func canonicalBytesArePinned() throws {
        let input = ##"{"id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","displayName":"Ünïcode \"quoted\" \\ back\/slash\ttab\u0001 \ud83d\ude00","@odata.type":"#microsoft.graph.user","big":9007199254740993,"bigger":12345678901234567890,"tiny":1.0e-7,"neg":-0.5E+10,"zero":-0,"frac":1.10,"flags":[true,false,null],"nested":{"z":{"b":[],"a":{}},"Z":"upper","é":"accent","@odata.id":"x"},"empty":""}"##
        let pinned = ##"{"@odata.type":"#microsoft.graph.user","big":9007199254740993,"bigger":12345678901234567890,"displayName":"Ünïcode \"quoted\" \\ back/slash\ttab\u0001 😀","empty":"","flags":[true,false,null],"frac":1.10,"id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","neg":-0.5E+10,"nested":{"@odata.id":"x","Z":"upper","z":{"a":{},"b":[]},"é":"accent"},"tiny":1.0e-7,"zero":-0}"##
        let bytes = try CanonicalJSON.canonicalize(Array(input.utf8))
        #expect(String(decoding: bytes, as: UTF8.self) == pinned)
        #expect(Hex.encode(SHA256.hash(bytes)) == "e239df1a698a128621f3d99e4453b6d40c6316527c8b1feaae1c0f48988d9b48")
    }
}
