public import Hummingbird

/// Routes served on the API's listener beside the route table that authenticate on their own (the
/// operator console under `/console`, browser sessions instead of API keys). A mount is given the
/// router after every API route is registered and must only register paths outside `/v1` and the
/// health routes; it handles its own errors, so the API's JSON error shape never reaches a browser.
public protocol APIRouterMount: Sendable {
    func mount(on router: Router<APIRequestContext>)
}
