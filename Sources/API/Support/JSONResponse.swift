public import Foundation
public import Hummingbird
import NIOCore

/// JSON responses in the API's conventions: snake_case keys, ISO 8601 times, sorted keys.
public enum JSONResponse {
    public static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error":{"code":…,"message":…,"request_id":…}}` with the error's status.
    public static func error(_ error: APIError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: error.code.rawValue, message: error.message, requestId: requestID))
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"","request_id":""}}"#.utf8)
        return Response(status: error.status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(APITime.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var requestId: String
        }
        var error: Detail
    }
}

/// Times as the API writes and reads them: ISO 8601 in UTC, with milliseconds when present.
public enum APITime {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An RFC 3339 `date-time`, exactly what docs/openapi.yaml's `format: date-time` allows
    /// (``RFC3339``); Foundation's ISO 8601 styles refuse some (`.9`, `+20:56`) and are not the format.
    public static func parse(_ text: String) -> Date? {
        RFC3339.dateTime(text).map { max($0, earliest) }
    }

    /// 0001-01-01T00:00:00Z. RFC 3339 allows year 0 (and offsets that reach back into it), which
    /// PostgreSQL cannot hold; no data is that old, so an earlier time means the same as this one.
    public static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
}
