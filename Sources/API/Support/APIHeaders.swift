public import HTTPTypes

public enum APIHeaders {
    /// Request id: sent back on every response, and accepted from the caller.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}
