extension APIError {
    /// What the API would answer for `error`: the error itself, a domain error's mapping (not found,
    /// invalid state…), or `internal_error` whose message says nothing of the cause. For the console,
    /// which shows the same message in a page instead of a JSON body.
    public static func describing(_ error: any Error) -> APIError {
        APIMiddleware.apiError(for: error)
    }
}
