public import Foundation
public import Hummingbird

/// `?from=&to=` of SLA history and compliance reports: `from` included, `to` excluded, UTC.
/// Either may be a date (`2026-11-01`) or an ISO 8601 time; `to` defaults to now and `from` to
/// ``defaultLength`` before `to`. Periods longer than ``maxLength`` are refused, so one request
/// cannot make the coordinator read years of history.
public struct PeriodQuery: Sendable, Hashable {
    public var from: Date
    public var to: Date

    public static let defaultLength: TimeInterval = 30 * 86_400
    public static let maxDays = 400
    public static var maxLength: TimeInterval { TimeInterval(maxDays) * 86_400 }

    public static func parse(_ request: Request, now: Date) throws -> PeriodQuery {
        let query = request.uri.queryParameters
        // Never before year 1 (APITime.earliest), not even a default `from`: PostgreSQL has no year 0.
        let to = try query["to"].map { try date(String($0), name: "to") } ?? now
        let from = try query["from"].map { try date(String($0), name: "from") } ?? max(to.addingTimeInterval(-defaultLength), APITime.earliest)
        guard from < to else {
            throw APIError(.invalidParameter, "from must be before to (from \(APITime.format(from)), to \(APITime.format(to)))")
        }
        guard to.timeIntervalSince(from) <= maxLength else {
            throw APIError(.invalidParameter, "the period from \(APITime.format(from)) to \(APITime.format(to)) is longer than \(maxDays) days; ask for shorter periods")
        }
        return PeriodQuery(from: from, to: to)
    }

    private static func date(_ text: String, name: String) throws -> Date {
        guard let date = (RFC3339.fullDate(text) ?? RFC3339.dateTime(text)).map({ max($0, APITime.earliest) }) else {
            throw APIError(.invalidParameter, "\(name) must be a date (2026-11-01) or an ISO 8601 time (2026-11-01T00:00:00Z) (got '\(text)')")
        }
        return date
    }
}
