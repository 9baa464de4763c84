import JSON
import Testing

@Suite("JSON: numbers as text, ordered members, strict parsing")
struct JSONValueTests {
    /// Numbers no double holds exactly, and forms a double would rewrite.
    static let exactNumbers = ["9007199254740993", "12345678901234567890", "1.0e-7", "-0.5E+10", "-0", "1.10",
                               "123456789012345678901234567890.000000000000000000001"]

    @Test("numbers keep their text through parse and both writers", arguments: exactNumbers)
    func numbersKeepTheirText(_ text: String) throws {
        let document = #"{"n":"# + text + #","list":["# + text + "]}"
        let value = try JSONParser.parse(document)
        #expect(value["n"]?.numberValue?.text == text)
        #expect(String(decoding: value.serialized, as: UTF8.self) == document)
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == #"{"list":["# + text + #"],"n":"# + text + "}")
    }

    @Test("accessors read exact values and refuse inexact ones")
    func accessors() throws {
        let value = try JSONParser.parse(#"[9007199254740993, 12345678901234567890, 2.0, 1e3, 1.5, -42, 1e400]"#)
        let numbers = try #require(value.arrayValue)
        #expect(numbers[0].intValue == 9_007_199_254_740_993)
        #expect(numbers[1].intValue == nil, "above Int.max")
        #expect(numbers[1].doubleValue == 12_345_678_901_234_567_890.0)
        #expect(numbers[2].intValue == 2)
        #expect(numbers[3].intValue == 1000)
        #expect(numbers[4].intValue == nil)
        #expect(numbers[4].doubleValue == 1.5)
        #expect(numbers[5].intValue == -42)
        #expect(numbers[6].doubleValue == nil, "overflows a double")
        #expect(JSONNumber("01") == nil)
        #expect(JSONNumber("1.") == nil)
        #expect(JSONNumber("-") == nil)
        #expect(JSONNumber("1e+5")?.text == "1e+5")
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.double(0.25).numberValue?.text == "0.25")
        #expect(JSONValue.double(3).numberValue?.text == "3")
    }

    @Test("objects keep member order as is and sort it canonically")
    func memberOrder() throws {
        let value = try JSONParser.parse(#" { "b" : 1, "é": 2, "Z": 3, "@odata.type": "x", "a": {"y": true, "x": null} } "#)
        #expect(value.objectValue?.keys == ["b", "é", "Z", "@odata.type", "a"])
        #expect(String(decoding: value.serialized, as: UTF8.self) == #"{"b":1,"é":2,"Z":3,"@odata.type":"x","a":{"y":true,"x":null}}"#)
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == #"{"@odata.type":"x","Z":3,"a":{"x":null,"y":true},"b":1,"é":2}"#)
        #expect(value == (try JSONParser.parse(#"{"a":{"x":null,"y":true},"Z":3,"b":1,"@odata.type":"x","é":2}"#)))
        #expect(Set([value]).contains(try JSONParser.parse(#"{"a":{"y":true,"x":null},"é":2,"b":1,"Z":3,"@odata.type":"x"}"#)))
    }

    @Test("duplicate member names are refused, in small and large objects")
    func duplicates() {
        let large = "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","k39":1}"#
        for text in [#"{"a":1,"a":2}"#, large] {
            #expect(throws: JSONError.self) { try JSONParser.parse(text) }
            do { _ = try JSONParser.parse(text) } catch let error as JSONError { #expect(error.code == .duplicateKey) } catch { Issue.record(error) }
        }
    }

    @Test("invalid UTF-8 is refused, not replaced")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22]] {
            do {
                _ = try JSONParser.parse(bytes)
                Issue.record("accepted \(bytes)")
            } catch let error as JSONError {
                #expect(error.code == .invalidUTF8)
            } catch {
                Issue.record(error)
            }
        }
        #expect((try? JSONParser.parse([0x22, 0xC3, 0xA9, 0x22]))?.stringValue == "é")
    }

    @Test("nesting deeper than the limit is refused")
    func depth() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("accepted")
        } catch let error as JSONError {
            #expect(error.code == .tooDeep)
        } catch {
            Issue.record(error)
        }
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect((try? JSONParser.parse(fine)) != nil)
    }

    @Test("rejects malformed input", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "01", "1.", "-", "1e", "{\"a\":1}x", "\"\\ud800\"",
        "\"\\udc00\"", "[\"\u{01}\"]", "\"\\x\"", "nul",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    @Test("strings escape minimally and read back")
    func strings() throws {
        let text = "q\"\\/\u{08}\u{0C}\n\r\t\u{01}\u{1F}é😀"
        let bytes = JSONValue.string(text).serialized
        #expect(String(decoding: bytes, as: UTF8.self) == #""q\"\\/\b\f\n\r\t\u0001\u001fé😀""#)
        #expect(try JSONParser.parse(bytes).stringValue == text)
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\/""#).stringValue == "é😀/")
    }
}
