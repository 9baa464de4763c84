import Foundation

/// The little XML S3 answers with (`ListBucketResult`, `Error`): flat elements without
/// attributes that matter, so a scanner for `<Name>…</Name>` is enough and needs no libxml2.
enum S3XML {
    /// Every text value of elements called `name`, entities decoded, in document order.
    static func values(of name: String, in xml: String) -> [String] {
        let open = "<\(name)>"
        let close = "</\(name)>"
        var result: [String] = []
        var rest = xml[...]
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            result.append(Self.decodeEntities(String(rest[start.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return result
    }

    static func firstValue(of name: String, in xml: String) -> String? {
        self.values(of: name, in: xml).first
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
