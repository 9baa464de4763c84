@testable import HTTP
import Testing

struct HTTPClientErrorTests {
    @Test(arguments: [
        ("https://user:pw@example.com/path?sig=secret#frag", "https://example.com/path"),
        ("https://example.com/a/b?x=1", "https://example.com/a/b"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://example.com/p@th", "https://example.com/p@th"),
        ("not a url?token=1", "not a url"),
    ])
    func diagnosticsURLDropsSecrets(url: String, expected: String) {
        #expect(redactedForDiagnostics(url: url) == expected)
    }

    @Test func descriptionNamesCodeAndRedactedURL() {
        let error = HTTPClientError(
            code: .timedOut,
            message: "the request timed out",
            curlCode: 28,
            curlMessage: "Operation timed out after 100 milliseconds",
            url: "https://example.com/file?X-Amz-Signature=abc"
        )
        #expect(error.description == "HTTPClientError.timedOut: the request timed out (https://example.com/file): Operation timed out after 100 milliseconds")
        #expect(error.debugDescription.contains("CURLcode 28"))
        #expect(!error.debugDescription.contains("abc"))
    }

    @Test func durationsRoundUpToWholeMilliseconds() {
        #expect(Duration.nanoseconds(1).curlMilliseconds == 1)
        #expect(Duration.milliseconds(1500).curlMilliseconds == 1500)
        #expect(Duration.seconds(10).curlMilliseconds == 10_000)
        #expect(Duration.microseconds(1001).curlMilliseconds == 2)
    }
}
