import API
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Around every console request: turns redirects and errors into pages (never the API's JSON
/// error shape), and adds the security headers to every response, error pages included.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let renderer: ConsoleRenderer
    let cookies: ConsoleCookies

    /// No script, style, frame or plugin from anywhere but the console itself, and none inline;
    /// forms post only here; no page may frame the console.
    static let contentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let redirect as ConsoleRedirect {
            response = Response(status: .seeOther, headers: [.location: redirect.location])
            if redirect.clearsSession { response.setCookie(cookies.cleared()) }
        } catch {
            response = errorPage(error, request: request, context: context)
        }
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func errorPage(_ error: any Error, request: Request, context: APIRequestContext) -> Response {
        if let error = error as? ConsoleError {
            let (status, heading): (HTTPResponse.Status, String) = switch error.code {
            case .invalidInput: (.badRequest, "That request cannot be used")
            case .notFound: (.notFound, "Not found")
            case .forgedRequest: (.forbidden, "Request refused")
            case .forbidden: (.forbidden, "Not allowed")
            case .conflict: (.conflict, "Cannot do that now")
            case .unavailable: (.serviceUnavailable, "Not available here")
            default: (.internalServerError, "Something went wrong")
            }
            if status == .internalServerError {
                context.logger.error("console request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
                return renderer.message(heading, "The console failed to answer; nothing was changed. The request id is in the server's logs.",
                                        status: status, requestID: context.requestID)
            }
            return renderer.message(heading, error.message, status: status, requestID: context.requestID)
        }
        if let httpError = error as? any HTTPResponseError, httpError.status == .contentTooLarge {
            return renderer.message("That request cannot be used", "The form is too large.", status: .contentTooLarge, requestID: context.requestID)
        }
        let apiError = APIError.describing(error)
        if apiError.code == .internalError {
            context.logger.error("console request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return renderer.message("Something went wrong", "The console failed to answer; nothing was changed. The request id is in the server's logs.",
                                    status: .internalServerError, requestID: context.requestID)
        }
        return renderer.message(apiError.code.status.code == 404 ? "Not found" : "Cannot do that", apiError.message, status: apiError.code.status,
                                requestID: context.requestID)
    }
}
