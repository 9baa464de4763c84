/// `url` without user info, query or fragment: pre-signed URLs and OAuth redirects put secrets
/// there, and this is what errors and logs show.
func redactedForDiagnostics(url: String) -> String {
    var rest = Substring(url)
    if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
        rest = rest[..<end]
    }
    let separator = Array("://".utf8)
    let bytes = Array(rest.utf8)
    guard let offset = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
        return String(rest)
    }
    let authorityStart = rest.utf8.index(rest.startIndex, offsetBy: offset + separator.count)
    let authorityEnd = rest[authorityStart...].firstIndex(of: "/") ?? rest.endIndex
    guard let at = rest[authorityStart..<authorityEnd].lastIndex(of: "@") else {
        return String(rest)
    }
    return String(rest[..<authorityStart]) + String(rest[rest.index(after: at)...])
}
