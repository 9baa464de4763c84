/// Thrown by a handler to answer `303 See Other` (after a form post, or to the sign-in page);
/// `clearsSession` also removes the session cookie.
struct ConsoleRedirect: Error, Sendable {
    var location: String
    var clearsSession = false
}
