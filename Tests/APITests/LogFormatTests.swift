@testable import HoldfastCLI
import Logging
import Testing

/// The text log format keeps one record per line whatever the message or metadata hold (review F16).
@Suite struct LogFormatTests {
    @Test func newlinesAndControlCharactersCannotForgeALine() {
        let forged = "done\n2026-12-07T05:00:00.000Z ERROR holdfast.api: key revoked tenant.id=evil"
        let line = StructuredLogHandler.textLine(
            timestamp: "2026-12-07T05:00:00.000Z", level: .info, label: "holdfast.worker", message: forged,
            metadata: ["graph.error": "\(forged)\r\u{2028}\u{1B}[31m", "display\nname": "a\\nb"])
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{2028}") && !line.contains("\u{1B}"))
        #expect(line.hasPrefix("2026-12-07T05:00:00.000Z INFO holdfast.worker: done\\n2026-12-07T05:00:00.000Z ERROR"))
        // A value that held a backslash and an n stays distinguishable from one that held a newline.
        #expect(line.contains("display\\nname=a\\\\nb"))
        #expect(line.contains("\\u{1b}[31m"))
    }

    @Test func ordinaryRecordsAreUnchanged() {
        let line = StructuredLogHandler.textLine(timestamp: "t", level: .notice, label: "holdfast", message: "backup started",
                                                 metadata: ["tenant.id": "42", "backup.kind": "full run"])
        #expect(line == "t NOTICE holdfast: backup started backup.kind=\"full run\" tenant.id=42")
    }
}
