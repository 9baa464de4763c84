import Foundation
@testable import HoldfastCLI
import Logging
import Testing

@Suite("JSON and text log lines")
struct StructuredLogHandlerTests {
    let date = Date(timeIntervalSince1970: 1_796_620_586.125)

    private func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one record is one line")
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test("a JSON line is valid JSON and keeps every character of messages and metadata")
    func escaping() throws {
        let awkward = "quote \" backslash \\ slash / newline \n return \r tab \t bell \u{07} nul \u{00} unit \u{1F} del \u{7F} é 😀 \u{2028}"
        let line = StructuredLogHandler.line(
            format: .json, date: date, level: .warning, label: "holdfast.worker", message: awkward,
            metadata: ["job.id": "42", "error": .string(awkward), "list": .array(["a\"", .stringConvertible(7)]),
                       "nested": .dictionary(["z": "1", "a": .dictionary(["k": "v\n"])])])
        let object = try object(line)
        #expect(object["msg"] as? String == awkward)
        #expect(object["error"] as? String == awkward)
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "holdfast.worker")
        #expect(object["job.id"] as? String == "42")
        #expect(object["list"] as? [String] == ["a\"", "7"])
        let nested = try #require(object["nested"] as? [String: Any])
        #expect((nested["a"] as? [String: String])?["k"] == "v\n")
        #expect(object["ts"] as? String == "2026-12-07T05:16:26.125Z")
        #expect(line.contains(#"\u0007"#) && line.contains(#"\u0000"#) && line.contains(#"\u001f"#))
    }

    @Test("keys are sorted and the record's own fields win over metadata of the same name")
    func ordering() throws {
        let line = StructuredLogHandler.line(format: .json, date: date, level: .info, label: "l", message: "real",
                                             metadata: ["msg": "spoofed", "b": "2", "a": "1"])
        #expect(line == #"{"a":"1","b":"2","level":"info","logger":"l","msg":"real","ts":"2026-12-07T05:16:26.125Z"}"# + "\n")
    }

    @Test("a text line lists metadata sorted, quoting values with spaces")
    func text() {
        let line = StructuredLogHandler.line(format: .text, date: date, level: .error, label: "holdfast", message: "failed",
                                             metadata: ["tenant.id": "abc", "error": "no route"])
        #expect(line == "2026-12-07T05:16:26.125Z ERROR holdfast: failed error=\"no route\" tenant.id=abc\n")
    }
}
