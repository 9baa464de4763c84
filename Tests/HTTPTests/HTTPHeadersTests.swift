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
