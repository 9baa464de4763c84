import Foundation

/// How pages write times and durations: UTC, to the minute, and ages in the largest sensible unit.
enum ConsoleFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// `45 s`, `12 min`, `5 h`, `3 d`.
    static func duration(seconds: Double) -> String {
        let seconds = max(0, seconds)
        switch seconds {
        case ..<120: return "\(Int(seconds)) s"
        case ..<7200: return "\(Int(seconds / 60)) min"
        case ..<(3 * 86400): return "\(Int(seconds / 3600)) h"
        default: return "\(Int(seconds / 86400)) d"
        }
    }

    /// A bounded count: `1000+` when it reached the cap.
    static func count(_ value: Int, cap: Int) -> String {
        value >= cap ? "\(cap)+" : "\(value)"
    }
}

extension ConsoleFormat {
    /// `path?name=value&…` with every byte but RFC 3986's unreserved ones percent-encoded (so a
    /// `+` or `&` in a tenant's name survives the round trip).
    static func link(_ path: String, _ items: [(String, String?)]) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        func escape(_ text: String) -> String {
            var output = ""
            for byte in text.utf8 {
                if unreserved.contains(byte) { output.unicodeScalars.append(Unicode.Scalar(byte)) } else { output += String(format: "%%%02X", byte) }
            }
            return output
        }
        let query = items.compactMap { name, value in value.map { "\(escape(name))=\(escape($0))" } }.joined(separator: "&")
        return query.isEmpty ? path : path + "?" + query
    }
}
