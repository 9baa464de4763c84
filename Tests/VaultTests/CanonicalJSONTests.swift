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
}
