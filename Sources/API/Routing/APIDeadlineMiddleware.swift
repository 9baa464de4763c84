import Hummingbird

/// Gives every request a deadline: a handler still running after `timeout` is cancelled (pool
/// waits, sleeps and Graph calls end with it) and the caller gets 503 `request_timeout`. With the
/// listener's idle timeout, this bounds what one slow or hostile caller can hold.
struct APIDeadlineMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let timeout: Duration

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            let handler = UncheckedHandler(next: next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.next(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw APIError(.requestTimeout, "the request took longer than \(timeout.components.seconds) seconds and was stopped; ask for less (a shorter period, fewer types) or try again later")
                }
                return response
            }
        }
    }
}

/// The middleware chain's `next`, carried into the one child task that calls it.
/// `@unchecked Sendable` because it is called exactly once, by that child, while the parent only
/// awaits the group; the group ends (and waits for that child) before `withoutActuallyEscaping`
/// returns, so the closure neither escapes nor runs concurrently with anything that shares its state.
private struct UncheckedHandler: @unchecked Sendable {
    let next: (Request, APIRequestContext) async throws -> Response
}

extension APIError.Code {
    /// The request outlived the API's request timeout and was stopped.
    static let requestTimeout = APIError.Code("request_timeout", status: .serviceUnavailable)
    /// Too many expensive calls with one key: wait for `Retry-After` seconds.
    static let rateLimited = APIError.Code("rate_limited", status: .tooManyRequests)
}
