public import Hummingbird

/// Query values read exactly as docs/openapi.yaml states them, so a value the document calls
/// invalid is refused (400 `invalid_parameter`) instead of being read leniently.
public enum QueryValues {
    /// Decimal digits without a sign or a leading zero, at most `maxDigits` of them: what the
    /// document's integer parameters and cursor patterns allow (`Int64("+05")` would take more).
    public static func digits(_ text: Substring, maxDigits: Int = 18) -> Int64? {
        let bytes = text.utf8
        guard (1...maxDigits).contains(bytes.count), bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              bytes.count == 1 || bytes.first != UInt8(ascii: "0") else { return nil }
        return Int64(text)
    }

    /// A positive whole number as the document's `int64`, `minimum: 1` parameters have it.
    public static func positiveID(_ text: some StringProtocol) -> Int64? {
        guard let value = digits(Substring(text), maxDigits: 19), value > 0 else { return nil }
        return value
    }

    /// A comma-separated list (`state=ok,breached`), repeatable: every element non-empty, each
    /// checked by `element`. Nil when the parameter is absent.
    public static func list<Element>(_ request: Request, _ name: String, element: (Substring) throws -> Element) throws -> [Element]? {
        let values = request.uri.queryParameters.getAll(name)
        guard !values.isEmpty else { return nil }
        return try values.flatMap { value in
            try value.split(separator: ",", omittingEmptySubsequences: false).map { text in
                guard !text.isEmpty else {
                    throw APIError(.invalidParameter, "\(name) has an empty element (got '\(value)'); leave the parameter out for no filter")
                }
                return try element(Substring(text))
            }
        }
    }

    /// `true` or `false`; nil when absent.
    public static func bool(_ request: Request, _ name: String) throws -> Bool? {
        switch request.uri.queryParameters.get(name) {
        case nil: nil
        case "true": true
        case "false": false
        case let other?: throw APIError(.invalidParameter, "\(name) must be true or false (got '\(other)')")
        }
    }
}
