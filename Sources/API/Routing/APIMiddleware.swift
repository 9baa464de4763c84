import Foundation
import Hummingbird
import Logging

/// Outermost API middleware: gives every request an id (the caller's `X-Request-Id` if usable),
/// turns every error into the one JSON error shape, and echoes the id in `X-Request-Id`. A path
/// that exists with another method answers 405 with `Allow`; every response carries headers that
/// keep browsers from sniffing, framing or leaking it (reports are served as HTML).
struct APIMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let maxBodyBytes: Int
    let methods: APIMethodTable
    /// HSTS is only meaningful, and only sent, when this listener serves TLS itself.
    let servesTLS: Bool

    /// `Content-Security-Policy`: the HTML reports are self-contained (inline styles only), so
    /// nothing may be loaded from elsewhere, no script runs, and no page may frame them.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request)
        context.maxBodyBytes = maxBodyBytes
        context.logger[metadataKey: "request.id"] = "\(context.requestID)"
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            var apiError = Self.apiError(for: error)
            if apiError.code == .routeNotFound {
                let allowed = methods.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    apiError = APIError(.methodNotAllowed, "\(request.uri.path) accepts \(allowed.joined(separator: ", ")), not \(request.method)",
                                        underlying: error)
                    apiError.allowedMethods = allowed
                }
            }
            if apiError.code == .internalError {
                context.logger.error("API request failed", metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
                ])
            } else if apiError.code.status.code >= 500 {
                context.logger.warning("API request could not be served", metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error.code": "\(apiError.code)",
                ])
            } else {
                context.logger.debug("API request refused", metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error.code": "\(apiError.code)",
                ])
            }
            response = JSONResponse.error(apiError, requestID: context.requestID)
            if let seconds = apiError.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            if let allowed = apiError.allowedMethods { response.headers[.allow] = allowed.joined(separator: ", ") }
        }
        response.headers[APIHeaders.requestID] = context.requestID
        // A mount that sets its own policy (the console's pages post forms to themselves) keeps it.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
        response.headers[APIHeaders.frameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[APIHeaders.referrerPolicy] == nil { response.headers[APIHeaders.referrerPolicy] = "no-referrer" }
        if servesTLS { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }

    /// Accepts a caller's id of up to 128 characters of `[A-Za-z0-9._-]`; anything else is replaced.
    static func requestID(from request: Request) -> String {
        if let given = request.headers[APIHeaders.requestID], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    /// Maps anything thrown below to an ``APIError``; internals never reach the caller.
    static func apiError(for error: any Error) -> APIError {
        if let apiError = error as? APIError { return apiError }
        if let mapped = DomainErrorMapping.apiError(for: error) { return mapped }
        if let httpError = error as? any HTTPResponseError {
            switch httpError.status {
            case .notFound: return APIError(.routeNotFound, "no route matches this path", underlying: error)
            case .methodNotAllowed: return APIError(.methodNotAllowed, "this path does not accept that method", underlying: error)
            case .contentTooLarge: return APIError(.bodyTooLarge, "the request body is too large", underlying: error)
            case .badRequest: return APIError(.invalidRequest, "the request is malformed", underlying: error)
            default: break
            }
        }
        return APIError(.internalError, "the server failed to answer; the request id is in the logs", underlying: error)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
