import HTTP
import Testing

struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsOrderAndRepeats() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-Many": "1"]
        headers.add(name: "x-many", value: "2")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["X-MANY"] == "1")
        #expect(headers.values(for: "X-Many") == ["1", "2"])
        #expect(headers["missing"] == nil)
        #expect(headers.map(\.name) == ["Content-Type", "X-Many", "x-many"])
    }

    @Test func replaceOrAddRemovesEveryOldValue() {
        var headers: HTTPHeaders = ["A": "1", "a": "2", "B": "3"]
        headers.replaceOrAdd(name: "A", value: "4")
        #expect(headers.values(for: "a") == ["4"])
        #expect(headers.map(\.name) == ["B", "A"])
        headers.remove(name: "b")
        #expect(!headers.contains("B"))
        #expect(headers.count == 1)
    }

    @Test func descriptionHidesCredentials() {
        let headers: HTTPHeaders = ["Authorization": "Bearer secret-token", "Accept": "text/plain"]
        #expect(!headers.description.contains("secret-token"))
        #expect(headers.description.contains("Accept: text/plain"))
    }
}

struct HTTPMessageDescriptionTests {
    @Test func requestDescriptionIsSafeToLog() {
        var request = HTTPRequest(
            method: .put,
            url: "https://bucket.s3.example.com/blob?X-Amz-Signature=deadbeef",
            headers: ["Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE"],
            body: [1, 2, 3]
        )
        request.credentials = .init(username: "AKIDEXAMPLE", password: "wJalrXUtnFEMI")
        let description = request.description
        #expect(description == "HTTPRequest(PUT https://bucket.s3.example.com/blob, headers: [Authorization: <redacted>], 3 body bytes)")
        #expect(!"\(request.credentials!)".contains("wJalrXUtnFEMI"))
    }

    @Test func responseDescriptionSummarisesTheBody() {
        let response = HTTPResponse(
            status: 200,
            headers: ["Set-Cookie": "session=secret"],
            body: Array(repeating: 0, count: 5000),
            httpVersion: .http2,
            effectiveURL: "https://example.com/"
        )
        #expect(response.description == "HTTPResponse(200, HTTP/2, 5000 body bytes, headers: [Set-Cookie: <redacted>])")
    }
}
